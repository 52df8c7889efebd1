/** The capacity config is the only edit needed to resize a deployment. */
import { Match } from 'aws-cdk-lib/assertions';
import { CAPACITY_CONFIGS } from '../../lib/capacity-config';
import { planCapacity } from '../../lib/plan';
import { configWith } from '../helpers';
import { synthesizeStage } from './synth';

jest.setTimeout(120_000);

test('doubling prod’s load resizes every tier, with no other edit', () => {
  const doubled = configWith('prod', { workload: { monitoredServers: 20_000 } });
  const { templates, stage } = synthesizeStage(doubled);
  // 200,000 req/s / 10,000 = 20 needed; an AZ loss must leave ceil(200,000 / (10,000 / 0.7 x 0.85)) = 17,
  // so 26 over 3 AZs (9 + 9 + 8); max 40.
  templates.Ingest.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { MinSize: '26', DesiredCapacity: Match.absent(), MaxSize: '40' });
  // 200,000 / 10,000 per slot = 20 -> 27 over 9 brokers; 27 partitions.
  templates.Flink.hasResourceProperties('AWS::KinesisAnalyticsV2::Application', {
    ApplicationConfiguration: Match.objectLike({ FlinkApplicationConfiguration: Match.objectLike({ ParallelismConfiguration: Match.objectLike({ Parallelism: 27 }) }) }),
  });
  templates.Kafka.hasResourceProperties('AWS::MSK::Topic', { TopicName: 'metrics', PartitionCount: 27 });
  // 200,000 x 3 replica writes over 100,000 per broker at 85 % -> 8 -> 9 brokers, each with a ninth of
  // the storage: the metrics topic's 24 h and the aggregates topic (twice the series) for its retention.
  const { aggregates } = stage.plan.kafka;
  expect(aggregates.bytesPerSecond).toBe(2 * planCapacity(CAPACITY_CONFIGS.prod).kafka.aggregates.bytesPerSecond);
  const retained = 200_000 * doubled.kafka.storedBytesPerRecord.value * 24 * 3600 + aggregates.bytesPerSecond * aggregates.retentionHours * 3600;
  const storage = Math.ceil((retained * 3) / 9 / 0.8 / 2 ** 30 / 10) * 10;
  templates.Kafka.hasResourceProperties('AWS::MSK::Cluster', { NumberOfBrokerNodes: 9, BrokerNodeGroupInfo: Match.objectLike({ StorageInfo: { EBSStorageInfo: { VolumeSize: storage } } }) });
});

test('instance types and replication come from the config', () => {
  const { templates } = synthesizeStage(
    configWith('prod', { ingest: { instanceType: 'c6i.xlarge', requestsPerSecondPerInstance: { value: 5_000 } }, influx: { instanceType: 'i3.xlarge', replicationFactor: 2 }, kafka: { brokerInstanceType: 'kafka.m5.large' } }),
  );
  templates.Ingest.hasResourceProperties('AWS::EC2::LaunchTemplate', { LaunchTemplateData: Match.objectLike({ InstanceType: 'c6i.xlarge' }) });
  // 100,000 / 5,000 = 20 needed; 17 must survive an AZ loss: 26.
  templates.Ingest.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { MinSize: '26' });
  templates.Influx.resourceCountIs('AWS::EC2::Instance', 2);
  templates.Influx.allResourcesProperties('AWS::EC2::Instance', { InstanceType: 'i3.xlarge' });
  templates.Kafka.hasResourceProperties('AWS::MSK::Cluster', { BrokerNodeGroupInfo: Match.objectLike({ InstanceType: 'kafka.m5.large' }) });
});

test('an environment in a region without a pinned AMI stops synthesis naming the field', () => {
  const config = configWith('prod', { region: 'eu-west-1', availabilityZoneIds: ['euw1-az1', 'euw1-az2', 'euw1-az3'] });
  expect(CAPACITY_CONFIGS.prod.hostImage.amiIds['eu-west-1']).toBeUndefined();
  expect(() => synthesizeStage(config)).toThrow('capacity config "prod": hostImage.amiIds.eu-west-1 is missing');
});

test('an invalid config stops synthesis naming the field', () => {
  expect(() => synthesizeStage(configWith('prod', { kafka: { brokers: 4 } }))).toThrow('capacity config "prod": kafka.brokers (4) must be a multiple of availabilityZones (3)');
});

test('private clients get an internal ALB in the private subnets, without public addresses', () => {
  const { templates, stage } = synthesizeStage(configWith('prod', { workload: { clientNetwork: 'private' } }));
  templates.Ingest.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internal' });
  // The NAT gateways' and Grafana's internet-facing ALB's (prod's operator CIDR is public); none of ingest's.
  expect(stage.plan.network.publicIpv4Addresses).toBe(3 + 3);
  expect(templates.Grafana.findResources('AWS::ElasticLoadBalancingV2::LoadBalancer')).not.toEqual({});
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

test('a Graviton ingest type stops synthesis until an arm64 image is pinned (the pinned AMIs are x86_64)', () => {
  expect(() => synthesizeStage(configWith('prod', { ingest: { instanceType: 'c7g.2xlarge' } }))).toThrow(
    'capacity config "prod": hostImage.amiIds pins x86_64 images only; c7g.2xlarge is arm64 (Graviton): pin an arm64 image before choosing it',
  );
});

test('the ingest spool is the volume less the OS’s reserve, from the config', () => {
  const { templates } = synthesizeStage(configWith('prod', { ingest: { volumeGiB: 100 } }));
  templates.Ingest.hasResourceProperties('AWS::EC2::LaunchTemplate', {
    LaunchTemplateData: Match.objectLike({ BlockDeviceMappings: [Match.objectLike({ Ebs: Match.objectLike({ VolumeSize: 100 }) })] }),
  });
  // 100 GiB less 8 GiB for the OS, packages and journal.
  expect(JSON.stringify(templates.Ingest.findResources('AWS::EC2::LaunchTemplate'))).toContain(`Environment=INGEST_SPOOL_MAX_BYTES=${92 * 2 ** 30}`);
});

test('the checkpoint interval and the pause between checkpoints are the config’s', () => {
  const { templates } = synthesizeStage(configWith('prod', { flink: { checkpointIntervalSeconds: 120, minPauseBetweenCheckpointsSeconds: 20 } }));
  templates.Flink.hasResourceProperties('AWS::KinesisAnalyticsV2::Application', {
    ApplicationConfiguration: Match.objectLike({
      FlinkApplicationConfiguration: Match.objectLike({
        CheckpointConfiguration: { ConfigurationType: 'CUSTOM', CheckpointingEnabled: true, CheckpointInterval: 120_000, MinPauseBetweenCheckpoints: 20_000 },
      }),
    }),
  });
});

test('timings, subnet sizes and alarm thresholds the stacks use are the plan’s', () => {
  const { templates, stage } = synthesizeStage(configWith('staging', { ingest: { scaleOutAfterMinutes: 4, scaleInAfterMinutes: 12 } }));
  const { ingest, flink, deployment, alarms } = stage.plan;
  templates.Ingest.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
    LoadBalancerAttributes: Match.arrayWith([{ Key: 'idle_timeout.timeout_seconds', Value: String(ingest.lifecycle.loadBalancerIdleTimeoutSeconds) }]),
  });
  // The targets keep idle connections longer than the ALB does, so the ALB closes them (no 502s).
  const keepAlive = /Environment=INGEST_KEEP_ALIVE_TIMEOUT_MS=(\d+)/.exec(JSON.stringify(templates.Ingest.findResources('AWS::EC2::LaunchTemplate')));
  expect(Number(keepAlive?.[1])).toBe(ingest.lifecycle.keepAliveTimeoutSeconds * 1000);
  expect(ingest.lifecycle.keepAliveTimeoutSeconds).toBeGreaterThan(ingest.lifecycle.loadBalancerIdleTimeoutSeconds);
  // The step policies' alarms: the configured minutes as periods of the plan's metric period.
  expect(ingest.scaleOutEvaluationPeriods).toBe((4 * 60) / ingest.scalingMetricPeriodSeconds);
  templates.Ingest.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'AWS/EC2', Period: ingest.scalingMetricPeriodSeconds, EvaluationPeriods: ingest.scaleOutEvaluationPeriods });
  templates.Ingest.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'AWS/EC2', Period: ingest.scalingMetricPeriodSeconds, EvaluationPeriods: ingest.scaleInEvaluationPeriods });
  // The boot script's restart delay.
  const userData = JSON.stringify(templates.Ingest.findResources('AWS::EC2::LaunchTemplate'));
  expect(userData).toContain(`RestartSec=${ingest.lifecycle.serviceRestartSeconds}`);
  // Per AZ one public and one private subnet of the planned sizes.
  const masks = Object.values(templates.Network.findResources('AWS::EC2::Subnet')).map((s) => String(s.Properties.CidrBlock).split('/')[1]);
  expect(masks.sort()).toEqual([...Array(3).fill(String(deployment.subnetCidrMasks.private)), ...Array(3).fill(String(deployment.subnetCidrMasks.public))].sort());
  // The start waiter's handlers.
  templates.Flink.hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.isComplete', Timeout: flink.start.handlerTimeoutSeconds });
  // Every alarm of the monitoring stack at the plan's period; the Flink downtime alarm at its threshold.
  for (const alarm of Object.values(templates.Monitoring.findResources('AWS::CloudWatch::Alarm'))) {
    const period = alarm.Properties.Period ?? alarm.Properties.Metrics?.find((m: { MetricStat?: { Period: number } }) => m.MetricStat)?.MetricStat.Period;
    expect(period).toBe(alarms.periodSeconds);
  }
  templates.Monitoring.hasResourceProperties('AWS::CloudWatch::Alarm', {
    MetricName: 'downtime',
    Threshold: alarms.thresholds.flinkDowntimeMs.critical.value,
    EvaluationPeriods: alarms.thresholds.flinkDowntimeMs.critical.minutes,
  });
});
