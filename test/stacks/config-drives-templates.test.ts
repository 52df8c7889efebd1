/** The capacity config is the only edit needed to resize a deployment. */
import { Match } from 'aws-cdk-lib/assertions';
import { configWith } from '../helpers';
import { synthesizeStage } from './synth';

jest.setTimeout(120_000);

test('doubling prod’s load resizes every tier, with no other edit', () => {
  const doubled = configWith('prod', { workload: { monitoredServers: 20_000 } });
  const { templates } = synthesizeStage(doubled);
  // 200,000 req/s / 10,000 = 20 + 2 spares; max 40.
  templates.Ingest.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { MinSize: '22', DesiredCapacity: '22', MaxSize: '40' });
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

test('an invalid config stops synthesis naming the field', () => {
  expect(() => synthesizeStage(configWith('prod', { kafka: { brokers: 4 } }))).toThrow('capacity config "prod": kafka.brokers (4) must be a multiple of availabilityZones (3)');
});

test('private clients get an internal ALB in the private subnets, without public addresses', () => {
  const { templates, stage } = synthesizeStage(configWith('prod', { workload: { clientNetwork: 'private' } }));
  templates.Ingest.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internal' });
  expect(stage.plan.network.publicIpv4Addresses).toBe(3); // the NAT gateways' only
});

test('log retention, monitoring levels, endpoints and the access-log lifecycle are the plan’s', () => {
  const { templates, stage } = synthesizeStage(configWith('prod', {}));
  const { observability: o, network } = stage.plan;
  for (const tier of ['Network', 'Kafka', 'Flink'] as const) {
    templates[tier].hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: o.logGroups.find((g) => g.tier === tier.toLowerCase())!.retentionDays });
  }
  templates.Kafka.hasResourceProperties('AWS::MSK::Cluster', { EnhancedMonitoring: o.mskEnhancedMonitoring });
  templates.Flink.hasResourceProperties('AWS::KinesisAnalyticsV2::Application', {
    ApplicationConfiguration: Match.objectLike({ FlinkApplicationConfiguration: Match.objectLike({ MonitoringConfiguration: Match.objectLike({ MetricsLevel: o.flinkMetricsLevel, LogLevel: o.flinkLogLevel }) }) }),
  });
  expect(Object.keys(templates.Network.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Interface' } }))).toHaveLength(network.interfaceEndpoints.length);
  templates.Ingest.hasResourceProperties('AWS::S3::Bucket', {
    VersioningConfiguration: { Status: 'Enabled' },
    LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: o.accessLogs.expirationDays, NoncurrentVersionExpiration: { NoncurrentDays: o.accessLogs.noncurrentDays } })] },
  });
});

test('Graviton ingest instances boot the arm64 Amazon Linux image', () => {
  const { templates } = synthesizeStage(configWith('prod', { ingest: { instanceType: 'c7g.2xlarge' } }));
  templates.Ingest.hasResourceProperties('AWS::EC2::LaunchTemplate', { LaunchTemplateData: Match.objectLike({ InstanceType: 'c7g.2xlarge' }) });
  const parameters = JSON.stringify(templates.Ingest.toJSON().Parameters);
  expect(parameters).toContain('al2023-ami-kernel-6.1-arm64');
  expect(parameters).not.toContain('x86_64');
});
