/** cdk-nag is wired so that an unacknowledged finding fails synthesis. */
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';

function synthWithBucket(configure: (bucket: s3.Bucket) => void): void {
  const app = new App();
  const stack = new Stack(app, 'NagProbe');
  const bucket = new s3.Bucket(stack, 'Plain');
  configure(bucket);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  app.synth();
}

test('a bucket without TLS enforcement or access logs fails synthesis with the rule ids', () => {
  expect(() => synthWithBucket(() => undefined)).toThrow(/server access logs disabled[\s\S]*AwsSolutions-S1'[\s\S]*does not require requests to use SSL[\s\S]*AwsSolutions-S10'/);
});

test('the same bucket passes once each finding is acknowledged with a reason', () => {
  expect(() =>
    synthWithBucket((bucket) => {
      Validations.of(bucket).acknowledge({ id: 'AwsSolutions-S1', reason: 'probe bucket of this test' });
      Validations.of(bucket).acknowledge({ id: 'AwsSolutions-S10', reason: 'probe bucket of this test' });
    }),
  ).not.toThrow();
});
