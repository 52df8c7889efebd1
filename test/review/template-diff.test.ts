/** The template diff's CloudFormation update semantics, on small hand-written templates. */
import type { CfnTemplate } from '../../lib/pricing/template-items';
import { changedPaths, diffStack, statefulWarnings } from '../../lib/review/template-diff';

type Resources = NonNullable<CfnTemplate['Resources']>;
const template = (resources: Resources): CfnTemplate => ({ Resources: resources });

const msk = (props: Record<string, unknown> = {}) => ({
  Type: 'AWS::MSK::Cluster',
  Properties: {
    ClusterName: 'metricstream-prod',
    KafkaVersion: '3.9.x',
    NumberOfBrokerNodes: 3,
    BrokerNodeGroupInfo: { InstanceType: 'kafka.m5.xlarge', ClientSubnets: [{ Ref: 'SubnetA' }, { Ref: 'SubnetB' }, { Ref: 'SubnetC' }], StorageInfo: { EBSStorageInfo: { VolumeSize: 610 } } },
    ...props,
  },
});
const subnet = (cidr: string) => ({ Type: 'AWS::EC2::Subnet', Properties: { CidrBlock: cidr, VpcId: { Ref: 'Vpc' } } });
const instance = (props: Record<string, unknown> = {}) => ({ Type: 'AWS::EC2::Instance', Properties: { ImageId: 'ami-1', InstanceType: 'i3.2xlarge', SubnetId: { Ref: 'SubnetA' }, ...props } });

describe('diffStack', () => {
  test('GIVEN an MSK cluster WHEN its client subnets change THEN it is replaced and flagged as stateful data loss', () => {
    const before = template({ Cluster: msk() });
    const after = template({ Cluster: msk({ BrokerNodeGroupInfo: { ...msk().Properties.BrokerNodeGroupInfo, ClientSubnets: [{ Ref: 'SubnetA' }, { Ref: 'SubnetB' }] } }) });
    const diff = diffStack('MetricStream-prod-Kafka', before, after);
    expect(diff.changes).toEqual([expect.objectContaining({ logicalId: 'Cluster', kind: 'replaced', stateful: true })]);
    expect(diff.changes[0].properties).toEqual([expect.objectContaining({ path: 'BrokerNodeGroupInfo/ClientSubnets', impact: 'replacement' })]);
    const warnings = statefulWarnings([diff]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0].message).toMatch(/^replaced \(BrokerNodeGroupInfo\/ClientSubnets changed\): the existing resource and its data are deleted$/);
  });

  test.each([
    ['broker type', { BrokerNodeGroupInfo: { ...msk().Properties.BrokerNodeGroupInfo, InstanceType: 'kafka.m5.large' } }, 'BrokerNodeGroupInfo/InstanceType'],
    ['broker count', { NumberOfBrokerNodes: 6 }, 'NumberOfBrokerNodes'],
    ['Kafka version', { KafkaVersion: '3.8.x' }, 'KafkaVersion'],
  ])('an MSK %s change updates the cluster in place: no warning', (_name, props, path) => {
    const diff = diffStack('MetricStream-prod-Kafka', template({ Cluster: msk() }), template({ Cluster: msk(props) }));
    expect(diff.changes[0]).toMatchObject({ kind: 'modified', properties: [expect.objectContaining({ path, impact: 'update' })] });
    expect(statefulWarnings([diff])).toEqual([]);
  });

  test('adding encryption at rest where there was none replaces the cluster (a rule path below the changed one)', () => {
    const after = template({ Cluster: msk({ EncryptionInfo: { EncryptionAtRest: { DataVolumeKMSKeyId: { Ref: 'Key' } } } }) });
    expect(diffStack('MetricStream-prod-Kafka', template({ Cluster: msk() }), after).changes[0].kind).toBe('replaced');
  });

  test('an InfluxDB instance: ImageId replaces it, InstanceType stops and starts it (instance store lost); both flagged', () => {
    const diff = diffStack(
      'MetricStream-prod-Influx',
      template({ NodeA: instance(), NodeB: instance() }),
      template({ NodeA: instance({ ImageId: 'ami-2' }), NodeB: instance({ InstanceType: 'i3.4xlarge' }) }),
    );
    expect(diff.changes.map((c) => [c.logicalId, c.kind])).toEqual([
      ['NodeA', 'replaced'],
      ['NodeB', 'interrupted'],
    ]);
    expect(statefulWarnings([diff]).map((w) => w.message)).toEqual([
      'replaced (ImageId changed): the existing resource and its data are deleted',
      'stopped and started (InstanceType changed): its instance-store data is lost',
    ]);
  });

  test('an EC2 instance outside the Influx stack is not stateful: no warning', () => {
    const diff = diffStack('MetricStream-prod-Ingest', template({ Node: instance() }), template({ Node: instance({ ImageId: 'ami-2' }) }));
    expect(diff.changes[0]).toMatchObject({ kind: 'replaced', stateful: false });
    expect(statefulWarnings([diff])).toEqual([]);
  });

  test('a replaced subnet replaces the instances and the cluster that refer to it, though their text is unchanged', () => {
    const before = template({ SubnetA: subnet('10.0.0.0/24'), Node: instance(), Cluster: msk() });
    const after = template({ SubnetA: subnet('10.0.1.0/24'), Node: instance(), Cluster: msk() });
    const diff = diffStack('MetricStream-prod-Influx', before, after);
    expect(Object.fromEntries(diff.changes.map((c) => [c.logicalId, c.kind]))).toEqual({ SubnetA: 'replaced', Node: 'replaced', Cluster: 'replaced' });
    expect(diff.changes.find((c) => c.logicalId === 'Node')?.properties).toEqual([{ path: 'SubnetId', impact: 'replacement', because: 'refers to SubnetA, which is replaced' }]);
  });

  test('bucket: a new BucketName replaces it; removal with DeletionPolicy Retain keeps it and says so', () => {
    const bucket = (name: string) => ({ Type: 'AWS::S3::Bucket', Properties: { BucketName: name } });
    const renamed = diffStack('MetricStream-prod-Influx', template({ Backups: bucket('a') }), template({ Backups: bucket('b') }));
    expect(renamed.changes[0].kind).toBe('replaced');
    const removed = diffStack('MetricStream-prod-Influx', template({ Backups: { ...bucket('a'), DeletionPolicy: 'Retain' } as Resources[string] }), template({}));
    expect(removed.changes[0]).toMatchObject({ kind: 'removed', deletionPolicy: 'Retain' });
    expect(statefulWarnings([removed])[0].message).toBe('removed from the stack (kept in the account: DeletionPolicy Retain)');
    const deleted = diffStack('MetricStream-prod-Ingest', template({ ApiKeys: { Type: 'AWS::SecretsManager::Secret', Properties: {} } }), template({}));
    expect(statefulWarnings([deleted])[0].message).toBe('removed: deleted on deploy');
  });

  test('a changed type is a replacement; AWS::CDK::Metadata and Metadata sections are ignored; "3" equals 3', () => {
    const before = template({
      Thing: { Type: 'AWS::EC2::Volume', Properties: { Size: 3 } },
      Cdk: { Type: 'AWS::CDK::Metadata', Properties: { Analytics: 'v1' } },
      Asg: { Type: 'AWS::AutoScaling::AutoScalingGroup', Properties: { MinSize: '3' }, Metadata: { a: 1 } } as Resources[string],
    });
    const after = template({
      Thing: { Type: 'AWS::EC2::Instance', Properties: {} },
      Cdk: { Type: 'AWS::CDK::Metadata', Properties: { Analytics: 'v2' } },
      Asg: { Type: 'AWS::AutoScaling::AutoScalingGroup', Properties: { MinSize: 3 }, Metadata: { a: 2 } } as Resources[string],
    });
    const diff = diffStack('MetricStream-prod-Ingest', before, after);
    expect(diff.changes).toEqual([expect.objectContaining({ logicalId: 'Thing', kind: 'replaced', properties: [expect.objectContaining({ path: '@Type' })] })]);
  });

  test('stacks that exist on one side only are added or removed with all their resources', () => {
    expect(diffStack('MetricStream-qa-Kafka', undefined, template({ Cluster: msk() }))).toMatchObject({ status: 'added', environment: 'qa', counts: { added: 1 } });
    const removed = diffStack('MetricStream-qa-Kafka', template({ Cluster: msk() }), undefined);
    expect(removed).toMatchObject({ status: 'removed', counts: { removed: 1 } });
    expect(statefulWarnings([removed])).toHaveLength(1);
  });
});

test('changedPaths reports leaves of objects, items of same-length lists, and whole lists that changed length', () => {
  expect(changedPaths({ a: { b: 1, c: [1, 2] }, d: 'x', f: [1] }, { a: { b: 2, c: [1, 3] }, d: 'x', e: true, f: [1, 2] }, '')).toEqual(['a/b', 'a/c/1', 'e', 'f']);
});

test('one client subnet swapped in place still replaces the cluster (a list item under the rule path)', () => {
  const after = template({ Cluster: msk({ BrokerNodeGroupInfo: { ...msk().Properties.BrokerNodeGroupInfo, ClientSubnets: [{ Ref: 'SubnetA' }, { Ref: 'SubnetB' }, { Ref: 'SubnetD' }] } }) });
  const diff = diffStack('MetricStream-prod-Kafka', template({ Cluster: msk() }), after);
  expect(diff.changes[0]).toMatchObject({ kind: 'replaced', properties: [expect.objectContaining({ path: 'BrokerNodeGroupInfo/ClientSubnets/2/Ref', impact: 'replacement', before: '"SubnetC"', after: '"SubnetD"' })] });
});
