/** The ingest ASG's step scaling takes its steps, delays and warm-up from the plan, not from literals. */
import { Match } from 'aws-cdk-lib/assertions';
import { configWith } from '../helpers';
import { synthesizeStage } from './synth';

jest.setTimeout(120_000);

test('scale-out and scale-in steps, their delays and the warm-up follow the config', () => {
  const { templates } = synthesizeStage(
    configWith('staging', { ingest: { scaleOutInstances: 3, scaleOutAfterMinutes: 5, scaleInInstances: 2, scaleInAfterMinutes: 15, instanceWarmupMinutes: 4 } }),
  );
  const { Ingest } = templates;
  Ingest.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
    PolicyType: 'StepScaling',
    EstimatedInstanceWarmup: 240,
    StepAdjustments: [Match.objectLike({ MetricIntervalLowerBound: 0, ScalingAdjustment: 3 })],
  });
  Ingest.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
    PolicyType: 'StepScaling',
    StepAdjustments: [Match.objectLike({ MetricIntervalUpperBound: 0, ScalingAdjustment: -2 })],
  });
  Ingest.hasResourceProperties('AWS::CloudWatch::Alarm', { Threshold: 70, EvaluationPeriods: 5, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
  Ingest.hasResourceProperties('AWS::CloudWatch::Alarm', { Threshold: 40, EvaluationPeriods: 15, ComparisonOperator: 'LessThanOrEqualToThreshold' });
});

test('the scaling numbers are validated like every count', () => {
  expect(() => synthesizeStage(configWith('staging', { ingest: { scaleOutInstances: 0 } }))).toThrow('capacity config "staging": ingest.scaleOutInstances (0) must be a positive integer');
});
