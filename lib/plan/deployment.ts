/**
 * What a deploy of an environment needs beyond sizes: the MSK Kafka version, the AZ IDs, the VPC
 * CIDR, protection of stateful resources, and which access settings are still placeholders. Pure:
 * the stacks read this plan and decide nothing themselves.
 */
import type { CapacityConfig } from '../config/schema';
import { availabilityZoneIdsProblem } from './availability-zones';
import { CapacityConfigError } from './errors';
import { DEFAULT_MSK_KAFKA_VERSION, mskVersionProblem } from '../catalog/msk-versions';

/** A setting still at a value that cannot work in a real account, and why. */
export interface PlaceholderSetting {
  /** Dotted path into CapacityConfig. */
  readonly field: string;
  readonly value: string;
  readonly reason: string;
}

/** The subnet layout a /16 VPC is planned for: per AZ a /24 public and a /20 private subnet (3 AZs use 13,056 of its 65,536 addresses). */
export const SUBNET_CIDR_MASKS = { public: 24, private: 20 } as const;

export interface DeploymentPlan {
  /** MSK `KafkaVersion`: a KRaft version (the metadata mode is fixed at creation). */
  readonly kafkaVersion: string;
  /** One subnet of each kind per AZ ID, in this order. */
  readonly availabilityZoneIds: readonly string[];
  readonly vpcCidr: string;
  /** Prefix lengths of each AZ's subnets: the ALB and NAT gateways in the public one, everything else in the private one. */
  readonly subnetCidrMasks: typeof SUBNET_CIDR_MASKS;
  /**
   * Stack termination protection, ALB deletion protection, instance termination protection, and
   * the MSK cluster and API-key secret retained when their stack is deleted.
   */
  readonly protectFromDeletion: boolean;
  /** Route 53 zone that receives the certificate's validation records, if any. */
  readonly hostedZoneId?: string;
  /** Non-empty: a deploy of this environment is refused before any resource is created. */
  readonly placeholders: readonly PlaceholderSetting[];
}

const IPV4_CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d|[12]\d|3[0-2])$/;
/** Route 53 hosted zone ids: `Z` and upper-case letters and digits. */
const HOSTED_ZONE_ID = /^Z[0-9A-Z]{1,32}$/;

export function validateDeployment(config: CapacityConfig): void {
  const env = config.environment;
  const fail = (field: string, rule: string): never => {
    throw new CapacityConfigError(env, field, rule);
  };
  const version = config.kafka.version ?? DEFAULT_MSK_KAFKA_VERSION;
  const versionProblem = mskVersionProblem(version, config.kafka.brokerInstanceType);
  if (versionProblem) fail('kafka.version', versionProblem);

  const azProblem = availabilityZoneIdsProblem(config.region, config.availabilityZones, config.availabilityZoneIds);
  if (azProblem) fail('availabilityZoneIds', azProblem);

  const cidr = parseCidr(config.vpcCidr);
  if (!cidr) fail('vpcCidr', `("${config.vpcCidr}") is not an IPv4 CIDR`);
  else if (cidr.prefix !== 16) fail('vpcCidr', `("${config.vpcCidr}") must be a /16: the subnet layout (a /${SUBNET_CIDR_MASKS.private} private and a /${SUBNET_CIDR_MASKS.public} public subnet per AZ) is planned for one`);
  else if (!isPrivate(cidr.base)) fail('vpcCidr', `("${config.vpcCidr}") must be inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16 (RFC 1918)`);
  else if (cidr.base % 2 ** 16 !== 0) fail('vpcCidr', `("${config.vpcCidr}") has host bits set: the network address of a /16 ends in .0.0`);

  const access = config.access;
  if (env === 'prod' && !access.protectFromDeletion) {
    fail('access.protectFromDeletion', 'must be true in prod: its stacks, MSK cluster and API keys must survive a mistaken delete');
  }
  // An alarm topic nobody subscribes to delivers nothing (issue 13 item 4).
  if (env === 'prod' && !access.alarmEmail) fail('access.alarmEmail', 'is required in prod: the alarm topic needs a subscriber');
  if (access.hostedZoneId !== undefined) {
    if (!HOSTED_ZONE_ID.test(access.hostedZoneId)) fail('access.hostedZoneId', `("${access.hostedZoneId}") is not a Route 53 hosted zone id (Z followed by letters and digits)`);
    if (access.certificateArn) fail('access.hostedZoneId', 'must not be set together with access.certificateArn: an existing certificate needs no validation records');
    if (!access.ingestDomainName) fail('access.hostedZoneId', 'needs access.ingestDomainName, the name the certificate is requested for');
  }
}

/**
 * Domains reserved for documentation and testing (RFC 2606, RFC 6761): no certificate for them can
 * be validated and no mail to them is delivered.
 */
const RESERVED_DOMAIN = /(^|\.)(example\.(com|net|org)|example|test|invalid|localhost)$/i;
/** Address blocks reserved for documentation (RFC 5737). */
const DOCUMENTATION_CIDRS = ['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24'];
/** Account ids that appear in documentation and tests. */
const PLACEHOLDER_ACCOUNTS = ['123456789012', '111111111111', '000000000000'];

/** Access settings still at placeholder values, in config order. */
export function placeholderSettings(config: CapacityConfig): PlaceholderSetting[] {
  const found: PlaceholderSetting[] = [];
  const access = config.access;
  if (access.ingestDomainName && !access.certificateArn && RESERVED_DOMAIN.test(access.ingestDomainName)) {
    found.push({ field: 'access.ingestDomainName', value: access.ingestDomainName, reason: 'is a reserved example domain: its certificate can never be validated' });
  }
  const grafana = config.grafana;
  if (grafana.domainName && !grafana.certificateArn && RESERVED_DOMAIN.test(grafana.domainName)) {
    found.push({ field: 'grafana.domainName', value: grafana.domainName, reason: 'is a reserved example domain: its certificate can never be validated' });
  }
  for (const field of ['clientCidrs', 'operatorCidrs'] as const) {
    for (const cidr of access[field]) {
      if (DOCUMENTATION_CIDRS.some((doc) => contains(doc, cidr))) {
        found.push({ field: `access.${field}`, value: cidr, reason: 'is a documentation address block (RFC 5737): nobody connects from it' });
      }
    }
  }
  if (access.alarmEmail && RESERVED_DOMAIN.test(access.alarmEmail.split('@').pop() ?? '')) {
    found.push({ field: 'access.alarmEmail', value: access.alarmEmail, reason: 'is at a reserved example domain: no alarm would reach anyone' });
  }
  if (config.environment === 'prod' && !config.account) {
    found.push({ field: 'account', value: '(unset)', reason: 'must name the prod account, so a deploy with the wrong credentials cannot create prod elsewhere' });
  } else if (config.account && PLACEHOLDER_ACCOUNTS.includes(config.account)) {
    found.push({ field: 'account', value: config.account, reason: 'is an example account id' });
  }
  return found;
}

export function planDeployment(config: CapacityConfig): DeploymentPlan {
  return {
    kafkaVersion: config.kafka.version ?? DEFAULT_MSK_KAFKA_VERSION,
    availabilityZoneIds: config.availabilityZoneIds,
    vpcCidr: config.vpcCidr,
    subnetCidrMasks: SUBNET_CIDR_MASKS,
    protectFromDeletion: config.access.protectFromDeletion,
    hostedZoneId: config.access.hostedZoneId,
    placeholders: placeholderSettings(config),
  };
}

/**
 * Rules across environments: their VPC CIDRs must not overlap, so any two can be peered (and share
 * a transit gateway) later.
 */
export function validateEnvironments(configs: readonly CapacityConfig[]): void {
  for (let i = 0; i < configs.length; i++) {
    for (let j = 0; j < i; j++) {
      if (overlaps(configs[i].vpcCidr, configs[j].vpcCidr)) {
        throw new CapacityConfigError(
          configs[i].environment,
          'vpcCidr',
          `("${configs[i].vpcCidr}") overlaps the vpcCidr of ${configs[j].environment} ("${configs[j].vpcCidr}"): every environment needs its own range to be peerable`,
        );
      }
    }
  }
}

function parseCidr(cidr: string): { base: number; prefix: number } | undefined {
  const m = IPV4_CIDR.exec(cidr);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  if (octets.some((o) => o > 255)) return undefined;
  return { base: octets.reduce((acc, o) => acc * 256 + o, 0), prefix: Number(m[5]) };
}

function overlaps(a: string, b: string): boolean {
  const x = parseCidr(a);
  const y = parseCidr(b);
  if (!x || !y) return false;
  const prefix = Math.min(x.prefix, y.prefix);
  const size = 2 ** (32 - prefix);
  return Math.floor(x.base / size) === Math.floor(y.base / size);
}

/** Whether `inner` lies inside `outer`. */
function contains(outer: string, inner: string): boolean {
  const o = parseCidr(outer);
  const i = parseCidr(inner);
  return !!o && !!i && i.prefix >= o.prefix && overlaps(outer, inner);
}

function isPrivate(base: number): boolean {
  const ip = (a: number, b: number) => (a * 256 + b) * 65536;
  return (base >= ip(10, 0) && base < ip(11, 0)) || (base >= ip(172, 16) && base < ip(172, 32)) || (base >= ip(192, 168) && base < ip(192, 169));
}
