/**
 * The capacity config: one typed object per environment, the single source of truth for every size
 * and every dollar. The plan (lib/plan) derives instance counts, partitions and disks from it; the
 * cost model (lib/pricing) prices that plan; the stacks read the plan and compute nothing.
 *
 * Numbers that describe what a component can carry are `Capacity` values: a planning value plus
 * where it comes from. `prod` reproduces the reference capacity-planning document
 * (shared/reference): 100,000 metrics/s, 10,000 requests/s per c6i.2xlarge, one metric per request,
 * 2 spare instances, 3 AZs, Kafka replication 3, 12 partitions, 3 InfluxDB nodes on i3.2xlarge.
 */

import { EC2_INSTANCE_TYPES, MSK_BROKER_TYPES } from './plan/instance-types';
import { SMT_DERATE, type Measurement } from './plan/measurements';
import type { QuotaName } from './plan/quotas';
import type { ClientNetwork, RequestCompression } from './plan/transfer';

export const ENVIRONMENT_NAMES = ['dev', 'staging', 'prod'] as const;
export type EnvironmentName = (typeof ENVIRONMENT_NAMES)[number];

/**
 * A per-component capacity the plan divides load by: the planning value, where it comes from, and
 * the measurement behind it. The planning value never exceeds the measurement translated to the
 * planned instance type (test/plan/measurements.test.ts).
 */
export interface Capacity {
  /** The planning value the plan uses. */
  readonly value: number;
  /** Unit of `value`, e.g. "requests/s per instance". */
  readonly unit: string;
  /** Why the planning value is what it is (reference figure, safety margin). */
  readonly source: string;
  readonly measured: Measurement;
}

/**
 * A size the plan multiplies by (bytes per record or value): planning value, reason and the
 * measurement behind it; the planning value never falls below the measurement.
 */
export type SizeFactor = Capacity;

export interface WorkloadConfig {
  /** Hosts running an agent (Telegraf or similar). */
  readonly monitoredServers: number;
  /** Points each host sends per second, on average. */
  readonly metricsPerServerPerSecond: number;
  /** Points per HTTP request (agents batch; the reference assumes 1). */
  readonly metricsPerRequest: number;
  /** Request bytes per point on the wire, HTTP headers included. */
  readonly bytesPerMetric: number;
  /** Response bytes per request (a 204 and its headers). */
  readonly responseBytesPerRequest: number;
  /** Peak-to-average ratio of the ingest rate; sizes are planned for the peak. */
  readonly peakFactor: number;
  /** Distinct series each host reports; one aggregate row per series per window. */
  readonly seriesPerServer: number;
  /** How long a client keeps one keep-alive connection before opening a new one. */
  readonly connectionLifetimeSeconds: number;
  /**
   * Where clients sit, which decides what their traffic costs: `internet` (the default; data out at
   * the tiered internet rates), `same-region` (other VPCs in the region over public IPs, $0.01/GB
   * each way) or `private` (through an internal ALB, cross-AZ rates only).
   */
  readonly clientNetwork?: ClientNetwork;
  /** Request body encoding; `gzip` shrinks the bytes on the wire (the ALB's processed bytes too). */
  readonly requestCompression?: RequestCompression;
}

/**
 * What an AZ loss may cost. When the month's downtime budget at `availabilityTarget` is shorter than
 * `azRecoveryMinutes`, every tier that can must carry the peak with one AZ gone on the instances left.
 */
export interface RedundancyConfig {
  /** Share of the month the ingest endpoint must accept data, e.g. 0.9999 (4.4 minutes a month). */
  readonly availabilityTarget: number;
  /** Minutes from losing an AZ until replacement instances serve (health checks, launch, boot, warm-up). */
  readonly azRecoveryMinutes: number;
  /** With one AZ gone at peak, the survivors run at most this share of their saturation (ingest: CPU). */
  readonly azLossUtilization: number;
}

export interface IngestConfig {
  readonly instanceType: string;
  readonly requestsPerSecondPerInstance: Capacity;
  /**
   * Instances beyond what the peak needs, at least; the availability target may call for more (the
   * plan's spares are what carrying the peak with one AZ gone needs, if that is more).
   */
  readonly spareInstances: number;
  /** ASG max = ceil(needed × scaleOutFactor). */
  readonly scaleOutFactor: number;
  /** Root + spool volume per instance, gp3. */
  readonly volumeGiB: number;
  /** ASG CPU target: scale out above, scale in below `scaleInCpuPercent`. */
  readonly scaleOutCpuPercent: number;
  readonly scaleInCpuPercent: number;
  /**
   * The service's default per-key rate limits are the planned peak share of one instance times this
   * (plan: ingest.keyRateLimit), so one key may carry all planned traffic without a 429.
   */
  readonly keyRateLimitHeadroom: number;
  /** Step scaling: add `scaleOutInstances` after `scaleOutAfterMinutes` above the scale-out CPU, ... */
  readonly scaleOutInstances: number;
  readonly scaleOutAfterMinutes: number;
  /** ... remove `scaleInInstances` after `scaleInAfterMinutes` below the scale-in CPU. */
  readonly scaleInInstances: number;
  readonly scaleInAfterMinutes: number;
  /** Minutes a new instance needs to boot and join the target group before its CPU counts. */
  readonly instanceWarmupMinutes: number;
}

export interface KafkaConfig {
  readonly brokerInstanceType: string;
  /** Replica writes per second one broker sustains (leader and follower writes both count). */
  readonly recordsPerSecondPerBroker: Capacity;
  /** Bytes one point occupies on a broker's disk after batch compression. */
  readonly storedBytesPerRecord: SizeFactor;
  readonly replicationFactor: number;
  readonly minInSyncReplicas: number;
  readonly retentionHours: number;
  /** Broker disk is sized so retained data fills at most this fraction. */
  readonly storageTargetUtilization: number;
  /** Pin the broker count instead of deriving it (validated against the same rules). */
  readonly brokers?: number;
  /** Pin the partition count instead of deriving it from Flink parallelism. */
  readonly partitions?: number;
  /**
   * MSK Kafka version; a KRaft version offered on the broker type (lib/plan/msk-versions.ts).
   * @default '4.1.x.kraft'
   */
  readonly version?: string;
}

export interface FlinkConfig {
  readonly pointsPerSecondPerSlot: Capacity;
  /** Managed Flink ParallelismPerKPU. */
  readonly parallelismPerKpu: number;
  readonly autoScalingEnabled: boolean;
  readonly windowSeconds: number;
  readonly checkpointIntervalSeconds: number;
}

export interface InfluxConfig {
  readonly instanceType: string;
  /** Points per second one node writes. */
  readonly pointsPerSecondPerNode: Capacity;
  /** On-disk bytes per stored field value after TSM compression. */
  readonly bytesPerStoredValue: SizeFactor;
  /** Pin the shard count instead of deriving it from disk use and write load. */
  readonly shards?: number;
  readonly replicationFactor: number;
  /** Window aggregates kept this many days. */
  readonly aggregateRetentionDays: number;
  /** Field values per aggregate row (count, min, max, sum, mean, last). */
  readonly valuesPerAggregate: number;
  /** Planned disk use must stay at or below this share of the instance store. */
  readonly diskWarningPercent: number;
  readonly rootVolumeGiB: number;
  /**
   * Node number -> generation. Raising a node's generation makes the next deploy replace exactly that
   * node with a fresh one (docs/operations.md, "Replacing an InfluxDB node"); absent means 0.
   */
  readonly nodeGenerations?: Readonly<Record<number, number>>;
}

export interface BackupConfig {
  /** A full InfluxDB backup of every shard to S3 every this many days (1: daily, every environment). */
  readonly intervalDays: number;
  /**
   * Days a backup stays in S3 Standard (restorable in minutes) before moving to Glacier Deep Archive
   * (12-48 h to restore): 7, a week of daily backups to restore from without waiting.
   */
  readonly standardDays: number;
  /** Days a backup is kept in total. */
  readonly retentionDays: number;
}

// ---- Grafana (issue 15): the visualization tier. One grouped block, so it can be moved as a unit. ----

/** Grafana's metadata database on RDS PostgreSQL. */
export interface GrafanaDatabaseConfig {
  /** RDS instance class (lib/plan/instance-types.ts RDS_INSTANCE_CLASSES); the reference: db.t3.small. */
  readonly instanceClass: string;
  /** Provisioned gp3 storage, GiB (RDS PostgreSQL: 20 to 65,536). */
  readonly storageGiB: number;
  /** A synchronous standby in a second AZ (doubles instance and storage hours). */
  readonly multiAz: boolean;
  /** Days of automated backups (point-in-time restore), 1 to 35. */
  readonly backupRetentionDays: number;
  /** RDS deletion protection, and the instance retained when its stack is deleted; required with access.protectFromDeletion. */
  readonly deletionProtection: boolean;
}

export interface GrafanaConfig {
  /** The Grafana server's EC2 type; the reference: t3.medium. */
  readonly instanceType: string;
  /** Grafana servers (an Auto Scaling group of exactly this many, so a dead host is replaced). */
  readonly instances: number;
  /** gp3 root volume per server, GiB. */
  readonly rootVolumeGiB: number;
  readonly database: GrafanaDatabaseConfig;
  /**
   * Active users a month, for the managed alternative `npm run plan -- --compare` prices (Amazon
   * Managed Grafana bills per active editor and viewer per workspace).
   */
  readonly managedAlternative: { readonly editors: number; readonly viewers: number };
  /**
   * DNS name of Grafana's operators-only HTTPS listener; like access.ingestDomainName, a DNS-validated
   * ACM certificate is requested for it (in access.hostedZoneId when set) unless `certificateArn` is
   * given. Not set when access.plainHttp serves plain HTTP (dev).
   */
  readonly domainName?: string;
  readonly certificateArn?: string;
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
// ---- end Grafana ----

/** How EC2 hours are bought; MSK, Flink and the rest stay on demand. */
export type PricingModel = 'on-demand' | 'reserved-1yr-no-upfront' | 'compute-savings-plan-1yr-no-upfront';

/**
 * The machine image the hosts (InfluxDB nodes and ingest instances) boot, pinned here rather than
 * looked up at deploy time: a new AMI replaces every InfluxDB node (and its instance store) and
 * rolls the ingest fleet, so it must be a reviewed change that `npm run template:diff` flags
 * (docs/operations.md, "AMI bump").
 */
export interface HostImageConfig {
  /** The image's name, the same in every region (what `aws ec2 describe-images` filters on). */
  readonly name: string;
  /** Its id per region; synthesizing an environment needs the id of the environment's region. */
  readonly amiIds: Readonly<Partial<Record<string, string>>>;
}

/** How clients and operators reach the deployment. Not sizes: these only reach the stacks. */
export interface AccessConfig {
  /**
   * DNS name of the ingest endpoint. Without `certificateArn` the ingest stack requests a
   * DNS-validated ACM certificate for it (the deploy waits until its CNAME is published).
   */
  readonly ingestDomainName?: string;
  /** An existing ACM certificate for the ingest listener. */
  readonly certificateArn?: string;
  /**
   * Route 53 hosted zone (id) of `ingestDomainName`: the certificate's DNS validation records are
   * written there, so the deploy completes without anyone publishing a CNAME by hand.
   */
  readonly hostedZoneId?: string;
  /** Serve the ALB over plain HTTP only; allowed for dev, where no domain is configured. */
  readonly plainHttp?: boolean;
  /** CIDRs allowed to reach the ingest ALB. */
  readonly clientCidrs: readonly string[];
  /** CIDRs of operators and Grafana allowed to query InfluxDB. */
  readonly operatorCidrs: readonly string[];
  /** E-mail subscribed to the alarm topic; required in prod. */
  readonly alarmEmail?: string;
  /**
   * Termination protection on every stack, deletion protection on the ALB, termination protection
   * on the InfluxDB nodes, and the MSK cluster and API-key secret retained when their stack is
   * deleted. Required in prod.
   */
  readonly protectFromDeletion: boolean;
}

export interface CapacityConfig {
  readonly environment: EnvironmentName;
  /** AWS account; the CLI's default account when absent. */
  readonly account?: string;
  readonly region: string;
  /** MSK supports 2 or 3 AZs; brokers are spread evenly over them. */
  readonly availabilityZones: number;
  /**
   * The AZs by ID (`use1-az1`), one per `availabilityZones`: names like `us-east-1a` point at a
   * different zone in every account. MSK's unsupported AZ IDs are refused (lib/plan/availability-zones.ts).
   */
  readonly availabilityZoneIds: readonly string[];
  /** The environment's VPC range, a /16 no other environment overlaps (so they can be peered). */
  readonly vpcCidr: string;
  /** NAT gateways for the private subnets (one per AZ for production). */
  readonly natGateways: number;
  readonly redundancy: RedundancyConfig;
  readonly workload: WorkloadConfig;
  readonly ingest: IngestConfig;
  readonly kafka: KafkaConfig;
  readonly flink: FlinkConfig;
  readonly influx: InfluxConfig;
  readonly backups: BackupConfig;
  readonly grafana: GrafanaConfig;
  readonly hostImage: HostImageConfig;
  readonly pricing: PricingModel;
  readonly access: AccessConfig;
  /**
   * The account's applied values of the service quotas the plan checks (lib/plan/quotas.ts), where
   * they were raised; AWS's documented defaults otherwise.
   */
  readonly serviceQuotas?: Partial<Record<QuotaName, number>>;
}

const REFERENCE = 'shared/reference capacity-planning document';

/**
 * Our measurements (docs/benchmarks.md): each on this project's 2-core benchmark machine, with the
 * command that reproduces it and the rule that translates it to an instance type.
 */
const MACHINE = '2-core x86_64 Debian 12 development machine (shared, load average 3-8 during the runs)';
export const MEASURED = {
  ingestRequests: {
    // Capacity by CPU per request, not by the requests/s of a loaded run: 84 µs of the service's own CPU
    // (workers and primary, the broker apart) per 1-point request at saturation, so 2 cores at full CPU
    // carry 2 x 10^6 / 84 requests/s. The shared machine's load moves requests/s by 2-4x, CPU per request far less.
    value: Math.round((2 * 1e6) / 84),
    unit: 'requests/s on 2 cores at full CPU from 84 µs service CPU per request, 1 point per request, Kafka sink acks=all (point-json-lines-v1), 1,000 keep-alive connections (median of 3 rounds)',
    cores: 2,
    machine: '2-vCPU KVM guest, Intel Xeon family 6 model 207, lscpu: 1 thread per core (shared, load average 15-20 during the runs)',
    date: '2026-12-01',
    command: 'npm run bench:ingest -- --targets ours-kafka',
    rule: 'per-vcpu',
  },
  kafkaRecords: {
    value: 93_967,
    unit: 'records/s into one broker, acks=all, gzip, idempotent producer on the same cores',
    cores: 2,
    machine: MACHINE,
    date: '2026-11-27',
    command: 'npm run bench:kafka -- 1000000',
    rule: 'per-vcpu',
  },
  /** Bulk: large producer batches. Log segments only (the 27 Nov figure, 67.9, counted sparse preallocated indexes). */
  kafkaStoredBytes: {
    value: 26.4,
    unit: 'bytes of log segments per point-json record (gzip batches of up to 256 KiB; indexes negligible)',
    cores: 2,
    machine: MACHINE,
    date: '2026-12-01',
    command: 'npm run bench:kafka -- 1000000',
    rule: 'as-measured',
  },
  /**
   * The ingest service at prod's per-worker rate (the plan's peak points/s over instances x workers, 1
   * point per request) with its default batching (KAFKA_LINGER_MS=30, one partition per send): 34 points
   * per record batch, 1.33x the bulk figure. Before (5 ms linger, series-key partitions): 2.2 points per
   * batch, 137.1 B. A batch of 1 point takes 265 B, of 4-7 points ~75 B, of 16+ points 29-43 B.
   */
  kafkaStoredBytesProductionShape: {
    value: 35.1,
    unit: 'bytes of log segments per point, ingest bundle (point-json-lines-v1, gzip) at 893 points/s per worker, 2 workers, 12 partitions, KAFKA_LINGER_MS=30, KAFKA_PARTITIONER=sticky',
    cores: 2,
    machine: MACHINE,
    date: '2026-12-01',
    command: 'npm run bench:kafka-shape -- --workers 2 --duration 15 --linger 30',
    rule: 'as-measured',
  },
  flinkSlot: {
    value: 30_800,
    unit: 'points/s per parallel slot, MiniCluster, real Kafka source and InfluxDB sink',
    cores: 2,
    machine: MACHINE,
    date: '2026-11-27',
    command: 'npm run bench:flink',
    rule: 'per-slot',
  },
  influxPoints: {
    value: 25_144,
    unit: 'points/s written over HTTP /write in 5,000-point batches (the Flink sink batch), 4 connections',
    cores: 2,
    machine: MACHINE,
    date: '2026-11-27',
    command: 'npm run loadtest -- --url http://127.0.0.1:8086/write?db=bench --connections 4 --requests 300 --points 5000 --series 20000',
    rule: 'per-vcpu',
  },
  influxStoredBytes: {
    value: 8.38,
    unit: 'bytes of TSM per stored value of 1-minute aggregate rows (random-walk floats), after full compaction',
    cores: 2,
    machine: MACHINE,
    date: '2026-11-27',
    command: 'npm run bench:influx-storage',
    rule: 'as-measured',
  },
} as const satisfies Record<string, Measurement>;

/** A 2-core measurement per core, as the capacities' notes quote it (the figure itself stays in MEASURED). */
const perCore = (m: Measurement): string => Math.round(m.value / m.cores).toLocaleString('en-US');
/** The same per hyperthread vCPU of a planned instance (lib/plan/measurements.ts SMT_DERATE). */
const perVcpu = (m: Measurement): string => Math.round((m.value / m.cores) * SMT_DERATE).toLocaleString('en-US');
/** Capacities scale with the type's vCPUs (lib/plan/instance-types.ts); unknown types fail validation, naming the field. */
const ec2Vcpus = (instanceType: string): number => EC2_INSTANCE_TYPES[instanceType]?.vcpus ?? NaN;

/**
 * Capacities shared by every environment. Each per-vCPU figure is translated with the SMT derate of
 * lib/plan/measurements.ts (a planned vCPU is a hyperthread, about 0.6 of a benchmark core).
 */
/**
 * Kafka broker capacity by vCPU: 25,000 records/s each, about 11 % under the measurement per core x
 * the SMT derate. The reference's 500,000 msg/s per broker is far above what we measured, so it is not used.
 */
function kafkaCapacity(brokerType: string): Capacity {
  const vcpus = MSK_BROKER_TYPES[brokerType]?.vcpus ?? NaN;
  return {
    value: 25_000 * vcpus,
    unit: 'records/s per broker',
    source: `measured ${perCore(MEASURED.kafkaRecords)} records/s per core with gzip and acks=all (${perVcpu(MEASURED.kafkaRecords)} per hyperthread vCPU), planned at 25,000 per vCPU (${brokerType}: ${vcpus}); the reference's 500,000/broker is above any measurement`,
    measured: MEASURED.kafkaRecords,
  };
}
/**
 * What the brokers store (and replicate, and send to consumers) per point as the ingest service batches
 * at production's per-worker rate, not with bulk batches: a send's ~30 ms of points make smaller batches
 * than bulk, 1.3x its bytes per point.
 */
const KAFKA_STORED_BYTES: SizeFactor = {
  value: 36,
  unit: 'bytes per record on disk',
  source: `measured ${MEASURED.kafkaStoredBytesProductionShape.value} at the production shape (bulk batches: ${MEASURED.kafkaStoredBytes.value}), rounded up`,
  measured: MEASURED.kafkaStoredBytesProductionShape,
};
/**
 * Flink slot capacity: the reference's 10,000 points/s per worker for one slot per KPU, shared by the
 * slots of a KPU otherwise. A KPU is 1 vCPU (a hyperthread): the measured slot x the SMT derate is
 * 18,480 points/s, so 10,000 keeps a margin; the slot was measured on 2 cores, not re-measured on one yet.
 */
function flinkSlotCapacity(parallelismPerKpu: number): Capacity {
  return {
    value: 10_000 / parallelismPerKpu,
    unit: 'points/s per parallel slot',
    source: `${REFERENCE}, "Flink": 12 workers carry 100,000 metrics/s (8,333/s each); planned at 10,000/s per KPU (${parallelismPerKpu} slot(s) each), under the measured slot x the SMT derate`,
    measured: MEASURED.flinkSlot,
  };
}
/**
 * InfluxDB write capacity by vCPU: 7,000 points/s each, under the measurement per core x the SMT
 * derate. The reference's 500,000 points/s per node is far above what we measured, so it is not used.
 */
function influxCapacity(instanceType: string): Capacity {
  const vcpus = ec2Vcpus(instanceType);
  return {
    value: 7_000 * vcpus,
    unit: 'points/s per node',
    source: `measured ${perCore(MEASURED.influxPoints)} points/s per core in 5,000-point batches (${perVcpu(MEASURED.influxPoints)} per hyperthread vCPU), planned at 7,000 per vCPU (${instanceType}: ${vcpus}); the reference's 500,000/node is above any measurement`,
    measured: MEASURED.influxPoints,
  };
}
const INFLUX_BYTES_PER_VALUE: SizeFactor = {
  value: 8.5,
  unit: 'bytes per stored field value',
  source: `measured ${MEASURED.influxStoredBytes.value}, rounded up: aggregates are noisy floats, which TSM compresses poorly`,
  measured: MEASURED.influxStoredBytes,
};

/**
 * Headroom of the default per-key rate limits over each instance's planned peak share (which already
 * assumes the spares are gone): each cluster worker enforces 1/workers of an instance's limit, and the
 * kernel spreads the ALB's few long-lived connections over the workers unevenly, so the busiest worker
 * may see well above its fair share; 2x lets it carry twice that before a 429.
 */
const KEY_RATE_LIMIT_HEADROOM = 2;

/**
 * Ingest capacity of a c6i size at the ASG's scale-out CPU (70 %), scaled by vCPU from the reference's
 * c6i.2xlarge figure: the peak should reach the scale-out threshold, not saturation.
 */
function ingestCapacity(instanceType: string): Capacity {
  const vcpus = ec2Vcpus(instanceType);
  return {
    value: 1_250 * vcpus,
    unit: 'requests/s per instance at the scale-out CPU',
    source: `${REFERENCE}: ~10,000 RPS per c6i.2xlarge (8 vCPU), i.e. 1,250 per vCPU; ${instanceType} scaled by vCPU. Measured ${perCore(MEASURED.ingestRequests)} per core, ${perVcpu(MEASURED.ingestRequests)} per hyperthread vCPU at saturation (by CPU per request): the margin covers a loaded broker and the ±2x spread of the runs`,
    measured: MEASURED.ingestRequests,
  };
}

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
