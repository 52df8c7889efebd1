import { CAPACITY_CONFIGS } from '../../lib/capacity-config';
import { CapacityConfigError, planCapacity } from '../../lib/plan';
import { MSK_UNSUPPORTED_AZ_IDS } from '../../lib/plan/availability-zones';
import { placeholderSettings, validateEnvironments } from '../../lib/plan/deployment';
import { MSK_BROKER_TYPES } from '../../lib/catalog/instance-types';
import { DEFAULT_MSK_KAFKA_VERSION, MSK_KAFKA_VERSIONS, mskVersionProblem } from '../../lib/catalog/msk-versions';
import { applyWhatIf } from '../../lib/plan/what-if';
import { configWith } from '../helpers';

describe('deployment settings that fail validation name the field and the rule', () => {
  test.each<[string, Parameters<typeof configWith>[1], RegExp]>([
    // item 2: AZs by ID
    ['MSK-unsupported AZ ID', { availabilityZoneIds: ['use1-az1', 'use1-az3', 'use1-az4'] }, /"prod": availabilityZoneIds \("use1-az3"\) is an AZ where MSK places no brokers/],
    ['an AZ name instead of an ID', { availabilityZoneIds: ['us-east-1a', 'use1-az2', 'use1-az4'] }, /availabilityZoneIds \("us-east-1a"\) is not an AZ ID of us-east-1 \(expected use1-az<N>\)/],
    ['an AZ ID of another region', { availabilityZoneIds: ['usw2-az1', 'use1-az2', 'use1-az4'] }, /availabilityZoneIds \("usw2-az1"\) is not an AZ ID of us-east-1/],
    ['fewer IDs than AZs', { availabilityZoneIds: ['use1-az1', 'use1-az2'] }, /availabilityZoneIds \(2 IDs\) must list exactly availabilityZones \(3\) AZ IDs/],
    ['a repeated AZ ID', { availabilityZoneIds: ['use1-az1', 'use1-az1', 'use1-az4'] }, /availabilityZoneIds \(use1-az1, use1-az1, use1-az4\) must not repeat an AZ ID/],
    // item 4: prod alarms need a subscriber
    ['prod without an alarm e-mail', { access: { alarmEmail: undefined } }, /"prod": access\.alarmEmail is required in prod: the alarm topic needs a subscriber/],
    // item 5: KRaft
    ['a ZooKeeper-mode version', { kafka: { version: '3.9.x' } }, /kafka\.version \("3\.9\.x"\) creates a ZooKeeper-mode cluster, which can never move to KRaft/],
    ['an unknown version', { kafka: { version: '5.0.x.kraft' } }, /kafka\.version \("5\.0\.x\.kraft"\) is not an MSK Kafka version/],
    // item 12
    ['prod unprotected', { access: { protectFromDeletion: false } }, /access\.protectFromDeletion must be true in prod/],
    ['a VPC CIDR that is not a /16', { vpcCidr: '10.40.0.0/20' }, /vpcCidr \("10\.40\.0\.0\/20"\) must be a \/16/],
    ['a public VPC CIDR', { vpcCidr: '52.10.0.0/16' }, /vpcCidr \("52\.10\.0\.0\/16"\) must be inside 10\.0\.0\.0\/8, 172\.16\.0\.0\/12 or 192\.168\.0\.0\/16/],
    ['a VPC CIDR with host bits', { vpcCidr: '10.40.1.0/16' }, /vpcCidr \("10\.40\.1\.0\/16"\) has host bits set/],
    ['a malformed VPC CIDR', { vpcCidr: '10.40.0/16' }, /vpcCidr \("10\.40\.0\/16"\) is not an IPv4 CIDR/],
    // item 1: hosted zone
    ['a malformed hosted zone id', { access: { hostedZoneId: 'zone-1' } }, /access\.hostedZoneId \("zone-1"\) is not a Route 53 hosted zone id/],
    ['a hosted zone with a certificate', { access: { hostedZoneId: 'Z123', certificateArn: 'arn:aws:acm:us-east-1:210987654321:certificate/x' } }, /access\.hostedZoneId must not be set together with access\.certificateArn/],
  ])('%s', (_name, patch, message) => {
    const config = configWith('prod', patch);
    expect(() => planCapacity(config)).toThrow(CapacityConfigError);
    expect(() => planCapacity(config)).toThrow(message);
  });

  test('use1-az3 is the documented MSK exception in us-east-1', () => {
    expect(MSK_UNSUPPORTED_AZ_IDS).toContain('use1-az3');
  });
});

describe('5. MSK versions and broker types', () => {
  test('the default is a KRaft version of the local broker’s 4.1 line', () => {
    expect(DEFAULT_MSK_KAFKA_VERSION).toBe('4.1.x.kraft');
    expect(MSK_KAFKA_VERSIONS[DEFAULT_MSK_KAFKA_VERSION].metadataMode).toBe('kraft');
  });

  test.each(Object.keys(MSK_BROKER_TYPES))('every broker type the plan can choose is offered with the default version: %s', (brokerType) => {
    expect(mskVersionProblem(DEFAULT_MSK_KAFKA_VERSION, brokerType)).toBeUndefined();
  });

  test('every MSK version on offer accepts the ingest service\'s zstd batches (Kafka 2.1 and later, KIP-110)', () => {
    for (const v of Object.keys(MSK_KAFKA_VERSIONS)) {
      const [major, minor] = v.split('.').map(Number);
      expect({ v, zstd: major > 2 || (major === 2 && minor >= 1) }).toEqual({ v, zstd: true });
    }
  });

  test('a broker type the version does not run on is refused, naming both', () => {
    expect(mskVersionProblem('4.1.x.kraft', 'kafka.m3.large')).toMatch(/\("4\.1\.x\.kraft"\) is not offered on kafka\.brokerInstanceType "kafka\.m3\.large"/);
  });
});

describe('1. placeholder access settings', () => {
  test('prod ships with its placeholders named, dev with none', () => {
    expect(placeholderSettings(CAPACITY_CONFIGS.prod).map((p) => p.field)).toEqual(['access.ingestDomainName', 'grafana.domainName', 'access.operatorCidrs', 'access.alarmEmail', 'account']);
    expect(placeholderSettings(CAPACITY_CONFIGS.dev)).toEqual([]);
  });

  test('an open client range is a choice, not a placeholder; a documentation range or example account is', () => {
    const config = configWith('prod', { account: '123456789012', access: { clientCidrs: ['0.0.0.0/0', '203.0.113.8/29'] } });
    expect(placeholderSettings(config).map((p) => `${p.field}=${p.value}`)).toEqual([
      'access.ingestDomainName=ingest.metricstream.example.com',
      'grafana.domainName=grafana.metricstream.example.com',
      'access.clientCidrs=203.0.113.8/29',
      'access.operatorCidrs=192.0.2.0/24',
      'access.alarmEmail=metricstream-alarms@example.com',
      'account=123456789012',
    ]);
  });

  test('an existing certificate makes the example domain irrelevant', () => {
    const config = configWith('prod', { access: { certificateArn: 'arn:aws:acm:us-east-1:210987654321:certificate/x' } });
    expect(placeholderSettings(config).map((p) => p.field)).not.toContain('access.ingestDomainName');
  });
});

describe('12. VPC CIDRs across environments', () => {
  test('the shipped environments do not overlap', () => {
    expect(() => validateEnvironments(Object.values(CAPACITY_CONFIGS))).not.toThrow();
    expect(new Set(Object.values(CAPACITY_CONFIGS).map((c) => c.vpcCidr)).size).toBe(3);
  });

  test('two environments on one range are refused, naming both', () => {
    const configs = [CAPACITY_CONFIGS.dev, configWith('staging', { vpcCidr: CAPACITY_CONFIGS.dev.vpcCidr }), CAPACITY_CONFIGS.prod];
    expect(() => validateEnvironments(configs)).toThrow(
      /capacity config "staging": vpcCidr \("10\.42\.0\.0\/16"\) overlaps the vpcCidr of dev \("10\.42\.0\.0\/16"\): every environment needs its own range/,
    );
  });
});

describe('2. a what-if in another region plans over that region’s AZ IDs', () => {
  test('us-west-2', () => {
    const plan = planCapacity(applyWhatIf(CAPACITY_CONFIGS.prod, { region: 'us-west-2' }));
    expect(plan.deployment.availabilityZoneIds).toEqual(['usw2-az1', 'usw2-az2', 'usw2-az3']);
  });
});
