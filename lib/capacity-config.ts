/**
 * The capacity config: one typed object per environment, the single source of truth for every size
 * and every dollar. The plan (lib/plan) derives instance counts, partitions and disks from it; the
 * cost model (lib/pricing) prices that plan; the stacks read the plan and compute nothing.
 *
 * Numbers that describe what a component can carry are `Capacity` values: a planning value plus
 * where it comes from. `prod` reproduces the reference capacity-planning document
 * (shared/reference): 100,000 metrics/s, 10,000 requests/s per c6i.2xlarge, one metric per request,
 * 2 spare instances, 3 AZs, Kafka replication 3, 12 partitions, 3 InfluxDB nodes on i3.2xlarge.
 *
 * This file holds the environments and their lookup only: the fields and their meaning are in
 * lib/config/schema.ts, our measurements in lib/config/measured.ts, the per-vCPU rules that turn them
 * into capacities in lib/plan/capacities.ts, and the instance types in lib/catalog/instance-types.ts.
 */

import { ingestCapacity, influxCapacity, INFLUX_BYTES_PER_VALUE, flinkSlotCapacity, kafkaCapacity, KAFKA_STORED_BYTES } from './plan/capacities';
import { ENVIRONMENT_NAMES, type CapacityConfig, type GrafanaConfig, type GrafanaDatabaseConfig, type EnvironmentName, type FlinkConfig, type HostImageConfig, type KafkaConfig, type RedundancyConfig, type WorkloadConfig } from './config/schema';

// The schema's names, for importers of this module from before the split (new code imports lib/config/schema).
export * from './config/schema';
export { MEASURED } from './config/measured';

/**
 * Headroom of the default per-key rate limits over each instance's planned peak share (which already
 * assumes the spares are gone): each cluster worker enforces 1/workers of an instance's limit, and the
 * kernel spreads the ALB's few long-lived connections over the workers unevenly, so the busiest worker
 * may see well above its fair share; 2x lets it carry twice that before a 429.
 */
const KEY_RATE_LIMIT_HEADROOM = 2;

/** The reference's scaling intent: above the scale-out CPU for 3 minutes add 2; below scale-in for 10 minutes remove 1. */
const REFERENCE_SCALING = { scaleOutInstances: 2, scaleOutAfterMinutes: 3, scaleInInstances: 1, scaleInAfterMinutes: 10, instanceWarmupMinutes: 1 } as const;

/** Kafka across 3 AZs: replication 3, two in-sync replicas to acknowledge, a day of retention. */
function replicatedKafka(brokerInstanceType: string): KafkaConfig {
  return {
    brokerInstanceType,
    recordsPerSecondPerBroker: kafkaCapacity(brokerInstanceType),
    storedBytesPerRecord: KAFKA_STORED_BYTES,
    replicationFactor: 3,
    minInSyncReplicas: 2,
    retentionHours: 24,
    storageTargetUtilization: 0.8,
  };
}

/**
 * A fleet of Telegraf agents as dev and staging see it: 10 metrics/s per server in batches of 10, short
 * line-protocol metrics, 50 % peaks over the average.
 */
function telegrafFleet(monitoredServers: number): WorkloadConfig {
  return {
    monitoredServers,
    metricsPerServerPerSecond: 10,
    metricsPerRequest: 10,
    bytesPerMetric: 60,
    responseBytesPerRequest: 200,
    peakFactor: 1.5,
    seriesPerServer: 10,
    connectionLifetimeSeconds: 600,
  };
}

/**
 * Amazon Linux 2023, x86_64, kernel 6.1 (what the SSM parameter al2023-ami-kernel-default-x86_64
 * pointed at when pinned). Other regions: add the same image's id before deploying there.
 */
const AMAZON_LINUX_2023: HostImageConfig = {
  name: 'al2023-ami-2023.9.20251208.0-kernel-6.1-x86_64',
  amiIds: { 'us-east-1': 'ami-068c0051b15cdb816' },
};

/** Managed Flink as staging and prod run it: one slot per KPU, autoscaling, 1-minute windows. */
const MANAGED_FLINK: FlinkConfig = {
  pointsPerSecondPerSlot: flinkSlotCapacity(1),
  parallelismPerKpu: 1,
  autoScalingEnabled: true,
  windowSeconds: 60,
  checkpointIntervalSeconds: 60,
  minPauseBetweenCheckpointsSeconds: 5,
};

/**
 * Redundancy every environment shares but its target. Replacing an AZ's instances takes ~10 minutes:
 * the ALB marks the targets unhealthy (~1 min), the ASG launches in the other AZs, the instance boots
 * and starts the bundle (~3-5 min), then passes the health checks (~1 min); a round upper estimate, not
 * measured. Survivors may run at 85 % of saturation: above the 70 % scale-out CPU the peak is planned
 * at, with 15 % left for the reconnect and retry burst of the lost AZ's clients, GC and the measurement's noise.
 */
function redundancy(availabilityTarget: number): RedundancyConfig {
  return { availabilityTarget, azRecoveryMinutes: 10, azLossUtilization: 0.85 };
}

/** The reference's Grafana: one t3.medium server, a db.t3.small PostgreSQL for its metadata. */
function grafana(
  database: Pick<GrafanaDatabaseConfig, 'multiAz' | 'backupRetentionDays' | 'deletionProtection'>,
  users: GrafanaConfig['managedAlternative'],
  domainName?: string,
): GrafanaConfig {
  return {
    ...(domainName ? { domainName } : {}),
    instanceType: 't3.medium',
    instances: 1,
    rootVolumeGiB: 20,
    database: { instanceClass: 'db.t3.small', storageGiB: 20, ...database },
    managedAlternative: users,
  };
}

const dev: CapacityConfig = {
  environment: 'dev',
  region: 'us-east-1',
  availabilityZones: 2,
  availabilityZoneIds: ['use1-az1', 'use1-az2'],
  vpcCidr: '10.42.0.0/16',
  natGateways: 1,
  redundancy: redundancy(0.99),
  workload: telegrafFleet(100),
  ingest: {
    instanceType: 'c6i.large',
    requestsPerSecondPerInstance: ingestCapacity('c6i.large'),
    spareInstances: 1,
    scaleOutFactor: 2,
    volumeGiB: 20,
    scaleOutCpuPercent: 70,
    scaleInCpuPercent: 40,
    keyRateLimitHeadroom: KEY_RATE_LIMIT_HEADROOM,
    ...REFERENCE_SCALING,
  },
  kafka: {
    brokerInstanceType: 'kafka.t3.small',
    recordsPerSecondPerBroker: kafkaCapacity('kafka.t3.small'),
    storedBytesPerRecord: KAFKA_STORED_BYTES,
    replicationFactor: 2,
    minInSyncReplicas: 1,
    retentionHours: 24,
    storageTargetUtilization: 0.8,
  },
  flink: {
    pointsPerSecondPerSlot: flinkSlotCapacity(2),
    parallelismPerKpu: 2,
    autoScalingEnabled: false,
    windowSeconds: 60,
    checkpointIntervalSeconds: 60,
    minPauseBetweenCheckpointsSeconds: 5,
  },
  influx: {
    instanceType: 'i3.large',
    pointsPerSecondPerNode: influxCapacity('i3.large'),
    bytesPerStoredValue: INFLUX_BYTES_PER_VALUE,
    replicationFactor: 1,
    aggregateRetentionDays: 30,
    valuesPerAggregate: 6,
    diskWarningPercent: 80,
    rootVolumeGiB: 20,
  },
  backups: { intervalDays: 1, standardDays: 7, retentionDays: 90 },
  grafana: grafana({ multiAz: false, backupRetentionDays: 1, deletionProtection: false }, { editors: 2, viewers: 3 }),
  hostImage: AMAZON_LINUX_2023,
  pricing: 'on-demand',
  access: { plainHttp: true, clientCidrs: ['10.0.0.0/8'], operatorCidrs: ['10.0.0.0/8'], protectFromDeletion: false },
};

const staging: CapacityConfig = {
  environment: 'staging',
  region: 'us-east-1',
  availabilityZones: 3,
  availabilityZoneIds: ['use1-az1', 'use1-az2', 'use1-az4'],
  vpcCidr: '10.41.0.0/16',
  natGateways: 1,
  redundancy: redundancy(0.999),
  workload: telegrafFleet(1_000),
  ingest: {
    instanceType: 'c6i.xlarge',
    requestsPerSecondPerInstance: ingestCapacity('c6i.xlarge'),
    spareInstances: 1,
    scaleOutFactor: 3,
    volumeGiB: 30,
    scaleOutCpuPercent: 70,
    scaleInCpuPercent: 40,
    keyRateLimitHeadroom: KEY_RATE_LIMIT_HEADROOM,
    ...REFERENCE_SCALING,
  },
  kafka: replicatedKafka('kafka.m5.large'),
  flink: MANAGED_FLINK,
  influx: {
    instanceType: 'i3.large',
    pointsPerSecondPerNode: influxCapacity('i3.large'),
    bytesPerStoredValue: INFLUX_BYTES_PER_VALUE,
    replicationFactor: 3,
    aggregateRetentionDays: 90,
    valuesPerAggregate: 6,
    diskWarningPercent: 80,
    rootVolumeGiB: 20,
  },
  backups: { intervalDays: 1, standardDays: 7, retentionDays: 365 },
  grafana: grafana({ multiAz: false, backupRetentionDays: 7, deletionProtection: true }, { editors: 3, viewers: 10 }, 'grafana.staging.metricstream.example.com'),
  hostImage: AMAZON_LINUX_2023,
  pricing: 'on-demand',
  access: { ingestDomainName: 'ingest.staging.metricstream.example.com', clientCidrs: ['0.0.0.0/0'], operatorCidrs: ['10.0.0.0/8'], protectFromDeletion: true },
};

const prod: CapacityConfig = {
  environment: 'prod',
  region: 'us-east-1',
  availabilityZones: 3,
  // use1-az3 holds no MSK brokers.
  availabilityZoneIds: ['use1-az1', 'use1-az2', 'use1-az4'],
  vpcCidr: '10.40.0.0/16',
  natGateways: 3,
  // The reference's target: 99.99 %, 4.4 minutes a month, shorter than replacing an AZ's instances.
  redundancy: redundancy(0.9999),
  workload: {
    // Reference target: 10,000 servers x 10 metrics/s = 100,000 metrics/s, taken as the peak.
    monitoredServers: 10_000,
    metricsPerServerPerSecond: 10,
    // The reference assumes one metric per request (100,000 requests/s); agents that batch
    // lower the request rate, and `npm run plan -- --env prod` shows what that saves.
    metricsPerRequest: 1,
    // Reference: "Avg request: 500 bytes, Avg response: 200 bytes".
    bytesPerMetric: 500,
    responseBytesPerRequest: 200,
    peakFactor: 1,
    seriesPerServer: 10,
    connectionLifetimeSeconds: 600,
  },
  ingest: {
    instanceType: 'c6i.2xlarge',
    requestsPerSecondPerInstance: ingestCapacity('c6i.2xlarge'),
    spareInstances: 2,
    // Reference HPA: minReplicas 10, maxReplicas 20.
    scaleOutFactor: 2,
    volumeGiB: 50,
    scaleOutCpuPercent: 70,
    scaleInCpuPercent: 40,
    keyRateLimitHeadroom: KEY_RATE_LIMIT_HEADROOM,
    ...REFERENCE_SCALING,
  },
  kafka: replicatedKafka('kafka.m5.xlarge'),
  flink: MANAGED_FLINK,
  influx: {
    instanceType: 'i3.2xlarge',
    pointsPerSecondPerNode: influxCapacity('i3.2xlarge'),
    bytesPerStoredValue: INFLUX_BYTES_PER_VALUE,
    replicationFactor: 3,
    // Reference: "InfluxDB retains 90 days".
    aggregateRetentionDays: 90,
    valuesPerAggregate: 6,
    diskWarningPercent: 80,
    rootVolumeGiB: 30,
  },
  backups: { intervalDays: 1, standardDays: 7, retentionDays: 365 },
  // Multi-AZ: a 99.99 % target leaves no room for restoring the metadata database from a backup.
  grafana: grafana({ multiAz: true, backupRetentionDays: 14, deletionProtection: true }, { editors: 5, viewers: 25 }, 'grafana.metricstream.example.com'),
  hostImage: AMAZON_LINUX_2023,
  pricing: 'on-demand',
  // Placeholders (example domain and e-mail, a documentation CIDR, no account): synthesis works, and a
  // deploy stops before creating anything, naming each one (lib/plan/deployment.ts, README "Deploying").
  access: {
    ingestDomainName: 'ingest.metricstream.example.com',
    clientCidrs: ['0.0.0.0/0'],
    operatorCidrs: ['192.0.2.0/24'],
    alarmEmail: 'metricstream-alarms@example.com',
    protectFromDeletion: true,
  },
};

export const CAPACITY_CONFIGS: Readonly<Record<EnvironmentName, CapacityConfig>> = { dev, staging, prod };

export function isEnvironmentName(name: string): name is EnvironmentName {
  return (ENVIRONMENT_NAMES as readonly string[]).includes(name);
}

/** The config of one environment; throws naming the known environments otherwise. */
export function capacityConfigFor(name: string): CapacityConfig {
  if (!isEnvironmentName(name)) {
    throw new Error(`unknown environment "${name}": expected one of ${ENVIRONMENT_NAMES.join(', ')}`);
  }
  return CAPACITY_CONFIGS[name];
}
