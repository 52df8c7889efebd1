/** The capacity config is the only edit needed to resize a deployment. */
import { Match } from 'aws-cdk-lib/assertions';
import { CAPACITY_CONFIGS } from '../../lib/capacity-config';
import { configWith } from '../helpers';
import { synthesizeStage } from './synth';

jest.setTimeout(120_000);

test('doubling prod’s load resizes every tier, with no other edit', () => {
  const doubled = configWith('prod', { workload: { monitoredServers: 20_000 } });
  const { templates } = synthesizeStage(doubled);
  // 200,000 req/s / 10,000 = 20 + 2 spares; max 40.
  templates.Ingest.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { MinSize: '22', MaxSize: '40' });
  // 200,000 / 10,000 per slot = 20 -> 24 over 6 brokers; 24 partitions.
  templates.Flink.hasResourceProperties('AWS::KinesisAnalyticsV2::Application', {
    ApplicationConfiguration: Match.objectLike({ FlinkApplicationConfiguration: Match.objectLike({ ParallelismConfiguration: Match.objectLike({ Parallelism: 24 }) }) }),
  });
  templates.Kafka.hasResourceProperties('AWS::MSK::Topic', { TopicName: 'metrics', PartitionCount: 24 });
  // 200,000 x 3 replica writes over 160,000 per broker -> 4 -> 6 brokers, each with half the storage per record.
  const storage = Math.ceil((200_000 * doubled.kafka.storedBytesPerRecord.value * 24 * 3600 * 3) / 6 / 0.8 / 2 ** 30 / 10) * 10;
  templates.Kafka.hasResourceProperties('AWS::MSK::Cluster', { NumberOfBrokerNodes: 6, BrokerNodeGroupInfo: Match.objectLike({ StorageInfo: { EBSStorageInfo: { VolumeSize: storage } } }) });
});

test('instance types and replication come from the config', () => {
  const { templates } = synthesizeStage(
    configWith('prod', { ingest: { instanceType: 'c6i.xlarge', requestsPerSecondPerInstance: { value: 5_000 } }, influx: { instanceType: 'i3.xlarge', replicationFactor: 2 }, kafka: { brokerInstanceType: 'kafka.m5.large' } }),
  );
  templates.Ingest.hasResourceProperties('AWS::EC2::LaunchTemplate', { LaunchTemplateData: Match.objectLike({ InstanceType: 'c6i.xlarge' }) });
  templates.Ingest.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { MinSize: '22' });
  templates.Influx.resourceCountIs('AWS::EC2::Instance', 2);
  templates.Influx.allResourcesProperties('AWS::EC2::Instance', { InstanceType: 'i3.xlarge' });
  templates.Kafka.hasResourceProperties('AWS::MSK::Cluster', { BrokerNodeGroupInfo: Match.objectLike({ InstanceType: 'kafka.m5.large' }) });
});

test('an environment in a region without a pinned AMI stops synthesis naming the field', () => {
  const config = configWith('prod', { region: 'eu-west-1' });
  expect(CAPACITY_CONFIGS.prod.hostImage.amiIds['eu-west-1']).toBeUndefined();
  expect(() => synthesizeStage(config)).toThrow('capacity config "prod": hostImage.amiIds.eu-west-1 is missing');
});

test('an invalid config stops synthesis naming the field', () => {
  expect(() => synthesizeStage(configWith('prod', { kafka: { brokers: 4 } }))).toThrow('capacity config "prod": kafka.brokers (4) must be a multiple of availabilityZones (3)');
});
