/** The plan's soft problems reach `cdk synth` as warnings on the stack of the tier they concern. */
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { CAPACITY_CONFIGS } from '../../lib/capacity-config';
import { applyWhatIf } from '../../lib/plan/what-if';
import { configWith } from '../helpers';
import { synthesizeStage } from './synth';

jest.setTimeout(180_000);

/** The plan's warnings, acknowledgeable by their id (CDK adds warnings of its own). */
const OURS = Match.stringLikeRegexp('\\[ack: metricstream:plan:');

test('2,000,000 metrics/s: the KPU and broker quotas are warnings on the Flink and Kafka stacks', () => {
  // 7 days of aggregates keep InfluxDB at one shard (the stack refuses more, lib/topics.ts).
  const { stage } = synthesizeStage(applyWhatIf(configWith('prod', { influx: { aggregateRetentionDays: 7 } }), { metricsPerSecond: 2_000_000 }));
  Annotations.fromStack(stage.flink).hasWarning(
    '/MetricStream-prod/Flink',
    Match.stringLikeRegexp('^flink\\.parallelismPerKpu: the plan needs 216 KPUs, over the Managed Flink KPUs per application quota of 64 \\(default\\): request an increase'),
  );
  Annotations.fromStack(stage.kafka).hasWarning('/MetricStream-prod/Kafka', Match.stringLikeRegexp('^kafka\\.brokerInstanceType: the plan needs 72 brokers, over the MSK brokers per cluster quota of 60'));
  Annotations.fromStack(stage.ingest).hasWarning('/MetricStream-prod/Ingest', Match.stringLikeRegexp('^ingest\\.instanceType: the plan needs \\d+ vCPUs'));
  // Static stability the target asks for and a regional service cannot give (InfluxDB's nodes load on their own: none there).
  Annotations.fromStack(stage.flink).hasWarning('/MetricStream-prod/Flink', Match.stringLikeRegexp('^redundancy\\.availabilityTarget: flink is not statically stable'));
  Annotations.fromStack(stage.influx).hasNoWarning('*', OURS);
  Annotations.fromStack(stage.network).hasNoWarning('*', OURS);
  Annotations.fromStack(stage.monitoring).hasNoWarning('*', OURS);
});

test('a plan within every quota it checks adds no warning to the Flink and Kafka stacks', () => {
  const { stage } = synthesizeStage(CAPACITY_CONFIGS.staging);
  expect(stage.plan.warnings.map((w) => w.tier)).toEqual(['ingest']);
  Annotations.fromStack(stage.flink).hasNoWarning('*', OURS);
  Annotations.fromStack(stage.kafka).hasNoWarning('*', OURS);
  Annotations.fromStack(stage.ingest).hasWarning('*', Match.stringLikeRegexp('EC2 Running On-Demand Standard instances.*\\[ack: metricstream:plan:ec2OnDemandStandardVcpus\\]$'));
});
