/**
 * What a first `cdk deploy` would hit in a real account (issue 13), asserted on the synthesized
 * templates from AWS's documented behaviour: placeholder settings, AZs by ID, alarm delivery, MSK
 * metadata mode, protection of stateful resources.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { CAPACITY_CONFIGS, ENVIRONMENT_NAMES } from '../../lib/capacity-config';
import { PLACEHOLDER_RULE_ID } from '../../lib/deploy-guard';
import { configWith } from '../helpers';
import { synthesizeStage, TIER_STACKS, type SynthesizedStage } from './synth';

jest.setTimeout(180_000);

/** prod with every access setting real, and a hosted zone for the certificate's validation. */
const REAL_PROD = configWith('prod', {
  account: '210987654321',
  access: {
    ingestDomainName: 'ingest.metricstream.io',
    hostedZoneId: 'Z04512345ABCDEFGHIJKL',
    operatorCidrs: ['10.20.0.0/16'],
    alarmEmail: 'oncall@metricstream.io',
  },
  grafana: { domainName: 'grafana.metricstream.io' },
});

const stages = {} as Record<(typeof ENVIRONMENT_NAMES)[number] | 'realProd', SynthesizedStage>;
beforeAll(() => {
  for (const env of ENVIRONMENT_NAMES) stages[env] = synthesizeStage(CAPACITY_CONFIGS[env]);
  stages.realProd = synthesizeStage(REAL_PROD);
});

describe('1. a deploy with placeholder access settings stops before any resource is created', () => {
  test.each(TIER_STACKS)('prod %s carries a rule naming each placeholder setting', (tier) => {
    const rules = stages.prod.templates[tier].toJSON().Rules as Record<string, { Assertions: { Assert: unknown; AssertDescription: string }[] }>;
    const descriptions = rules[PLACEHOLDER_RULE_ID].Assertions.map((a) => a.AssertDescription);
    expect(descriptions).toEqual([
      expect.stringMatching(/^capacity config "prod": access\.ingestDomainName \("ingest\.metricstream\.example\.com"\) is a reserved example domain/),
      expect.stringMatching(/grafana\.domainName \("grafana\.metricstream\.example\.com"\) is a reserved example domain/),
      expect.stringMatching(/access\.operatorCidrs \("192\.0\.2\.0\/24"\) is a documentation address block/),
      expect.stringMatching(/access\.alarmEmail \("metricstream-alarms@example\.com"\) is at a reserved example domain/),
      expect.stringMatching(/account \("\(unset\)"\) must name the prod account/),
    ]);
    // An assertion that can never hold: CloudFormation fails the change set with its description.
    for (const a of rules[PLACEHOLDER_RULE_ID].Assertions) {
      const [left, right] = (a.Assert as { 'Fn::Equals': [string, string] })['Fn::Equals'];
      expect(left).not.toEqual(right);
    }
  });

  test('staging is refused for its example domain; dev, with nothing placeholder, is not', () => {
    const staging = stages.staging.templates.Network.toJSON().Rules[PLACEHOLDER_RULE_ID].Assertions;
    expect(staging.map((a: { AssertDescription: string }) => a.AssertDescription)).toEqual([expect.stringContaining('access.ingestDomainName'), expect.stringContaining('grafana.domainName')]);
    for (const tier of TIER_STACKS) expect(stages.dev.templates[tier].toJSON().Rules[PLACEHOLDER_RULE_ID]).toBeUndefined();
  });

  test('real settings carry no rule, and the certificate validates itself in the hosted zone', () => {
    for (const tier of TIER_STACKS) expect(stages.realProd.templates[tier].toJSON().Rules[PLACEHOLDER_RULE_ID]).toBeUndefined();
    stages.realProd.templates.Ingest.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'ingest.metricstream.io',
      ValidationMethod: 'DNS',
      DomainValidationOptions: [{ DomainName: 'ingest.metricstream.io', HostedZoneId: 'Z04512345ABCDEFGHIJKL' }],
    });
    stages.prod.templates.Ingest.hasResourceProperties('AWS::CertificateManager::Certificate', { DomainValidationOptions: Match.absent() });
  });
});

describe.each(ENVIRONMENT_NAMES)('%s', (env) => {
  test('2. every subnet is placed by AZ ID from the config, never by an account-relative name', () => {
    const { Network, Influx } = stages[env].templates;
    const ids = CAPACITY_CONFIGS[env].availabilityZoneIds;
    const subnets = Object.values(Network.findResources('AWS::EC2::Subnet'));
    expect(subnets).toHaveLength(2 * ids.length);
    for (const subnet of subnets) expect(subnet.Properties.AvailabilityZone).toBeUndefined();
    expect(subnets.map((s) => s.Properties.AvailabilityZoneId).sort()).toEqual([...ids, ...ids].sort());
    // An instance placed into a subnet takes the AZ name this account maps the subnet's ID to.
    for (const instance of Object.values(Influx.findResources('AWS::EC2::Instance'))) {
      expect(JSON.stringify(instance.Properties.AvailabilityZone)).toMatch(/Fn::ImportValue.*privateSubnet\dSubnet.*AvailabilityZone/);
    }
  });

  test('4. CloudWatch may use the alarm topic key as SNS encryption requires', () => {
    stages[env].templates.Monitoring.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Resource: '*' }),
        ]),
      },
    });
  });

  test('5. MSK runs the KRaft version from the plan, in the cluster and its configuration', () => {
    const { Kafka } = stages[env].templates;
    const version = stages[env].stage.plan.deployment.kafkaVersion;
    expect(version).toMatch(/\.kraft$/);
    Kafka.hasResourceProperties('AWS::MSK::Cluster', { KafkaVersion: version });
    Kafka.hasResourceProperties('AWS::MSK::Configuration', { KafkaVersionsList: [version] });
  });

  test('12. the VPC CIDR is the config’s', () => {
    stages[env].templates.Network.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: CAPACITY_CONFIGS[env].vpcCidr });
  });
});

describe('4. prod alarms reach someone', () => {
  test('the topic has an e-mail subscriber', () => {
    stages.prod.templates.Monitoring.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: CAPACITY_CONFIGS.prod.access.alarmEmail });
  });
});

describe('12. protection', () => {
  const RETAIN = { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' };

  test.each(['staging', 'prod'] as const)('%s: every stack has termination protection', (env) => {
    for (const stack of [stages[env].stage.network, stages[env].stage.kafka, stages[env].stage.influx, stages[env].stage.flink, stages[env].stage.ingest, stages[env].stage.monitoring]) {
      expect(stack.terminationProtection).toBe(true);
    }
  });

  test.each(['staging', 'prod'] as const)('%s: the MSK cluster, its topics and configuration, and the API-key secret are retained', (env) => {
    const { Kafka, Ingest } = stages[env].templates;
    for (const type of ['AWS::MSK::Cluster', 'AWS::MSK::Configuration', 'AWS::MSK::Topic']) {
      const resources = Object.values(Kafka.findResources(type));
      expect(resources.length).toBeGreaterThan(0);
      for (const r of resources) expect(r).toMatchObject(RETAIN);
    }
    Ingest.hasResource('AWS::SecretsManager::Secret', RETAIN);
  });

  test('dev, which its config lets be torn down, is not protected', () => {
    expect(stages.dev.stage.kafka.terminationProtection).toBe(false);
    stages.dev.templates.Kafka.hasResource('AWS::MSK::Cluster', { DeletionPolicy: Match.absent() });
    stages.dev.templates.Ingest.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Delete' });
  });
});
