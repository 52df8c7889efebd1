/**
 * Issue 14, the stack side: the Flink job hands its output to Kafka and every InfluxDB node loads its
 * own copy. Template assertions per environment.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { parse } from 'smol-toml';
import { CAPACITY_CONFIGS, ENVIRONMENT_NAMES } from '../../lib/capacity-config';
import { BROKERS_AT_BOOT, TELEGRAF_VERSION, telegrafLoaderConfig } from '../../lib/influx/loader-config';
import { aggregatesTopicOfShard, INFLUX_DATABASE, loaderConsumerGroup, TOPICS } from '../../lib/topics';
import { brokersAtBootLines, INFLUXDB_VERSION, LOADER_FILES, LOADER_PASSWORD_ENV } from '../../lib/user-data/influx-node';
import { RESET_GROUP_LIB, RESET_GROUP_PACKAGES, RESET_GROUP_PY, RESET_GROUP_REQUIREMENTS } from '../../lib/user-data/reset-group';
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

  test('the job group: the checkpoint and pipeline-statistics intervals from the plan', () => {
    const flink = stages[env].stage.plan.flink;
    expect(groups().find((g) => g.PropertyGroupId === 'job')!.PropertyMap).toEqual({
      'checkpoint.interval': `${flink.checkpointIntervalSeconds} s`,
      'stats.interval': `${flink.statsIntervalSeconds} s`,
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

/** The boot script of every node, with its place in the plan's layout. */
function nodeScripts(env: (typeof ENVIRONMENT_NAMES)[number]) {
  const { templates, stage } = stages[env];
  const instances = Object.entries(templates.Influx.findResources('AWS::EC2::Instance'));
  return stage.plan.influx.nodes.map((layout, node) => {
    const [id, r] = instances.find(([logicalId]) => logicalId.startsWith(`Node${node}`))!;
    const b64 = r.Properties.UserData['Fn::Base64'];
    const script = typeof b64 === 'string' ? b64 : (b64['Fn::Join'][1] as unknown[]).map((p) => (typeof p === 'string' ? p : JSON.stringify(p))).join('');
    return { id, node, ...layout, script };
  });
}
const heredoc = (script: string, start: string, end: string): string => {
  const from = script.indexOf(`${start}\n`);
  expect(from).toBeGreaterThan(0);
  return script.slice(from + start.length + 1, script.indexOf(`\n${end}\n`, from));
};
const positions = (script: string, lines: string[]) => {
  const at = lines.map((line) => script.indexOf(line));
  expect(lines.filter((_, i) => at[i] < 0)).toEqual([]);
  return at;
};

describe.each(ENVIRONMENT_NAMES)('%s: every node installs and runs its own loader, with authentication on', (env) => {
  test('InfluxDB and Telegraf pinned from the same checked repository (Telegraf: the version the e2e run builds)', () => {
    const common = readFileSync(join(__dirname, '..', '..', 'scripts', 'telegraf', 'common.sh'), 'utf8');
    expect(common).toContain(`TELEGRAF_VERSION="\${TELEGRAF_VERSION:-v${TELEGRAF_VERSION}}"`);
    for (const { script } of nodeScripts(env)) {
      const [key, repo, install] = positions(script, [
        'grep -qx AC10D7449F343ADCEFDDC2B6DA61C26A0585BD3B <<<"$fingerprints"',
        'gpgcheck = 1',
        `dnf install -y influxdb-${INFLUXDB_VERSION} telegraf-${TELEGRAF_VERSION} amazon-cloudwatch-agent`,
      ]);
      expect(key).toBeLessThan(repo);
      expect(repo).toBeLessThan(install);
      expect(INFLUXDB_VERSION).toMatch(/^1\.\d+\.\d+$/);
      // No install of a package from InfluxData's repository without its version.
      expect(script).not.toMatch(/dnf install[^\n]* (influxdb|telegraf)(\s|$)/m);
    }
  });

  test('auth on before influxd starts; the admin first, then the loader and reader users from their secrets, then the grants', () => {
    const { templates } = stages[env];
    const secretIds = Object.keys(templates.Influx.findResources('AWS::SecretsManager::Secret'));
    const secretOf = (prefix: string) => secretIds.find((id) => id.startsWith(prefix))!;
    for (const { script } of nodeScripts(env)) {
      const at = positions(script, [
        "sed -i 's|^  # auth-enabled = false|  auth-enabled = true|' /etc/influxdb/influxdb.conf",
        "grep -qx '  auth-enabled = true' /etc/influxdb/influxdb.conf",
        'systemctl enable --now influxdb',
        `admin_password=$(secret_password '{"Ref":"${secretOf('AdminUser')}"}')`,
        `loader_password=$(secret_password '{"Ref":"${secretOf('LoaderUser')}"}')`,
        `reader_password=$(secret_password '{"Ref":"${secretOf('ReaderUser')}"}')`,
        `-execute "CREATE USER \\"admin\\" WITH PASSWORD '$admin_password' WITH ALL PRIVILEGES"`,
        'export INFLUX_USERNAME=admin INFLUX_PASSWORD="$admin_password"',
        `-execute "CREATE USER \\"loader\\" WITH PASSWORD '$loader_password'"`,
        `-execute "CREATE USER \\"reader\\" WITH PASSWORD '$reader_password'"`,
        `-execute 'GRANT WRITE ON "${INFLUX_DATABASE}" TO "loader"'`,
        `-execute 'GRANT READ ON "${INFLUX_DATABASE}" TO "reader"'`,
        'systemctl enable --now telegraf',
      ]);
      expect([...at].sort((a, b) => a - b)).toEqual(at);
      // Only the admin is ever created without credentials, and no password is on a command line as an argument of its own.
      expect(script.match(/CREATE USER/g)).toHaveLength(3);
      expect(script).not.toMatch(/-password /);
    }
  });

  test('the config is the generator\'s for that node (its group, its shard\'s topic, MSK IAM), its brokers filled in at boot; the password variable matches on both sides', () => {
    const { plan } = stages[env].stage;
    for (const { script, shard, replica } of nodeScripts(env)) {
      const config = heredoc(script, `cat > ${LOADER_FILES.config} <<'CONF'`, 'CONF');
      expect(`${config}\n`).toBe(
        telegrafLoaderConfig({
          brokers: BROKERS_AT_BOOT,
          topics: [aggregatesTopicOfShard(shard, plan.influx.shards)],
          consumerGroup: loaderConsumerGroup(shard, replica),
          influxUrl: 'http://127.0.0.1:8086',
          database: INFLUX_DATABASE,
          retentionPolicy: 'aggregates',
          username: 'loader',
          passwordEnv: LOADER_PASSWORD_ENV,
          sasl: { mechanism: 'AWS-MSK-IAM', region: plan.region },
        }),
      );
      // The boot's substitution, run for real on MSK's bootstrap string format, gives a valid list.
      expect(script).toContain(brokersAtBootLines(LOADER_FILES.config).join('\n'));
      const dir = mkdtempSync(join(tmpdir(), 'loader-'));
      const file = join(dir, 'telegraf.conf');
      writeFileSync(file, config);
      const bootstrap = 'b-1.c.kafka.us-east-1.amazonaws.com:9098,b-2.c.kafka.us-east-1.amazonaws.com:9098';
      const run = spawnSync('bash', ['-euo', 'pipefail', '-c', brokersAtBootLines(file).join('\n')], { env: { ...process.env, MSK_BOOTSTRAP_BROKERS: bootstrap }, encoding: 'utf8' });
      expect(run.stderr).toBe('');
      const toml = parse(readFileSync(file, 'utf8')) as { inputs: { kafka_consumer: { brokers: string[]; consumer_group: string; sasl_mechanism: string }[] }; outputs: { influxdb: { password: string }[] } };
      expect(toml.inputs.kafka_consumer[0]).toMatchObject({ brokers: bootstrap.split(','), consumer_group: loaderConsumerGroup(shard, replica), sasl_mechanism: 'AWS-MSK-IAM' });
      const bad = spawnSync('bash', ['-euo', 'pipefail', '-c', brokersAtBootLines(file).join('\n')], { env: { ...process.env, MSK_BOOTSTRAP_BROKERS: 'not a list' }, encoding: 'utf8' });
      expect(bad.status).not.toBe(0);
      // The password: `${VAR}` in the config, VAR= in the environment file the package's unit reads.
      expect(toml.outputs.influxdb[0].password).toBe(`\${${LOADER_PASSWORD_ENV}}`);
      expect(script).toContain(`install -m 0600 /dev/null ${LOADER_FILES.environment}\necho "${LOADER_PASSWORD_ENV}=$loader_password" > ${LOADER_FILES.environment}`);
      expect(heredoc(script, "cat > /etc/systemd/system/telegraf.service.d/loader.conf <<'UNIT'", 'UNIT')).toMatch(/^\[Unit\]\n.*\nAfter=influxdb\.service\nRequires=influxdb\.service$/);
      const check = spawnSync('bash', ['-n'], { input: script, encoding: 'utf8' });
      expect(check.stderr).toBe('');
    }
  });

  test('the node role: its three user secrets, MSK connect, the aggregates topic to read and the loaders\' own groups only', () => {
    const { stage } = stages[env];
    const { influx } = stage.plan;
    const kafka = statements(stages[env], 'Influx').filter((s) => actions(s).some((a) => a.startsWith('kafka-cluster:')));
    const rights = kafka.flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]).map((r) => `${actions(s).sort().join('+')} ${arnTail(r) || 'cluster'}`)).sort();
    expect(rights).toEqual(
      [
        'kafka-cluster:Connect cluster',
        `kafka-cluster:DescribeTopic+kafka-cluster:ReadData /${TOPICS.aggregates}`,
        ...influx.nodes.map((n) => `kafka-cluster:AlterGroup+kafka-cluster:DescribeGroup /${loaderConsumerGroup(n.shard, n.replica)}`),
      ].sort(),
    );
    const secretReads = statements(stages[env], 'Influx').filter((s) => actions(s).includes('secretsmanager:GetSecretValue'));
    const resources = secretReads.flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]).map((r) => (r as { Ref: string }).Ref)).sort();
    expect(resources.map((r) => r.replace(/[0-9A-F]{8}$/, ''))).toEqual(['AdminUser', 'LoaderUser', 'ReaderUser']);
    // The loaders reach MSK: the Kafka group admits the nodes' group on the IAM port.
    stages[env].templates.Network.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 9098,
      GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^KafkaSg'), 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^InfluxSg'), 'GroupId'] },
    });
  });
});

describe.each(ENVIRONMENT_NAMES)('%s: daily backups of every shard, and a new node restores its shard and resets its group', (env) => {
  test('the config backs up daily and keeps a week in Standard; the plan names the uploading replica of every shard', () => {
    const { backups, influx } = stages[env].stage.plan;
    expect(CAPACITY_CONFIGS[env].backups).toMatchObject({ intervalDays: 1, standardDays: 7 });
    expect(backups.nodes.map((n) => influx.nodes[n])).toEqual(Array.from({ length: influx.shards }, (_, shard) => ({ shard, replica: backups.replica, az: backups.replica % CAPACITY_CONFIGS[env].availabilityZones })));
    stages[env].templates.Influx.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: [Match.objectLike({ Transitions: [{ StorageClass: 'DEEP_ARCHIVE', TransitionInDays: backups.standardDays }], ExpirationInDays: backups.retentionDays })] },
    });
  });

  test('only the planned replicas run the timer, at the plan\'s interval, into their shard\'s prefix, COMPLETE last', () => {
    const { backups } = stages[env].stage.plan;
    for (const { script, node, shard } of nodeScripts(env)) {
      if (!backups.nodes.includes(node)) {
        expect(script).not.toContain('influx-backup.timer');
        continue;
      }
      expect(script).toContain(`[Timer]\nOnUnitActiveSec=${backups.intervalDays}d\n`);
      const [upload, marker] = positions(script, [`/shard-${shard}/$time/"`, `/shard-${shard}/$time/COMPLETE"`]);
      expect(upload).toBeLessThan(marker);
    }
  });

  test('every node restores the newest complete backup of its shard before the database exists, and resets its group before the loader starts', () => {
    const { plan } = stages[env].stage;
    for (const { script, shard, replica } of nodeScripts(env)) {
      const at = positions(script, [
        `-execute "CREATE USER \\"reader\\"`,
        `/shard-${shard}/" | awk '$1 == "PRE" {print $2}' | tr -d / | sort -r); do`,
        `/shard-${shard}/$t/COMPLETE" >/dev/null; then restored=$t; break; fi`,
        `influxd restore -portable -db ${INFLUX_DATABASE} -host 127.0.0.1:8088 /var/lib/influxdb/restore`,
        `-execute 'CREATE DATABASE "${INFLUX_DATABASE}"`,
        `-execute 'GRANT WRITE ON "${INFLUX_DATABASE}" TO "loader"'`,
        `--group ${loaderConsumerGroup(shard, replica)} --to-ms "$reset_ms" --msk-iam-region ${plan.region}`,
        'systemctl enable --now telegraf',
      ]);
      expect([...at].sort((a, b) => a - b)).toEqual(at);
      // The reset time: the backup's start less the plan's margin, computed by the script's own line.
      const line = script.split('\n').find((l) => l.includes('reset_ms=$(('))!;
      const run = spawnSync('bash', ['-euc', `restored=20261201T020000Z\n${line.trim()}\necho $reset_ms`], { encoding: 'utf8' });
      expect(Number(run.stdout.trim())).toBe(Date.UTC(2026, 11, 1, 2, 0, 0) - plan.kafka.aggregates.retentionRule.resetMarginSeconds * 1000);
      expect(script).toContain('else\n  reset_ms=0\nfi');
      expect(script).toContain(RESET_GROUP_PY.trimEnd());
      // Its Python packages: exactly the hash-locked wheels, into their own directory, used by it alone.
      expect(script).toContain(RESET_GROUP_REQUIREMENTS.trimEnd());
      const pips = script.split('\n').filter((l) => /pip install/.test(l));
      expect(pips).toHaveLength(1);
      expect(pips[0]).toMatch(/--require-hashes/);
      expect(pips[0]).toContain(`--target ${RESET_GROUP_LIB} `);
      expect(script).toContain(`PYTHONPATH=${RESET_GROUP_LIB} /usr/local/bin/loader-reset-group`);
    }
  });

  test('the reset lock pins both direct packages and gives every wheel a sha256', () => {
    const lines = RESET_GROUP_REQUIREMENTS.trimEnd().split('\n');
    for (const line of lines) expect(line).toMatch(/^[a-z0-9-]+==[^ ]+ --hash=sha256:[0-9a-f]{64}$/);
    for (const pkg of RESET_GROUP_PACKAGES) expect(lines.some((l) => l.startsWith(`${pkg} `))).toBe(true);
  });

  test('the aggregates topic still holds what a restore from the latest backup replays', () => {
    const { kafka, backups } = stages[env].stage.plan;
    const rule = kafka.aggregates.retentionRule;
    expect(rule.backupIntervalSeconds).toBe(backups.intervalDays * 86_400);
    expect(kafka.aggregates.retentionHours * 3600).toBeGreaterThanOrEqual(rule.backupIntervalSeconds + rule.nodeReplaceSeconds + rule.restoreSeconds + rule.resetMarginSeconds);
  });
});
