/**
 * Facts about the instance types the plan may use. Only types listed here can appear in a capacity
 * config; anything else fails validation ("unknown instance type"): the plan cannot size disks or
 * partitions for a type whose limits it does not know, and the price snapshot covers exactly these.
 */

export interface Ec2InstanceType {
  readonly vcpus: number;
  readonly memoryGiB: number;
  /** Total NVMe instance-store capacity, GB as AWS lists it (10^9 bytes); 0 when EBS-only. */
  readonly instanceStoreGB: number;
  /** Graviton types run arm64 images; the stacks pick the AMI by it. */
  readonly architecture: 'x86_64' | 'arm64';
}

/**
 * @see https://aws.amazon.com/ec2/instance-types/ (compute-optimized c6i and Graviton3 c7g,
 * storage-optimized i3 and i4i)
 */
export const EC2_INSTANCE_TYPES: Readonly<Record<string, Ec2InstanceType>> = {
  'c6i.large': { vcpus: 2, memoryGiB: 4, instanceStoreGB: 0, architecture: 'x86_64' },
  'c6i.xlarge': { vcpus: 4, memoryGiB: 8, instanceStoreGB: 0, architecture: 'x86_64' },
  'c6i.2xlarge': { vcpus: 8, memoryGiB: 16, instanceStoreGB: 0, architecture: 'x86_64' },
  'c7g.large': { vcpus: 2, memoryGiB: 4, instanceStoreGB: 0, architecture: 'arm64' },
  'c7g.xlarge': { vcpus: 4, memoryGiB: 8, instanceStoreGB: 0, architecture: 'arm64' },
  'c7g.2xlarge': { vcpus: 8, memoryGiB: 16, instanceStoreGB: 0, architecture: 'arm64' },
  'i3.large': { vcpus: 2, memoryGiB: 15.25, instanceStoreGB: 475, architecture: 'x86_64' },
  'i3.xlarge': { vcpus: 4, memoryGiB: 30.5, instanceStoreGB: 950, architecture: 'x86_64' },
  'i3.2xlarge': { vcpus: 8, memoryGiB: 61, instanceStoreGB: 1900, architecture: 'x86_64' },
  'i4i.large': { vcpus: 2, memoryGiB: 16, instanceStoreGB: 468, architecture: 'x86_64' },
  'i4i.xlarge': { vcpus: 4, memoryGiB: 32, instanceStoreGB: 937, architecture: 'x86_64' },
  'i4i.2xlarge': { vcpus: 8, memoryGiB: 64, instanceStoreGB: 1875, architecture: 'x86_64' },
  // Burstable, for the Grafana server (the reference's t3.medium).
  't3.medium': { vcpus: 2, memoryGiB: 4, instanceStoreGB: 0, architecture: 'x86_64' },
};

export interface RdsInstanceClass {
  readonly vcpus: number;
  readonly memoryGiB: number;
}

/**
 * RDS PostgreSQL classes Grafana's metadata database may use (the reference: db.t3.small).
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.DBInstanceClass.Summary.html
 */
export const RDS_INSTANCE_CLASSES: Readonly<Record<string, RdsInstanceClass>> = {
  'db.t3.small': { vcpus: 2, memoryGiB: 2 },
  'db.t3.medium': { vcpus: 2, memoryGiB: 4 },
};

export interface MskBrokerType {
  readonly vcpus: number;
  readonly memoryGiB: number;
  /** MSK's recommended maximum partitions per broker, leader and follower replicas counted (not enforced). */
  readonly maxPartitionsPerBroker: number;
  /** Above this many, MSK refuses configuration updates and broker-size changes of the cluster. */
  readonly maxPartitionsForUpdates: number;
}

/** @see https://docs.aws.amazon.com/msk/latest/developerguide/bestpractices.html#partitions-per-broker */
export const MSK_BROKER_TYPES: Readonly<Record<string, MskBrokerType>> = {
  'kafka.t3.small': { vcpus: 2, memoryGiB: 2, maxPartitionsPerBroker: 300, maxPartitionsForUpdates: 300 },
  'kafka.m5.large': { vcpus: 2, memoryGiB: 8, maxPartitionsPerBroker: 1000, maxPartitionsForUpdates: 1500 },
  'kafka.m5.xlarge': { vcpus: 4, memoryGiB: 16, maxPartitionsPerBroker: 1000, maxPartitionsForUpdates: 1500 },
  'kafka.m7g.large': { vcpus: 2, memoryGiB: 8, maxPartitionsPerBroker: 1000, maxPartitionsForUpdates: 1500 },
  'kafka.m7g.xlarge': { vcpus: 4, memoryGiB: 16, maxPartitionsPerBroker: 1000, maxPartitionsForUpdates: 1500 },
};

/** MSK broker storage limits per broker (EBS), GiB. */
export const MSK_MIN_STORAGE_GIB = 1;
export const MSK_MAX_STORAGE_GIB = 16384;

/** Regions for which a price snapshot is committed (lib/pricing/snapshot). */
export const SUPPORTED_REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'] as const;
export type SupportedRegion = (typeof SUPPORTED_REGIONS)[number];

/**
 * The prefix the price list puts on EC2-family usage types in each region (`BoxUsage:…` in
 * us-east-1, `USW2-BoxUsage:…`, `EU-BoxUsage:…`). Services outside EC2 use `USE1-` in us-east-1.
 */
export const EC2_USAGE_TYPE_PREFIX: Readonly<Record<SupportedRegion, string>> = {
  'us-east-1': '',
  'us-west-2': 'USW2-',
  'eu-west-1': 'EU-',
};
