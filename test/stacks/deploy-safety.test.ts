/**
 * What a first deploy and every routine deploy after it would hit in a real account (issue 13),
 * asserted on the synthesized templates of every environment.
 */
import { CAPACITY_CONFIGS, ENVIRONMENT_NAMES, type EnvironmentName } from '../../lib/capacity-config';
import type { CfnTemplate } from '../../lib/pricing/template-items';
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
  'AWS::AutoScaling::LifecycleHook': ['AutoScalingGroupName', 'LifecycleHookName'],
  'AWS::AutoScaling::ScalingPolicy': ['AutoScalingGroupName'],
  'AWS::Route53::HostedZone': ['Name'],
  'AWS::Route53::RecordSet': ['Name'],
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
