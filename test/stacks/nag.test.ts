/** cdk-nag is wired so that an unacknowledged finding of either pack fails synthesis. */
import { App, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { acknowledge, addNagPacks } from '../../lib/nag';

jest.setTimeout(60_000);

function synthWithBucket(configure: (bucket: s3.Bucket) => void): void {
  const app = new App();
  const stack = new Stack(app, 'NagProbe');
  const bucket = new s3.Bucket(stack, 'Plain');
  configure(bucket);
  addNagPacks(app);
  app.synth();
}

const FINDINGS = [
  'AwsSolutions-S1',
  'AwsSolutions-S10',
  'NIST.800.53.R5-S3BucketLoggingEnabled',
  'NIST.800.53.R5-S3BucketPublicReadProhibited',
  'NIST.800.53.R5-S3BucketPublicWriteProhibited',
  'NIST.800.53.R5-S3BucketVersioningEnabled',
  'NIST.800.53.R5-S3BucketReplicationEnabled',
  'NIST.800.53.R5-S3BucketSSLRequestsOnly',
  'NIST.800.53.R5-S3DefaultEncryptionKMS',
];

test('a plain bucket fails synthesis, naming the findings of both packs', () => {
  let message = '';
  try {
    synthWithBucket(() => undefined);
  } catch (err) {
    message = String(err);
  }
  for (const id of FINDINGS) expect(message).toContain(`'${id.startsWith('NIST') ? 'NIST.800.53.R5' : 'AwsSolutions'}::${id}'`);
});

test('the same bucket passes once each finding is acknowledged with a reason', () => {
  expect(() => synthWithBucket((bucket) => acknowledge(bucket, FINDINGS, 'probe bucket of this test'))).not.toThrow();
});
