/** The Grafana stack (issue 15): the server, its database, the security groups and the secrets, from the plan. */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { CAPACITY_CONFIGS } from '../../lib/capacity-config';
import { PORTS } from '../../lib/ports';
import { GRAFANA_KEY, GRAFANA_VERSION } from '../../lib/user-data/grafana-node';
import { configWith } from '../helpers';
import { synthesizeStage, type SynthesizedStage } from './synth';

jest.setTimeout(120_000);

let prod: SynthesizedStage;
let dev: SynthesizedStage;
beforeAll(() => {
  prod = synthesizeStage(CAPACITY_CONFIGS.prod);
  dev = synthesizeStage(CAPACITY_CONFIGS.dev);
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Resource = { id: string } & Record<string, any>;
const only = (t: Template, type: string): Resource => {
  const found = Object.entries(t.findResources(type));
  expect(found).toHaveLength(1);
  const [id, resource] = found[0];
  return { id, ...resource };
};
const userDataOf = (t: Template) => JSON.stringify(only(t, 'AWS::EC2::LaunchTemplate').Properties.LaunchTemplateData.UserData);
/** The security group a rule's GroupId / SourceSecurityGroupId / DestinationSecurityGroupId points at, by logical id. */
const ref = (value: unknown) => (value as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt']?.[0];

describe('prod: the reference Grafana from the plan', () => {
  test('an ASG of exactly one t3.medium on the pinned AMI, IMDSv2, encrypted gp3 root, no SSH key', () => {
    const t = prod.templates.Grafana;
    t.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { MinSize: '1', MaxSize: '1', HealthCheckType: 'ELB' });
    const data = only(t, 'AWS::EC2::LaunchTemplate').Properties.LaunchTemplateData;
    expect(data).toMatchObject({
      InstanceType: 't3.medium',
      ImageId: CAPACITY_CONFIGS.prod.hostImage.amiIds['us-east-1'],
      MetadataOptions: { HttpTokens: 'required' },
      BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 20, VolumeType: 'gp3', Encrypted: true } }],
    });
    expect(data.KeyName).toBeUndefined();
    const role = only(t, 'AWS::IAM::Role');
    expect(JSON.stringify(role.Properties.ManagedPolicyArns)).toContain('AmazonSSMManagedInstanceCore');
  });

  test('creation and every update wait for the server’s signal', () => {
    const asg = only(prod.templates.Grafana, 'AWS::AutoScaling::AutoScalingGroup');
    expect(asg.CreationPolicy).toMatchObject({ ResourceSignal: { Count: 1, Timeout: 'PT15M' } });
    expect(asg.UpdatePolicy).toMatchObject({ AutoScalingRollingUpdate: { WaitOnResourceSignals: true, MaxBatchSize: 1, MinInstancesInService: 0 } });
    const userData = userDataOf(prod.templates.Grafana);
    expect(userData).toContain('cfn-signal');
    expect(userData).toContain(`/api/health`);
  });

  test('Grafana OSS from its rpm repository: the pinned version, the key fingerprint checked, packages and metadata verified', () => {
    const userData = userDataOf(prod.templates.Grafana);
    expect(userData).toContain(GRAFANA_KEY.url);
    expect(userData).toContain(`grep -qx ${GRAFANA_KEY.fingerprint}`);
    expect(userData).toContain('gpgcheck = 1');
    expect(userData).toContain('repo_gpgcheck = 1');
    expect(userData).toContain(`dnf install -y grafana-${GRAFANA_VERSION}`);
    expect(userData).toContain('GF_DATABASE_TYPE=postgres');
    expect(userData).toContain('GF_DATABASE_SSL_MODE=verify-full');
  });

  test('RDS PostgreSQL db.t3.small: encrypted gp3, Multi-AZ, 14 days of backups, deletion protection, snapshotted on delete', () => {
    const t = prod.templates.Grafana;
    const db = only(t, 'AWS::RDS::DBInstance');
    expect(db.Properties).toMatchObject({
      Engine: 'postgres',
      DBInstanceClass: 'db.t3.small',
      AllocatedStorage: '20',
      StorageType: 'gp3',
      StorageEncrypted: true,
      MultiAZ: true,
      BackupRetentionPeriod: 14,
      DeletionProtection: true,
      PubliclyAccessible: false,
    });
    expect(db.Properties.KmsKeyId).toBeDefined();
    expect(db.DeletionPolicy).toBe('Snapshot');
    expect(db.UpdateReplacePolicy).toBe('Snapshot');
  });

  test('two secrets (admin login, database credentials), both under the stack’s KMS key, retained; the server may read them and the InfluxDB reader’s', () => {
    const t = prod.templates.Grafana;
    const secrets = Object.values(t.findResources('AWS::SecretsManager::Secret'));
    expect(secrets).toHaveLength(2);
    const key = only(t, 'AWS::KMS::Key');
    for (const s of secrets) {
      expect(s.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [key.id, 'Arn'] });
      expect(s.DeletionPolicy).toBe('Retain');
    }
    const reads = Object.values(t.findResources('AWS::IAM::Policy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
      .filter((st: { Action: unknown }) => [st.Action].flat().includes('secretsmanager:GetSecretValue'));
    const resources = reads.flatMap((st: { Resource: unknown }) => [st.Resource].flat());
    expect(resources).toHaveLength(3);
    expect(JSON.stringify(resources)).toContain('ReaderUser'); // the Influx stack's read-only user
    expect(resources).toEqual(expect.arrayContaining([{ Ref: expect.stringMatching(/^AdminSecret/) }, { Ref: expect.stringMatching(/^DatabaseSecretAttachment/) }]));
  });

  test('security groups: the ALB admits the operator CIDRs on 443 only, Grafana admits only its ALB, the database only Grafana', () => {
    const t = prod.templates.Grafana;
    const groups = t.findResources('AWS::EC2::SecurityGroup');
    const idOf = (description: string) => Object.entries(groups).find(([, g]) => g.Properties.GroupDescription === description)![0];
    const alb = idOf('MetricStream Grafana ALB');
    const server = idOf('MetricStream Grafana server');
    const database = idOf('MetricStream Grafana PostgreSQL');
    expect(groups[alb].Properties.SecurityGroupIngress).toEqual([expect.objectContaining({ CidrIp: '192.0.2.0/24', FromPort: 443, ToPort: 443, IpProtocol: 'tcp' })]);
    const ingress = Object.values(t.findResources('AWS::EC2::SecurityGroupIngress')).map((r) => r.Properties);
    const into = (group: string) => ingress.filter((r) => ref(r.GroupId) === group);
    expect(into(server).map((r) => [ref(r.SourceSecurityGroupId), r.FromPort])).toEqual([[alb, PORTS.grafana]]);
    expect(into(database).map((r) => [ref(r.SourceSecurityGroupId), r.FromPort])).toEqual([[server, PORTS.postgres]]);
    expect(groups[server].Properties.SecurityGroupIngress).toBeUndefined();
    expect(groups[database].Properties.SecurityGroupIngress).toBeUndefined();
    expect(only(t, 'AWS::RDS::DBInstance').Properties.VPCSecurityGroups).toEqual([{ 'Fn::GetAtt': [database, 'GroupId'] }]);
  });

  test('the server also joins the InfluxDB readers’ group, the one the read NLB admits on 8086', () => {
    const groups = only(prod.templates.Grafana, 'AWS::EC2::LaunchTemplate').Properties.LaunchTemplateData.SecurityGroupIds;
    expect(groups).toHaveLength(2);
    expect(JSON.stringify(groups)).toMatch(/ReadersSg/);
    const nlbRules = Object.values(prod.templates.Influx.findResources('AWS::EC2::SecurityGroupIngress')).map((r) => r.Properties);
    expect(nlbRules.some((r) => ref(r.GroupId)?.startsWith('NlbSg') && ref(r.SourceSecurityGroupId)?.startsWith('ReadersSg') && r.FromPort === PORTS.influx)).toBe(true);
  });

  test('the datasource reads through the read NLB as the reader user', () => {
    const userData = userDataOf(prod.templates.Grafana);
    expect(userData).toMatch(/METRICSTREAM_INFLUX_URL=http:\/\/"?,?\s*\{[^}]*ReadNlb/);
    expect(userData).toContain('METRICSTREAM_INFLUX_READER_PASSWORD=$(jq -r .password');
    expect(userData).toContain('METRICSTREAM_INFLUX_DATABASE=metrics');
  });

  test('an internet-facing ALB (the operator CIDR is public) with HTTPS on a requested certificate, deletion protection, and no other listener', () => {
    const t = prod.templates.Grafana;
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internet-facing',
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'deletion_protection.enabled', Value: 'true' }]),
    });
    const listeners = Object.values(t.findResources('AWS::ElasticLoadBalancingV2::Listener'));
    expect(listeners.map((l) => [l.Properties.Port, l.Properties.Protocol])).toEqual([[443, 'HTTPS']]);
    t.hasResourceProperties('AWS::CertificateManager::Certificate', { DomainName: 'grafana.metricstream.example.com' });
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { Port: PORTS.grafana, HealthCheckPath: '/api/health' });
  });

  test('alarms to the alarm topic: Grafana out of service longer than a deploy replaces it, its CPU, memory and disk', () => {
    const m = prod.templates.Monitoring;
    const g = prod.stage.plan.grafana;
    // The server is replaced with none in service on every deploy: the alarm outlasts the signal wait.
    expect(g.downAlarm.minutes * prod.stage.plan.alarms.periodSeconds).toBeGreaterThan(g.lifecycle.signalTimeoutSeconds);
    const down = Object.values(m.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'HealthyHostCount' } }));
    expect(down).toHaveLength(1);
    expect(down[0].Properties).toMatchObject({
      Namespace: 'AWS/ApplicationELB',
      Statistic: 'Minimum',
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      EvaluationPeriods: g.downAlarm.minutes,
      TreatMissingData: 'ignore',
      AlarmActions: [{ Ref: expect.stringMatching(/^Alarms/) }],
    });
    // Both dimensions are the Grafana stack's target group and ALB, not the ingest ones.
    const dims = JSON.stringify(down[0].Properties.Dimensions);
    expect(dims).toMatch(/MetricStream-prod-Grafana/);
    expect(dims).not.toMatch(/Ingest/);
    const cpu = Object.values(m.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'CPUUtilization', AlarmDescription: Match.stringLikeRegexp('Grafana') } }));
    expect(cpu.map((a) => a.Properties.Threshold).sort()).toEqual([prod.stage.plan.alarms.thresholds.cpuPercent.warning.value, prod.stage.plan.alarms.thresholds.cpuPercent.critical.value].sort());
    // Memory and disk from the server's CloudWatch agent, as tier 'grafana'.
    for (const metric of ['mem_used_percent', 'disk_used_percent']) {
      const alarms = Object.values(m.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: metric, Dimensions: Match.arrayWith([{ Name: 'Tier', Value: 'grafana' }]) } }));
      expect(alarms).toHaveLength(2);
    }
    const userData = userDataOf(prod.templates.Grafana);
    expect(userData).toContain('amazon-cloudwatch-agent');
    expect(userData).toContain('\\"Tier\\":\\"grafana\\"');
    expect(userData).toContain('systemctl enable --now amazon-cloudwatch-agent');
    const role = only(prod.templates.Grafana, 'AWS::IAM::Role');
    expect(JSON.stringify(role.Properties.ManagedPolicyArns)).toContain('CloudWatchAgentServerPolicy');
  });

  test('the example domain is a placeholder that stops a prod deploy', () => {
    expect(prod.stage.plan.deployment.placeholders.map((p) => p.field)).toContain('grafana.domainName');
  });
});

describe('dev: what its config asks for', () => {
  test('a Single-AZ database without deletion protection, removed with its stack', () => {
    const db = only(dev.templates.Grafana, 'AWS::RDS::DBInstance');
    expect(db.Properties).toMatchObject({ MultiAZ: false, DeletionProtection: false, BackupRetentionPeriod: 1 });
    expect(db.DeletionPolicy).toBe('Delete');
  });

  test('an internal ALB (operators in 10.0.0.0/8) on plain HTTP, only from the operator CIDRs', () => {
    const t = dev.templates.Grafana;
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internal' });
    const listeners = Object.values(t.findResources('AWS::ElasticLoadBalancingV2::Listener'));
    expect(listeners.map((l) => [l.Properties.Port, l.Properties.Protocol])).toEqual([[80, 'HTTP']]);
    const alb = Object.values(t.findResources('AWS::EC2::SecurityGroup')).find((g) => g.Properties.GroupDescription === 'MetricStream Grafana ALB')!;
    expect(alb.Properties.SecurityGroupIngress).toEqual([expect.objectContaining({ CidrIp: '10.0.0.0/8', FromPort: 80 })]);
  });
});

test('the database class, storage and Multi-AZ come from the config through the plan', () => {
  const { templates } = synthesizeStage(configWith('prod', { grafana: { database: { instanceClass: 'db.t3.medium', storageGiB: 50, multiAz: false } } }));
  const db = only(templates.Grafana, 'AWS::RDS::DBInstance');
  expect(db.Properties).toMatchObject({ DBInstanceClass: 'db.t3.medium', AllocatedStorage: '50', MultiAZ: false });
});
