/**
 * The shape of a capacity config: what each environment in lib/capacity-config.ts sets, field by field.
 * Types and the few value lists the types are built from only; the environments live in
 * lib/capacity-config.ts, the measurements in lib/config/measured.ts and the capacity rules in
 * lib/plan/capacities.ts. Imports nothing from lib/plan, so the plan may import it without a cycle.
 */
import type { QuotaName } from '../catalog/service-quotas';

export const ENVIRONMENT_NAMES = ['dev', 'staging', 'prod'] as const;
export type EnvironmentName = (typeof ENVIRONMENT_NAMES)[number];

/**
 * - `per-vcpu`: the service runs one share-nothing worker per vCPU (ingest cluster workers, Kafka
 *   network/IO threads, InfluxDB's writers), so capacity = figure / benchmark cores x vCPUs x SMT_DERATE.
 * - `per-slot`: a Managed Flink slot against one slot (parallelism 1) on the benchmark machine: the
 *   KPU's 1 vCPU is a hyperthread, shared by `parallelismPerKpu` slots, so figure x SMT_DERATE / slots per KPU.
 * - `as-measured`: sizes (bytes), independent of the instance type.
 */
export type ScalingRule = 'per-vcpu' | 'per-slot' | 'as-measured';

export interface Measurement {
  /** The figure as measured, on `cores` cores of `machine`. */
  readonly value: number;
  readonly unit: string;
  readonly cores: number;
  readonly machine: string;
  /** YYYY-MM-DD */
  readonly date: string;
  /** The command that reproduces it. */
  readonly command: string;
  readonly rule: ScalingRule;
}

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

/** Where clients sit decides the rate (`workload.clientNetwork`). */
export const CLIENT_NETWORKS = ['internet', 'same-region', 'private'] as const;
export type ClientNetwork = (typeof CLIENT_NETWORKS)[number];

/** Request body encodings the what-ifs can plan for (`workload.requestCompression`). */
export const REQUEST_COMPRESSIONS = ['none', 'gzip'] as const;
export type RequestCompression = (typeof REQUEST_COMPRESSIONS)[number];

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
  /** Root + spool volume per instance, gp3; the spool gets all but the OS's reserve (plan: ingest.spoolMaxBytes). */
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
   * MSK Kafka version; a KRaft version offered on the broker type (lib/catalog/msk-versions.ts).
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
  /**
   * Managed Flink MinPauseBetweenCheckpoints: a checkpoint starts at least this long after the last
   * one completed, so a slow checkpoint cannot make checkpointing continuous. Below the interval.
   * @see https://docs.aws.amazon.com/managed-flink/latest/apiv2/API_CheckpointConfiguration.html
   */
  readonly minPauseBetweenCheckpointsSeconds: number;
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
  /** RDS instance class (lib/catalog/instance-types.ts RDS_INSTANCE_CLASSES); the reference: db.t3.small. */
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
