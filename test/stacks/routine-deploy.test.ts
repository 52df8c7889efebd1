/**
 * What a first deploy and every routine deploy after it would hit in a real account (issue 13),
 * asserted on the synthesized templates of every environment.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { CAPACITY_CONFIGS, ENVIRONMENT_NAMES } from '../../lib/capacity-config';
import type { EnvironmentName } from '../../lib/config/schema';
import type { CfnTemplate } from '../../lib/pricing/template-items';
import { diffStacks, statefulWarnings } from '../../lib/review/template-diff';
import { configWith } from '../helpers';
import { synthesizeStage, type SynthesizedStage } from './synth';

jest.setTimeout(180_000);

const stages = {} as Record<EnvironmentName, SynthesizedStage>;
beforeAll(() => {
  for (const env of ENVIRONMENT_NAMES) stages[env] = synthesizeStage(CAPACITY_CONFIGS[env]);
});

type Resource = NonNullable<CfnTemplate['Resources']>[string];
const resourcesOf = (s: SynthesizedStage): [string, string, Resource][] =>
  s.stacks.flatMap((st) => Object.entries(st.template.Resources ?? {}).map(([id, r]) => [st.stackName, id, r] as [string, string, Resource]));

/**
 * Properties that set a physical name unique per account and region (or account-wide): a second
 * stage deploying the same value into the same account fails with "already exists".
 */
const PHYSICAL_NAMES: Readonly<Record<string, readonly string[]>> = {
  'AWS::EC2::LaunchTemplate': ['LaunchTemplateName'],
  'AWS::IAM::Role': ['RoleName'],
  'AWS::IAM::ManagedPolicy': ['ManagedPolicyName'],
  'AWS::IAM::InstanceProfile': ['InstanceProfileName'],
  'AWS::Logs::LogGroup': ['LogGroupName'],
  'AWS::SNS::Topic': ['TopicName'],
  'AWS::SQS::Queue': ['QueueName'],
  'AWS::SecretsManager::Secret': ['Name'],
  'AWS::SSM::Parameter': ['Name'],
  'AWS::S3::Bucket': ['BucketName'],
  'AWS::KMS::Alias': ['AliasName'],
  'AWS::CloudWatch::Alarm': ['AlarmName'],
  'AWS::CloudWatch::Dashboard': ['DashboardName'],
  'AWS::MSK::Cluster': ['ClusterName'],
  'AWS::MSK::Configuration': ['Name'],
  'AWS::KinesisAnalyticsV2::Application': ['ApplicationName'],
  'AWS::AutoScaling::AutoScalingGroup': ['AutoScalingGroupName'],
  'AWS::AutoScaling::LifecycleHook': [],
  'AWS::ElasticLoadBalancingV2::LoadBalancer': ['Name'],
  'AWS::ElasticLoadBalancingV2::TargetGroup': ['Name'],
  'AWS::Lambda::Function': ['FunctionName'],
  'AWS::Route53::RecordSet': [],
};
/**
 * `...Name` properties that are not physical names of the resource: references to another
 * resource, labels, metric names, or names scoped to a parent (an MSK topic to its cluster, an
 * inline policy to its role, a hosted zone's records to the zone, which is private to the VPC).
 */
const NOT_PHYSICAL: Readonly<Record<string, readonly string[]>> = {
  '*': ['MetricName', 'DisplayName', 'DomainName', 'ServiceName', 'PolicyName', 'KeyName'],
  'AWS::MSK::Topic': ['TopicName'],
  'AWS::EC2::FlowLog': ['LogGroupName'],
  'AWS::Logs::LogStream': ['LogGroupName'],
  'AWS::EC2::Instance': ['LaunchTemplate.LaunchTemplateName'],
  'AWS::S3::Bucket': ['LoggingConfiguration.DestinationBucketName'],
  'AWS::KinesisAnalyticsV2::ApplicationCloudWatchLoggingOption': ['ApplicationName'],
  'Custom::FlinkApplicationRunning': ['ApplicationName'],
  'AWS::AutoScaling::LifecycleHook': ['AutoScalingGroupName', 'LifecycleHookName'],
  'AWS::AutoScaling::ScalingPolicy': ['AutoScalingGroupName'],
  'AWS::Route53::HostedZone': ['Name'],
  'AWS::Route53::RecordSet': ['Name'],
  // The database inside the instance, and a reference to the stack's own subnet group.
  'AWS::RDS::DBInstance': ['DBName', 'DBSubnetGroupName'],
};

/** Every `...Name` property with a value, as "Type Path" (nested paths joined with '.'). */
function namedProperties(resource: Resource): { path: string; value: unknown }[] {
  const found: { path: string; value: unknown }[] = [];
  const walk = (value: unknown, prefix: string) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
    for (const [key, child] of Object.entries(value)) {
      if (/Name$/.test(key) && (typeof child === 'string' || (child !== null && typeof child === 'object' && !Array.isArray(child)))) {
        found.push({ path: prefix + key, value: child });
      }
      walk(child, `${prefix}${key}.`);
    }
  };
  walk(resource.Properties, '');
  return found;
}

describe('item 3: no explicit physical name repeats across the stages of one account and region', () => {
  test('every `...Name` property in every template is classified (a new one must be added above)', () => {
    const unclassified = new Set<string>();
    for (const env of ENVIRONMENT_NAMES) {
      for (const [, , resource] of resourcesOf(stages[env])) {
        for (const { path } of namedProperties(resource)) {
          const known = [...(PHYSICAL_NAMES[resource.Type] ?? []), ...(NOT_PHYSICAL[resource.Type] ?? []), ...NOT_PHYSICAL['*']];
          if (!known.includes(path) && !NOT_PHYSICAL['*'].includes(path.split('.').pop()!)) unclassified.add(`${resource.Type} ${path}`);
        }
      }
    }
    expect([...unclassified].sort()).toEqual([]);
  });

  test('the explicit names of dev, staging and prod (all in one account and region by default) are unique', () => {
    const owners = new Map<string, string[]>();
    for (const env of ENVIRONMENT_NAMES) {
      const { region } = stages[env].stage.plan;
      for (const [stackName, id, resource] of resourcesOf(stages[env])) {
        for (const property of PHYSICAL_NAMES[resource.Type] ?? []) {
          const value = resource.Properties?.[property];
          if (value === undefined) continue;
          // Names built from tokens (Fn::Join of the stack name and the like) are compared as written.
          const key = `${region} ${resource.Type} ${JSON.stringify(value)}`;
          owners.set(key, [...(owners.get(key) ?? []), `${stackName}/${id}`]);
        }
      }
    }
    expect(owners.size).toBeGreaterThan(0);
    const repeated = [...owners.entries()].filter(([, where]) => where.length > 1);
    expect(repeated).toEqual([]);
  });

  test('InfluxDB nodes require IMDSv2 on the instance, without a separately named launch template', () => {
    for (const env of ENVIRONMENT_NAMES) {
      const { Influx } = stages[env].templates;
      Influx.resourceCountIs('AWS::EC2::LaunchTemplate', 0);
      for (const instance of Object.values(Influx.findResources('AWS::EC2::Instance'))) {
        expect(instance.Properties.MetadataOptions).toMatchObject({ HttpTokens: 'required' });
      }
    }
  });
});

/** A template's user data as one string, tokens shown as JSON. */
function userDataText(userData: unknown): string {
  const b64 = (userData as { 'Fn::Base64': unknown })['Fn::Base64'];
  if (typeof b64 === 'string') return b64;
  const [, parts] = (b64 as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  return parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(p))).join('');
}
const ingestUserData = (env: EnvironmentName) => {
  const [lt] = Object.values(stages[env].templates.Ingest.findResources('AWS::EC2::LaunchTemplate'));
  return userDataText(lt.Properties.LaunchTemplateData.UserData);
};
const fleet = (env: EnvironmentName) => {
  const [[id, asg]] = Object.entries(stages[env].templates.Ingest.findResources('AWS::AutoScaling::AutoScalingGroup'));
  return { id, asg };
};
/** `bash -n`: the generated script parses (heredocs, quoting, functions). */
function bashParses(script: string): void {
  const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
  const result = spawnSync('bash', ['-n'], { input: script, encoding: 'utf8' });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
}

describe.each(ENVIRONMENT_NAMES)('item 9: the %s ingest fleet survives routine deploys', (env) => {
  test('no DesiredCapacity: an update never resets a scaled-out fleet', () => {
    const { asg } = fleet(env);
    expect(asg.Properties.DesiredCapacity).toBeUndefined();
    expect(asg.Properties.MinSize).toBe(String(stages[env].stage.plan.ingest.minInstances));
  });

  test('creation and rolling updates wait for each host’s signal, with MinInstancesInService < MaxSize', () => {
    const { asg } = fleet(env);
    const { lifecycle, minInstances, maxInstances } = stages[env].stage.plan.ingest;
    const timeout = `PT${lifecycle.signalTimeoutSeconds / 60}M`;
    expect(asg.CreationPolicy).toEqual({ ResourceSignal: { Count: minInstances, Timeout: timeout } });
    expect(asg.UpdatePolicy.AutoScalingRollingUpdate).toMatchObject({
      WaitOnResourceSignals: true,
      PauseTime: timeout,
      MaxBatchSize: lifecycle.maxBatchSize,
      MinInstancesInService: lifecycle.minInstancesInService,
    });
    expect(asg.UpdatePolicy.AutoScalingRollingUpdate.MinInstancesInService).toBeLessThan(Number(asg.Properties.MaxSize));
    expect(Number(asg.Properties.MaxSize)).toBe(maxInstances);
  });

  test('the host signals this group with the boot script’s exit status, after /health is ready', () => {
    const script = ingestUserData(env);
    const { id } = fleet(env);
    const { lifecycle } = stages[env].stage.plan.ingest;
    // The exit trap comes first, so a failing install or a boot that never gets ready signals failure.
    expect(script.indexOf('trap exitTrap EXIT')).toBeLessThan(script.indexOf('dnf install'));
    expect(script).toMatch(new RegExp(`/opt/aws/bin/cfn-signal --stack MetricStream-${env}-Ingest --resource ${id} --region us-east-1 -e \\$exitCode`));
    expect(script).toContain('dnf install -y aws-cfn-bootstrap');
    const ready = script.indexOf(
      `timeout ${lifecycle.readinessTimeoutSeconds} bash -c 'until curl -sf -m ${lifecycle.healthCheckTimeoutSeconds} -o /dev/null http://127.0.0.1:8080/health; do sleep ${lifecycle.readinessPollSeconds}; done'`,
    );
    expect(ready).toBeGreaterThan(script.indexOf('systemctl enable --now metricstream-ingest'));
    expect(script).toContain('set -euo pipefail');
    bashParses(script);
  });

  test('the AMI is the config’s pinned id, not an SSM "latest" parameter', () => {
    const { templates, stage } = stages[env];
    const [lt] = Object.values(templates.Ingest.findResources('AWS::EC2::LaunchTemplate'));
    const pinned = CAPACITY_CONFIGS[env].hostImage.amiIds[stage.plan.region];
    expect(pinned).toMatch(/^ami-/);
    expect(lt.Properties.LaunchTemplateData.ImageId).toBe(pinned);
    for (const node of Object.values(templates.Influx.findResources('AWS::EC2::Instance'))) expect(node.Properties.ImageId).toBe(pinned);
    for (const tier of ['Ingest', 'Influx'] as const) {
      // The bootstrap version parameter is CDK's own; an image parameter would be /aws/service/ami-...
      const parameters = Object.values((templates[tier].toJSON() as { Parameters?: Record<string, { Type: string; Default?: string }> }).Parameters ?? {});
      expect(parameters.filter((p) => p.Type.includes('SSM::Parameter') && !String(p.Default).startsWith('/cdk-bootstrap/'))).toEqual([]);
    }
  });
});

describe.each(ENVIRONMENT_NAMES)('item 10: %s health checks replace dead instances only, and terminations drain', (env) => {
  test('the ALB checks readiness (/health); the ASG uses EC2 checks only', () => {
    const { templates, stage } = stages[env];
    const { lifecycle } = stage.plan.ingest;
    templates.Ingest.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      HealthCheckPath: '/health',
      HealthCheckIntervalSeconds: lifecycle.healthCheckIntervalSeconds,
      UnhealthyThresholdCount: lifecycle.unhealthyThreshold,
    });
    expect(fleet(env).asg.Properties).toMatchObject({ HealthCheckType: 'EC2', HealthCheckGracePeriod: lifecycle.healthCheckGraceSeconds });
  });

  test('a dead service (/live failing) marks the instance Unhealthy from the host', () => {
    const script = ingestUserData(env);
    const { lifecycle } = stages[env].stage.plan.ingest;
    expect(script).toContain(`if [ "$(curl -s -m ${lifecycle.healthCheckTimeoutSeconds} -o /dev/null -w '%{http_code}' http://127.0.0.1:8080/live)" != 000 ]; then fails=0; continue; fi`);
    expect(script).toContain(`while sleep ${lifecycle.livenessIntervalSeconds}; do`);
    expect(script).toContain(`if [ "$fails" -ge ${lifecycle.livenessFailures} ]; then`);
    expect(script).toMatch(/aws autoscaling set-instance-health --region us-east-1 --instance-id "\$\(imds instance-id\)" --health-status Unhealthy/);
    expect(script).toContain('systemctl enable --now metricstream-liveness metricstream-lifecycle');
  });

  test('a terminating host drains its spool, stops, and completes the named hook; IAM scoped to its group', () => {
    const { templates, stage } = stages[env];
    const { lifecycle } = stage.plan.ingest;
    const script = ingestUserData(env);
    const { id } = fleet(env);
    templates.Ingest.hasResourceProperties('AWS::AutoScaling::LifecycleHook', {
      AutoScalingGroupName: { Ref: id },
      LifecycleHookName: 'metricstream-drain',
      LifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING',
      HeartbeatTimeout: lifecycle.terminationHeartbeatSeconds,
    });
    const order = [
      `until [ "$(imds autoscaling/target-lifecycle-state)" = Terminated ]; do sleep ${lifecycle.lifecyclePollSeconds}; done`,
      'hook=(--region us-east-1 --auto-scaling-group-name "$asg" --lifecycle-hook-name metricstream-drain --instance-id "$id")',
      `deadline=$((SECONDS + ${lifecycle.spoolDrainTimeoutSeconds}))`,
      '$1 == "ingest_spool_bytes"',
      'systemctl stop metricstream-ingest',
      'aws autoscaling complete-lifecycle-action "${hook[@]}" --lifecycle-action-result CONTINUE',
    ].map((line) => script.indexOf(line));
    expect(order.every((at) => at > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(script).toContain(`TimeoutStopSec=${lifecycle.stopTimeoutSeconds}`);
    // The service drains for the ALB's unhealthy window, then gives in-flight requests their timeout.
    expect(script).toContain(`Environment=INGEST_DRAIN_DELAY_MS=${lifecycle.drainDelaySeconds * 1000}`);
    // The hook's global timeout (48 h or 100 heartbeat timeouts) covers the drain and the stop.
    expect(Math.min(48 * 3600, 100 * lifecycle.terminationHeartbeatSeconds)).toBeGreaterThan(lifecycle.spoolDrainTimeoutSeconds + lifecycle.stopTimeoutSeconds);

    const statements = Object.values(templates.Ingest.findResources('AWS::IAM::Policy')).flatMap(
      (p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
    );
    const hostActions = ['autoscaling:CompleteLifecycleAction', 'autoscaling:RecordLifecycleActionHeartbeat', 'autoscaling:SetInstanceHealth'];
    const lifecycleActions = statements.filter((s) => [s.Action].flat().some((a) => hostActions.includes(a)));
    expect(lifecycleActions).toHaveLength(1);
    expect([lifecycleActions[0].Action].flat().sort()).toEqual(hostActions);
    expect(JSON.stringify(lifecycleActions[0].Resource)).toContain(`:autoScalingGroup:*:autoScalingGroupName/","{"Ref":"${id}"}`.replace('","{', '",{'));
  });
});

const influxNodes = (env: EnvironmentName) =>
  Object.entries(stages[env].templates.Influx.findResources('AWS::EC2::Instance')).map(([id, r]) => ({ id, r, script: userDataText(r.Properties.UserData) }));

describe.each(ENVIRONMENT_NAMES)('item 6: %s InfluxDB installs with the current key and signals only once it answers', (env) => {
  test('the key is influxdata-archive.key, checked for the primary and the current signing subkey before dnf trusts it', () => {
    for (const { script } of influxNodes(env)) {
      expect(script).not.toContain('influxdata-archive_compat.key');
      const steps = [
        'curl -sfL -o /tmp/influxdata-archive.key https://repos.influxdata.com/influxdata-archive.key',
        'grep -qx 24C975CBA61A024EE1B631787C3D57159FC2F927 <<<"$fingerprints"',
        'grep -qx AC10D7449F343ADCEFDDC2B6DA61C26A0585BD3B <<<"$fingerprints"',
        'gpgkey = file:///etc/pki/rpm-gpg/RPM-GPG-KEY-influxdata',
        'dnf install -y influxdb',
      ].map((line) => script.indexOf(line));
      expect(steps.every((at) => at > 0)).toBe(true);
      expect([...steps].sort((a, b) => a - b)).toEqual(steps);
      expect(script).toContain('gpgcheck = 1');
    }
  });

  test('a CreationPolicy per node, and cfn-signal with the script’s exit status after /ping answers', () => {
    const { influx } = stages[env].stage.plan;
    const nodes = influxNodes(env);
    expect(nodes).toHaveLength(influx.nodeCount);
    for (const { id, r, script } of nodes) {
      expect(r.CreationPolicy).toEqual({ ResourceSignal: { Count: 1, Timeout: `PT${influx.signalTimeoutSeconds / 60}M` } });
      expect(script.indexOf('trap exitTrap EXIT')).toBeLessThan(script.indexOf('set -euo pipefail'));
      expect(script).toContain(`/opt/aws/bin/cfn-signal --stack MetricStream-${env}-Influx --resource ${id} --region us-east-1 -e $exitCode`);
      const ping = script.indexOf(`timeout ${influx.readinessTimeoutSeconds} bash -c 'until curl -sf -o /dev/null http://127.0.0.1:8086/ping; do sleep ${influx.readinessPollSeconds}; done'`);
      expect(ping).toBeGreaterThan(script.indexOf('systemctl enable --now influxdb'));
      expect(ping).toBeLessThan(script.indexOf('CREATE DATABASE'));
      bashParses(script);
    }
  });
});

describe.each(ENVIRONMENT_NAMES)('item 8: a %s node never serves from the root volume', (env) => {
  test('the data mount is required (no nofail), by filesystem UUID, and influxd requires it', () => {
    for (const { script } of influxNodes(env)) {
      const fstab = script.split('\n').filter((line) => line.includes('/etc/fstab'));
      expect(fstab).toEqual(['echo "UUID=$(blkid -s UUID -o value "$dev") /var/lib/influxdb xfs defaults,noatime 0 2" >> /etc/fstab']);
      expect(script).not.toMatch(/nofail/);
      expect(script).toContain('mountpoint -q /var/lib/influxdb');
      const dropIn = script.indexOf("cat > /etc/systemd/system/influxdb.service.d/data-mount.conf <<'UNIT'\n[Unit]\nRequiresMountsFor=/var/lib/influxdb\nUNIT");
      expect(dropIn).toBeGreaterThan(0);
      expect(dropIn).toBeLessThan(script.indexOf('systemctl enable --now influxdb'));
    }
  });
});

describe.each(ENVIRONMENT_NAMES)('item 7: %s InfluxDB nodes are addressed by name and replaced one at a time', (env) => {
  test('no instance attribute (id, IP, DNS) of a node is exported to another stack', () => {
    const { stacks } = stages[env];
    const exported: string[] = [];
    for (const stack of stacks) {
      const template = stack.template as CfnTemplate & { Outputs?: Record<string, { Value: unknown; Export?: unknown }> };
      for (const [name, output] of Object.entries(template.Outputs ?? {})) {
        if (!output.Export) continue;
        const refs = JSON.stringify(output.Value).match(/"(Ref|Fn::GetAtt)":\["?([A-Za-z0-9]+)/g) ?? [];
        for (const ref of refs) {
          const id = ref.replace(/^.*"(Ref|Fn::GetAtt)":\["?/, '');
          if (template.Resources?.[id]?.Type === 'AWS::EC2::Instance') exported.push(`${stack.stackName} ${name}`);
        }
      }
    }
    expect(exported).toEqual([]);
    // Monitoring addresses each node by its number, not its instance id.
    const alarms = Object.values(stages[env].templates.Monitoring.findResources('AWS::CloudWatch::Alarm'));
    const nodeCpu = alarms.filter((a) => /InfluxDB node \d+ CPU/.test(a.Properties.AlarmDescription));
    expect(nodeCpu).toHaveLength(2 * stages[env].stage.plan.influx.nodeCount);
    for (const alarm of nodeCpu) expect(alarm.Properties.Dimensions.map((d: { Name: string }) => d.Name).sort()).toEqual(['Environment', 'Node', 'Tier']);
  });

  test('each node has a stable name in a private zone', () => {
    const { templates, stage } = stages[env];
    const { influx } = stage.plan;
    templates.Influx.hasResourceProperties('AWS::Route53::HostedZone', { Name: `${influx.zoneName}.`, VPCs: [{ VPCId: Match.anyValue(), VPCRegion: 'us-east-1' }] });
    const nodes = influxNodes(env);
    influx.hostNames.forEach((name, node) => {
      templates.Influx.hasResourceProperties('AWS::Route53::RecordSet', {
        Name: `${name}.`,
        Type: 'A',
        TTL: String(influx.dnsTtlSeconds),
        ResourceRecords: [{ 'Fn::GetAtt': [nodes[node].id, 'PrivateIp'] }],
      });
    });
  });

  test('node n depends on node n-1, so CloudFormation replaces one node at a time', () => {
    const nodes = influxNodes(env);
    nodes.forEach(({ r }, node) => {
      const before = (r.DependsOn ?? []).filter((d: string) => nodes.some((n) => n.id === d));
      expect(before).toEqual(node === 0 ? [] : [nodes[node - 1].id]);
    });
  });
});

describe('item 7: an AMI bump or a boot-script change replaces the nodes, and template:diff says so', () => {
  const prod = () => stages.prod.stacks;
  test('a new AMI id in the config: every InfluxDB node replaced (ImageId), flagged as stateful', () => {
    const bumped = configWith('prod', { hostImage: { amiIds: { 'us-east-1': 'ami-0123456789abcdef0' } } });
    const warnings = statefulWarnings(diffStacks(prod(), synthesizeStage(bumped).stacks));
    const nodes = influxNodes('prod').map((n) => n.id);
    expect(warnings.filter((w) => w.stackName === 'MetricStream-prod-Influx').map((w) => [w.logicalId, w.message])).toEqual(
      nodes.map((id) => [id, 'replaced (ImageId changed): the existing resource and its data are deleted']),
    );
  });

  test('a user-data change replaces nodes (a fresh boot) instead of stopping and starting them', () => {
    const changed = configWith('prod', { influx: { aggregateRetentionDays: 91 } });
    const diffs = diffStacks(prod(), synthesizeStage(changed).stacks).filter((d) => d.stackName === 'MetricStream-prod-Influx');
    const kinds = diffs.flatMap((d) => d.changes.filter((c) => c.type === 'AWS::EC2::Instance').map((c) => c.kind));
    expect(kinds).not.toContain('interrupted');
    expect(kinds.filter((k) => k === 'added')).toHaveLength(stages.prod.stage.plan.influx.nodeCount);
  });

  test('raising one node’s generation replaces that node only', () => {
    const diffs = diffStacks(prod(), synthesizeStage(configWith('prod', { influx: { nodeGenerations: { 1: 1 } } })).stacks);
    const changes = diffs.flatMap((d) => d.changes.filter((c) => c.type === 'AWS::EC2::Instance'));
    const instances = changes.filter((c) => c.kind !== 'modified').map((c) => [c.logicalId.slice(0, 5), c.kind]);
    expect(instances.sort()).toEqual([
      ['Node1', 'added'],
      ['Node1', 'removed'],
    ]);
    // Node 2 only follows the new node 1 (its DependsOn): no property of it changes.
    expect(changes.filter((c) => c.kind === 'modified').map((c) => [c.logicalId.slice(0, 5), c.properties.map((p) => `${p.path} ${p.impact}`)])).toEqual([
      ['Node2', ['@DependsOn/0 update']],
    ]);
  });
});
