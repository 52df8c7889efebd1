/**
 * Issue 14, the stack side: the Flink job hands its output to Kafka and every InfluxDB node loads its
 * own copy. Template assertions per environment.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { CAPACITY_CONFIGS, ENVIRONMENT_NAMES } from '../../lib/capacity-config';
import { TOPICS } from '../../lib/topics';
import { synthesizeStage, type SynthesizedStage } from './synth';

jest.setTimeout(300_000);

const stages = {} as Record<(typeof ENVIRONMENT_NAMES)[number], SynthesizedStage>;
beforeAll(() => {
  for (const env of ENVIRONMENT_NAMES) stages[env] = synthesizeStage(CAPACITY_CONFIGS[env]);
});

type Statement = { Action: string | string[]; Resource: unknown };
function statements(stage: SynthesizedStage, tier: 'Flink' | 'Influx'): Statement[] {
  return Object.values(stage.templates[tier].findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
}
const actions = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
/** The topic or group name at the end of a kafkaResourceArn() join. */
const arnTail = (resource: unknown): string => {
  const parts = (resource as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join']?.[1] ?? [];
  const last = parts[parts.length - 1];
  return typeof last === 'string' ? last : '';
};

describe.each(ENVIRONMENT_NAMES)('%s: the Flink stack sends what the job reads', (env) => {
  const groups = () => {
    const apps = Object.values(stages[env].templates.Flink.findResources('AWS::KinesisAnalyticsV2::Application'));
    expect(apps).toHaveLength(1);
    return apps[0].Properties.ApplicationConfiguration.EnvironmentProperties.PropertyGroups as { PropertyGroupId: string; PropertyMap: Record<string, string> }[];
  };

  test('no influx group (the job refuses it); the aggregates topic in the kafka group', () => {
    const ids = groups().map((g) => g.PropertyGroupId);
    expect(ids).not.toContain('influx');
    expect(ids.sort()).toEqual(['alerts', 'job', 'kafka', 'window']);
    expect(groups().find((g) => g.PropertyGroupId === 'kafka')!.PropertyMap).toMatchObject({
      'metrics.topic': TOPICS.metrics,
      'alerts.topic': TOPICS.alerts,
      'aggregates.topic': TOPICS.aggregates,
    });
  });

  test('the job may write the alerts and aggregates topics, and read only the metrics topic', () => {
    const topicRights = statements(stages[env], 'Flink')
      .filter((s) => actions(s).some((a) => a.startsWith('kafka-cluster:')) && actions(s).includes('kafka-cluster:DescribeTopic'))
      .flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]).map((r) => `${actions(s).sort().join('+')} ${arnTail(r)}`))
      .sort();
    expect(topicRights).toEqual(
      [
        `kafka-cluster:DescribeTopic+kafka-cluster:ReadData /${TOPICS.metrics}`,
        `kafka-cluster:DescribeTopic+kafka-cluster:WriteData /${TOPICS.alerts}`,
        `kafka-cluster:DescribeTopic+kafka-cluster:WriteData /${TOPICS.aggregates}`,
      ].sort(),
    );
  });

  test('the Flink stack no longer waits for the Influx stack', () => {
    expect(stages[env].stage.flink.dependencies.map((s) => s.stackName)).not.toContain(stages[env].stage.influx.stackName);
    stages[env].templates.Flink.hasResourceProperties('AWS::KinesisAnalyticsV2::Application', { ApplicationDescription: Match.not(Match.stringLikeRegexp('InfluxDB')) });
  });
});

describe.each(ENVIRONMENT_NAMES)('%s: the aggregates topic is planned', (env) => {
  test('the Kafka stack creates it with the plan\'s partitions, replication and restore-covering retention', () => {
    const { templates, stage } = stages[env];
    const { kafka, deployment } = stage.plan;
    const topics = templates.Kafka.findResources('AWS::MSK::Topic', { Properties: { TopicName: TOPICS.aggregates } });
    expect(Object.keys(topics)).toHaveLength(1);
    const topic = Object.values(topics)[0];
    expect(topic.Properties).toMatchObject({ PartitionCount: kafka.aggregatesTopicPartitions, ReplicationFactor: kafka.replicationFactor });
    const configs = JSON.parse(Buffer.from(topic.Properties.Configs, 'base64').toString('utf8'));
    expect(configs['retention.ms']).toBe(String(kafka.aggregates.retentionHours * 3_600_000));
    expect(configs['min.insync.replicas']).toBe(String(kafka.minInSyncReplicas));
    // Deleting the topic would delete what the nodes rebuild from.
    if (deployment.protectFromDeletion) expect(topic).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  test('the brokers\' volumes hold the aggregates too', () => {
    const { kafka } = stages[env].stage.plan;
    stages[env].templates.Kafka.hasResourceProperties('AWS::MSK::Cluster', {
      BrokerNodeGroupInfo: Match.objectLike({ StorageInfo: { EBSStorageInfo: { VolumeSize: kafka.storagePerBrokerGiB } } }),
    });
    expect(kafka.storagePerBrokerGiB * 1024 ** 3 * CAPACITY_CONFIGS[env].kafka.storageTargetUtilization).toBeGreaterThanOrEqual(kafka.retainedBytesPerBroker);
  });
});
