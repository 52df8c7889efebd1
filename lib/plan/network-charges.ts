import type { CapacityConfig } from '../config/schema';
import type { IngestPlan } from './ingest';
import type { GrafanaPlan } from './grafana';
import type { InfluxPlan } from './influx';
import type { TransferPlan } from './transfer';

/**
 * Charges for the plumbing around the tiers: VPC interface endpoints, public IPv4 addresses, NAT
 * data processing, KMS keys and Secrets Manager secrets. The network stack creates the endpoints
 * named here; the counts of keys and secrets are what the stacks declare, and the agreement test
 * (test/stacks/stacks.test.ts) compares them with the templates.
 * @see https://aws.amazon.com/privatelink/pricing/
 * @see https://aws.amazon.com/vpc/pricing/ (public IPv4 addresses, NAT gateway data processing)
 */

/** Interface endpoints the VPC gets, so Session Manager and CloudWatch stay off the NAT gateways. */
export const INTERFACE_ENDPOINTS = ['ssm', 'ssmmessages', 'ec2messages', 'logs', 'monitoring'] as const;
export type InterfaceEndpointName = (typeof INTERFACE_ENDPOINTS)[number];

/**
 * Bytes each instance sends through the endpoints a month: CloudWatch agent and detailed
 * monitoring PutMetricData, SSM agent polling; ~100 MB (an assumption: a few KB a minute).
 */
export const ENDPOINT_BYTES_PER_INSTANCE_PER_MONTH = 100e6;
/**
 * What crosses the NAT gateways: package installs at boot (Node.js, InfluxDB, the CloudWatch
 * agent), OS updates and Secrets Manager (no endpoint), ~500 MB per instance a month (assumed).
 */
export const NAT_BYTES_PER_INSTANCE_PER_MONTH = 500e6;

type StackTier = 'network' | 'ingest' | 'kafka' | 'flink' | 'influx' | 'monitoring' | 'grafana';
/** Customer-managed KMS keys the stacks create, one per purpose, by the stack that holds it. */
export const KMS_KEYS: readonly { readonly tier: StackTier; readonly purpose: string }[] = [
  { tier: 'network', purpose: 'CloudWatch log groups' },
  { tier: 'kafka', purpose: 'MSK data at rest' },
  { tier: 'ingest', purpose: 'ingest API keys secret' },
  { tier: 'influx', purpose: 'InfluxDB backups' },
  { tier: 'influx', purpose: 'InfluxDB users secrets' },
  { tier: 'monitoring', purpose: 'alarm topic' },
  { tier: 'grafana', purpose: 'Grafana secrets and database' },
];
/** Secrets Manager secrets the stacks create. */
export const SECRETS: readonly { readonly tier: StackTier; readonly purpose: string }[] = [
  { tier: 'ingest', purpose: 'ingest API keys' },
  // lib/influx/read-access.ts INFLUX_USERS: one secret per InfluxDB user.
  { tier: 'influx', purpose: 'InfluxDB admin' },
  { tier: 'influx', purpose: 'InfluxDB loader (write-only)' },
  { tier: 'influx', purpose: 'InfluxDB reader (read-only)' },
  { tier: 'grafana', purpose: 'Grafana admin login' },
  { tier: 'grafana', purpose: 'Grafana database credentials' },
];

export interface NetworkChargesPlan {
  readonly interfaceEndpoints: readonly InterfaceEndpointName[];
  /** Endpoint network interfaces: one per endpoint per AZ, each billed per hour. */
  readonly endpointAzs: number;
  readonly endpointBytesPerMonth: number;
  /** NAT gateway elastic IPs plus one address per AZ of each internet-facing ALB (ingest, Grafana). */
  readonly publicIpv4Addresses: number;
  readonly internetFacingLoadBalancer: boolean;
  readonly natProcessedBytesPerMonth: number;
  readonly kmsKeys: typeof KMS_KEYS;
  readonly secrets: typeof SECRETS;
}

export function planNetworkCharges(config: CapacityConfig, ingest: IngestPlan, influx: InfluxPlan, transfer: TransferPlan, grafana: GrafanaPlan): NetworkChargesPlan {
  const instances = ingest.desiredInstances + influx.nodeCount + grafana.instances;
  // A `private` client network is served by an internal ALB: no public addresses.
  const internetFacingLoadBalancer = transfer.clientNetwork !== 'private';
  return {
    interfaceEndpoints: INTERFACE_ENDPOINTS,
    endpointAzs: config.availabilityZones,
    endpointBytesPerMonth: instances * ENDPOINT_BYTES_PER_INSTANCE_PER_MONTH,
    // An internet-facing ALB has (at least) one public address per AZ it is enabled in.
    publicIpv4Addresses: config.natGateways + (internetFacingLoadBalancer ? config.availabilityZones : 0) + (grafana.loadBalancer.internetFacing ? config.availabilityZones : 0),
    internetFacingLoadBalancer,
    natProcessedBytesPerMonth: config.natGateways > 0 ? instances * NAT_BYTES_PER_INSTANCE_PER_MONTH : 0,
    kmsKeys: KMS_KEYS,
    secrets: SECRETS,
  };
}
