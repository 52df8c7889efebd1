/**
 * Issue 14, the stack side: the Flink job hands its output to Kafka and every InfluxDB node loads its
 * own copy. Template assertions per environment.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { CAPACITY_CONFIGS, ENVIRONMENT_NAMES } from '../../lib/capacity-config';
import { aggregatesTopicOfShard, INFLUX_DATABASE, TOPICS } from '../../lib/topics';
import { configWith } from '../helpers';
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

describe.each(ENVIRONMENT_NAMES)('%s: readers reach InfluxDB through an internal NLB only', (env) => {
  const groupName = (ref: unknown): string => {
    const r = ref as { 'Fn::GetAtt'?: string[]; 'Fn::ImportValue'?: string };
    const id = r['Fn::GetAtt']?.[0] ?? String(r['Fn::ImportValue'] ?? '?');
    // Cross-stack references are exports named after the group's logical id.
    return /InfluxSg/.test(id) ? 'InfluxSg' : id.replace(/[0-9A-F]{8}$/, '');
  };

  test('an internal NLB in every private subnet, with its own group, TCP 8086 to every node, HTTP health check on /ping', () => {
    const { templates, stage } = stages[env];
    const { influxRead, availabilityZones } = stage.plan;
    const nlbs = Object.values(templates.Influx.findResources('AWS::ElasticLoadBalancingV2::LoadBalancer'));
    expect(nlbs).toHaveLength(1);
    expect(nlbs[0].Properties).toMatchObject({ Type: 'network', Scheme: 'internal' });
    expect(nlbs[0].Properties.Subnets).toHaveLength(availabilityZones);
    expect(nlbs[0].Properties.SecurityGroups).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/^NlbSg/), 'GroupId'] }]);
    const attributes = Object.fromEntries((nlbs[0].Properties.LoadBalancerAttributes as { Key: string; Value: string }[]).map((a) => [a.Key, a.Value]));
    expect(attributes['load_balancing.cross_zone.enabled']).toBe(String(influxRead.crossZone));
    templates.Influx.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 8086, Protocol: 'TCP' });
    const groups = Object.values(templates.Influx.findResources('AWS::ElasticLoadBalancingV2::TargetGroup'));
    expect(groups).toHaveLength(1);
    expect(groups[0].Properties).toMatchObject({
      Port: 8086,
      Protocol: 'TCP',
      TargetType: 'instance',
      HealthCheckProtocol: 'HTTP',
      HealthCheckPath: '/ping',
      // InfluxDB 1.x answers /ping with 204; NLB HTTP checks accept 200-599.
      Matcher: { HttpCode: '204' },
    });
    const nodeIds = Object.keys(templates.Influx.findResources('AWS::EC2::Instance')).sort();
    expect(nodeIds).toHaveLength(stage.plan.influx.nodeCount);
    expect((groups[0].Properties.Targets as { Id: { Ref: string }; Port: number }[]).map((t) => t.Id.Ref).sort()).toEqual(nodeIds);
  });

  test('8086 is open on the nodes to the NLB group and the operator CIDRs only, on the NLB to the readers group and the operator CIDRs only', () => {
    const { templates } = stages[env];
    const operators = CAPACITY_CONFIGS[env].access.operatorCidrs;
    const rules: string[] = [];
    for (const tier of ['Network', 'Influx', 'Kafka', 'Flink', 'Ingest'] as const) {
      const t = templates[tier];
      for (const [id, g] of Object.entries(t.findResources('AWS::EC2::SecurityGroup'))) {
        for (const r of (g.Properties.SecurityGroupIngress ?? []) as { CidrIp?: string; SourceSecurityGroupId?: unknown; FromPort: number; ToPort: number }[]) {
          if (r.FromPort <= 8086 && r.ToPort >= 8086) rules.push(`${r.CidrIp ?? groupName(r.SourceSecurityGroupId)} -> ${id.replace(/[0-9A-F]{8}$/, '')}`);
        }
      }
      for (const r of Object.values(t.findResources('AWS::EC2::SecurityGroupIngress'))) {
        const p = r.Properties;
        if (p.FromPort <= 8086 && p.ToPort >= 8086) rules.push(`${p.CidrIp ?? groupName(p.SourceSecurityGroupId)} -> ${groupName(p.GroupId)}`);
      }
    }
    expect(rules.sort()).toEqual([...operators.map((c) => `${c} -> InfluxSg`), ...operators.map((c) => `${c} -> NlbSg`), 'NlbSg -> InfluxSg', 'ReadersSg -> NlbSg'].sort());
    // Readers may only reach the NLB; the NLB only the nodes.
    const egress = Object.values(templates.Influx.findResources('AWS::EC2::SecurityGroupEgress')).map((r) => `${groupName(r.Properties.GroupId)} -> ${groupName(r.Properties.DestinationSecurityGroupId)}:${r.Properties.FromPort}`);
    expect(egress.sort()).toEqual(['NlbSg -> InfluxSg:8086', 'ReadersSg -> NlbSg:8086']);
  });

  test('three users as generated, KMS-encrypted secrets; the read access the Grafana stack uses', () => {
    const { templates, stage } = stages[env];
    const secrets = Object.values(templates.Influx.findResources('AWS::SecretsManager::Secret'));
    expect(secrets.map((s) => JSON.parse(s.Properties.GenerateSecretString.SecretStringTemplate).username).sort()).toEqual(['admin', 'loader', 'reader']);
    for (const s of secrets) {
      expect(s.Properties.GenerateSecretString).toMatchObject({ GenerateStringKey: 'password', PasswordLength: 32 });
      expect(s.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^UsersKey/), 'Arn'] });
    }
    const { read } = stage.influx;
    expect(read.port).toBe(8086);
    expect(read.database).toBe(INFLUX_DATABASE);
    expect(stage.influx.resolve(read.endpoint)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^ReadNlb/), 'DNSName'] });
    expect(stage.influx.resolve(read.readerSecret.secretArn)).toEqual({ Ref: expect.stringMatching(/^ReaderUser/) });
    expect(stage.influx.resolve(read.clientSecurityGroup.securityGroupId)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^ReadersSg/), 'GroupId'] });
  });

  test('nothing of the Flink sink is left: no Flink rule to the nodes, no endpoints list', () => {
    const { templates, stage } = stages[env];
    expect(JSON.stringify(templates.Network.toJSON())).not.toMatch(/Flink writes aggregates/);
    expect(stage.influx).not.toHaveProperty('endpoints');
  });
});

describe.each(ENVIRONMENT_NAMES)('%s: the stack builds exactly the plan\'s layout', (env) => {
  test('node n is plan.influx.nodes[n]: in the private subnet of its AZ, tagged with its shard and replica', () => {
    const { templates, stage } = stages[env];
    const layout = stage.plan.influx.nodes;
    const instances = templates.Influx.findResources('AWS::EC2::Instance');
    expect(Object.keys(instances)).toHaveLength(layout.length);
    layout.forEach(({ shard, replica, az }, node) => {
      const [, r] = Object.entries(instances).find(([id]) => id.startsWith(`Node${node}`))!;
      // Private subnet i+1 of the VPC is in availabilityZoneIds[i] (lib/network-stack.ts placeSubnetsByAzId).
      expect(r.Properties.SubnetId['Fn::ImportValue']).toMatch(new RegExp(`:ExportsOutputRefVpcprivateSubnet${az + 1}Subnet`));
      const tags = Object.fromEntries((r.Properties.Tags as { Key: string; Value: string }[]).map((t) => [t.Key, t.Value]));
      expect(tags).toMatchObject({ 'metricstream:influx-shard': String(shard), 'metricstream:influx-replica': String(replica) });
    });
  });
});

test('more than one shard is refused at synthesis, naming the field and why (the job does not route by shard)', () => {
  expect(() => synthesizeStage(configWith('prod', { influx: { shards: 2 } }))).toThrow(
    'capacity config "prod": influx.shards (2) needs the Flink job to write each series to its shard\'s topic (aggregates-shard-0, ...), which it does not yet: keep one shard (a larger i3 or a shorter influx.aggregateRetentionDays)',
  );
});

test('the shard rule: one shard reads the aggregates topic; shard s of more would read its own', () => {
  expect(aggregatesTopicOfShard(0, 1)).toBe(TOPICS.aggregates);
  expect([0, 1, 2].map((s) => aggregatesTopicOfShard(s, 3))).toEqual(['aggregates-shard-0', 'aggregates-shard-1', 'aggregates-shard-2']);
  expect(() => aggregatesTopicOfShard(1, 1)).toThrow('aggregatesTopicOfShard: shard must be an integer in 0..0, got 1');
});
