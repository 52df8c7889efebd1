import type { CapacityConfig } from '../config/schema';
import type { FlinkPlan } from './flink';
import type { InfluxPlan } from './influx';
import type { IngestPlan } from './ingest';
import type { KafkaPlan } from './kafka';
import type { TransferPlan } from './transfer';
import { HOURS_PER_MONTH, SECONDS_PER_MONTH } from './units';
import type { WorkloadPlan } from './workload';

/**
 * What the deployment sends to CloudWatch and to its log bucket, and the levels, retentions and
 * lifecycles the stacks set for it. The stacks read every one of these numbers from here.
 * @see https://aws.amazon.com/cloudwatch/pricing/
 */

/** Days in the average month (730 h / 24). */
export const DAYS_PER_MONTH = HOURS_PER_MONTH / 24;

/** Retention the stacks give their CloudWatch log groups (flow logs, broker logs, Flink logs). */
export const LOG_RETENTION_DAYS = 30;
/** CloudWatch Logs accepts only these retentions (PutRetentionPolicy). */
export const CLOUDWATCH_LOG_RETENTIONS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;
/**
 * CloudWatch Logs bills storage on the archived form: each event plus 26 B of metadata, gzip level 6
 * compressed. Text logs compress about 1:6-1:10; planned at 0.15 of the ingested bytes.
 */
export const LOG_ARCHIVE_RATIO = 0.15;

/** The ALB access-log bucket: current objects expire after this many days... */
export const ACCESS_LOG_DAYS = 90;
/** ...and, the bucket being versioned, the expired (noncurrent) versions this many days later. */
export const ACCESS_LOG_NONCURRENT_DAYS = 7;
/**
 * One ALB access-log line is ~650 B (27 fields: TLS cipher, certificate ARN, trace id, ...); ALB
 * delivers them gzip-compressed every 5 minutes, and such lines compress about 8:1.
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-access-logs.html
 */
export const ACCESS_LOG_COMPRESSED_BYTES_PER_LINE = 80;

/** MSK enhanced monitoring level of the cluster; DEFAULT-level metrics are free. */
export const MSK_ENHANCED_MONITORING = 'PER_TOPIC_PER_BROKER';
export type MskMonitoringLevel = 'DEFAULT' | 'PER_BROKER' | 'PER_TOPIC_PER_BROKER' | 'PER_TOPIC_PER_PARTITION';
/**
 * Billed metrics each level adds, counted from MSK's metrics tables for standard brokers
 * (approximate: the tables change with Kafka versions): ~50 per broker at PER_BROKER, 5 per topic
 * per broker at PER_TOPIC_PER_BROKER (bytes in/out, messages in, fetch/produce conversions).
 * @see https://docs.aws.amazon.com/msk/latest/developerguide/metrics-details.html
 */
export const MSK_METRICS = { perBroker: 50, perTopicPerBroker: 5 } as const;
/** Kafka's internal __consumer_offsets topic reports per-topic metrics too. */
export const KAFKA_INTERNAL_TOPICS = 1;

/** Managed Flink metrics level and log level of the application. */
export const FLINK_METRICS_LEVEL = 'TASK';
export const FLINK_LOG_LEVEL = 'INFO';
export type FlinkMetricsLevel = 'APPLICATION' | 'TASK' | 'OPERATOR' | 'PARALLELISM';
/**
 * Application-level metrics are the service's own; each finer level adds metrics per task (job
 * vertex: source, window, the two sinks) billed as custom metrics (~7 each: records in/out and
 * their rates, watermarks, late records). Confidence low: an estimate from the metrics table.
 * @see https://docs.aws.amazon.com/managed-flink/latest/java/metrics-dimensions.html
 */
export const FLINK_TASKS = 4;
export const FLINK_METRICS_PER_TASK = 7;

/** EC2 detailed monitoring publishes 7 metrics per instance at 1-minute resolution, billed as custom metrics. */
export const DETAILED_MONITORING = true;
export const DETAILED_MONITORING_METRICS_PER_INSTANCE = 7;

/** Disks the CloudWatch agent reports on, per tier (lib/user-data reads these). */
export const AGENT_DISK_PATHS = { ingest: ['/'], influx: ['/var/lib/influxdb'], grafana: ['/'] } as const;
export type AgentTier = keyof typeof AGENT_DISK_PATHS;
export const AGENT_TIERS = Object.keys(AGENT_DISK_PATHS) as AgentTier[];
/** Tiers whose agent also reports CPU per node (lib/user-data/cloudwatch-agent.ts `node`): the InfluxDB nodes. */
const AGENT_PER_NODE: Readonly<Record<AgentTier, boolean>> = { ingest: false, influx: true, grafana: false };

/**
 * Custom metrics the agent config of a tier bills (lib/user-data/cloudwatch-agent.ts): per instance,
 * memory and each disk by InstanceId, with per-node CPU also the CPU by InstanceId and by Node (one
 * node per instance); once per tier, the [Environment, Tier] aggregate of each measurement (the
 * disks' paths fold into one).
 */
export function agentMetricsOf(tier: AgentTier): { readonly perInstance: number; readonly aggregates: number; readonly cpuPerNode: boolean } {
  const cpuPerNode = AGENT_PER_NODE[tier];
  return { perInstance: 1 + AGENT_DISK_PATHS[tier].length + (cpuPerNode ? 2 : 0), aggregates: 2 + (cpuPerNode ? 1 : 0), cpuPerNode };
}

/**
 * Log volume estimates. Flow logs: one ~140 B record (v2 format plus CloudWatch's 26 B per event)
 * per flow, direction and ENI every 10-minute aggregation interval. Broker and Flink logs at INFO:
 * ~30 MB a day per broker, ~10 MB a day per KPU (assumptions until measured).
 */
export const FLOW_LOG = { aggregationIntervalSeconds: 600, bytesPerRecord: 140 } as const;
export const BROKER_LOG_BYTES_PER_DAY = 30e6;
export const FLINK_LOG_BYTES_PER_KPU_PER_DAY = 10e6;

/**
 * The Flink start custom resource's log groups (lib/flink-stack.ts: its two Lambda handlers and the
 * provider's waiter state machine), in the order the stack creates them. They log only while a deploy
 * starts the application: a few KB each time, estimated at FLINK_START_LOG_BYTES_PER_MONTH.
 */
export const FLINK_START_LOG_GROUPS = ['Flink start: on-event logs', 'Flink start: is-complete logs', 'Flink start: waiter logs'] as const;
export type FlinkStartLogGroup = (typeof FLINK_START_LOG_GROUPS)[number];
/** About ten deploys a month of a few hundred KB of handler and state-machine logs each. */
export const FLINK_START_LOG_BYTES_PER_MONTH = 1e6;

export interface LogGroupPlan {
  readonly tier: 'network' | 'kafka' | 'flink';
  readonly name: 'VPC flow logs' | 'MSK broker logs' | 'Flink logs' | FlinkStartLogGroup;
  readonly retentionDays: number;
  readonly ingestedBytesPerMonth: number;
  readonly why: string;
}

export interface ObservabilityPlan {
  /** Metrics the alarms watch: an alarm on a metric-math expression bills one per metric in it. */
  readonly alarmMetrics: number;
  readonly dashboards: number;
  readonly detailedMonitoring: boolean;
  readonly detailedMonitoringInstances: number;
  /** Hosts running the CloudWatch agent, by tier; each tier's metrics are agentMetricsOf(tier). */
  readonly agentInstances: Readonly<Record<AgentTier, number>>;
  readonly agentMetrics: number;
  readonly mskEnhancedMonitoring: MskMonitoringLevel;
  readonly mskMetrics: number;
  readonly flinkMetricsLevel: FlinkMetricsLevel;
  readonly flinkLogLevel: string;
  readonly flinkMetrics: number;
  readonly logGroups: readonly LogGroupPlan[];
  readonly accessLogs: {
    readonly linesPerMonth: number;
    readonly compressedBytesPerLine: number;
    readonly bytesPerMonth: number;
    readonly expirationDays: number;
    readonly noncurrentDays: number;
    /** Bytes kept at any time: a month's logs x (expiration + noncurrent days) / days per month. */
    readonly storedBytes: number;
  };
}

/** Metrics billed at a monitoring level for `topics` topics on `brokers` brokers. */
export function mskLevelMetrics(level: string, brokers: number, topics: number): number {
  switch (level) {
    case 'DEFAULT':
      return 0;
    case 'PER_BROKER':
      return brokers * MSK_METRICS.perBroker;
    default: // PER_TOPIC_PER_BROKER, and PER_TOPIC_PER_PARTITION at least as many
      return brokers * (MSK_METRICS.perBroker + topics * MSK_METRICS.perTopicPerBroker);
  }
}

export function flinkLevelMetrics(level: string): number {
  return level === 'APPLICATION' ? 0 : FLINK_TASKS * FLINK_METRICS_PER_TASK;
}

/** Storage a log group bills at its retention: the archived share of what it holds. */
export function logStorageGB(ingestedBytesPerMonth: number, retentionDays: number): number {
  return (ingestedBytesPerMonth * LOG_ARCHIVE_RATIO * Math.min(retentionDays, 3653)) / DAYS_PER_MONTH;
}

export function planObservability(
  config: CapacityConfig,
  workload: WorkloadPlan,
  ingest: IngestPlan,
  kafka: KafkaPlan,
  flink: FlinkPlan,
  influx: InfluxPlan,
  transfer: TransferPlan,
  topics: number,
  grafanaInstances: number,
): ObservabilityPlan {
  // One alarm per metric in lib/monitoring-stack.ts: warning + critical on ingest CPU, memory, disk
  // and p99; one 5xx-rate alarm on 3 metrics; warning + critical per InfluxDB node CPU, on InfluxDB
  // memory and disk, per broker disk; one Flink downtime alarm; and the two alarms of the ingest
  // ASG's step-scaling policies (scale out, scale in); warning + critical on Grafana's CPU, memory
  // and disk, and its one "Grafana down" alarm.
  const alarmMetrics = 4 * 2 + 3 + influx.nodeCount * 2 + 2 * 2 + kafka.brokers * 2 + 1 + 2 + 3 * 2 + 1;
  const instances: Record<AgentTier, number> = { ingest: ingest.desiredInstances, influx: influx.nodeCount, grafana: grafanaInstances };
  const mskMetrics = mskLevelMetrics(MSK_ENHANCED_MONITORING, kafka.brokers, topics + KAFKA_INTERNAL_TOPICS);

  // Flow records: each client connection on an ALB ENI, both directions, in every interval it is
  // open (connections that open during an interval add one); internal flows (ALB -> targets,
  // the Kafka clients: ingest, Flink and every InfluxDB node's loader) are seen on both ENIs.
  const interval = FLOW_LOG.aggregationIntervalSeconds;
  const clientFlows = workload.activeConnections + workload.activeConnections * Math.min(1, interval / config.workload.connectionLifetimeSeconds);
  const internalFlows = ingest.desiredInstances * (config.availabilityZones + kafka.brokers) + flink.parallelism * kafka.brokers + influx.nodeCount * kafka.brokers;
  const flowRecordsPerSecond = (2 * clientFlows + 4 * internalFlows) / interval;
  const logGroups: LogGroupPlan[] = [
    {
      tier: 'network',
      name: 'VPC flow logs',
      retentionDays: LOG_RETENTION_DAYS,
      ingestedBytesPerMonth: flowRecordsPerSecond * FLOW_LOG.bytesPerRecord * SECONDS_PER_MONTH,
      why: `${Math.round(flowRecordsPerSecond)} records/s (${Math.round(clientFlows).toLocaleString('en-US')} client flows, ${internalFlows} internal, per ${interval / 60}-min interval) x ${FLOW_LOG.bytesPerRecord} B`,
    },
    {
      tier: 'kafka',
      name: 'MSK broker logs',
      retentionDays: LOG_RETENTION_DAYS,
      ingestedBytesPerMonth: kafka.brokers * BROKER_LOG_BYTES_PER_DAY * DAYS_PER_MONTH,
      why: `${kafka.brokers} brokers x ~${BROKER_LOG_BYTES_PER_DAY / 1e6} MB/day at INFO`,
    },
    {
      tier: 'flink',
      name: 'Flink logs',
      retentionDays: LOG_RETENTION_DAYS,
      ingestedBytesPerMonth: flink.billedKpus * FLINK_LOG_BYTES_PER_KPU_PER_DAY * DAYS_PER_MONTH,
      why: `${flink.billedKpus} KPUs x ~${FLINK_LOG_BYTES_PER_KPU_PER_DAY / 1e6} MB/day at ${FLINK_LOG_LEVEL}`,
    },
    ...FLINK_START_LOG_GROUPS.map((name) => ({
      tier: 'flink' as const,
      name,
      retentionDays: LOG_RETENTION_DAYS,
      ingestedBytesPerMonth: FLINK_START_LOG_BYTES_PER_MONTH,
      why: `logs only while a deploy starts the application: ~${FLINK_START_LOG_BYTES_PER_MONTH / 1e6} MB/month`,
    })),
  ];

  const linesPerMonth = transfer.averageRequestsPerSecond * SECONDS_PER_MONTH;
  const bytesPerMonth = linesPerMonth * ACCESS_LOG_COMPRESSED_BYTES_PER_LINE;
  return {
    alarmMetrics,
    dashboards: 1,
    detailedMonitoring: DETAILED_MONITORING,
    detailedMonitoringInstances: DETAILED_MONITORING ? instances.ingest + instances.influx : 0,
    agentInstances: instances,
    agentMetrics: AGENT_TIERS.reduce((sum, t) => sum + instances[t] * agentMetricsOf(t).perInstance + agentMetricsOf(t).aggregates, 0),
    mskEnhancedMonitoring: MSK_ENHANCED_MONITORING,
    mskMetrics,
    flinkMetricsLevel: FLINK_METRICS_LEVEL,
    flinkLogLevel: FLINK_LOG_LEVEL,
    flinkMetrics: flinkLevelMetrics(FLINK_METRICS_LEVEL),
    logGroups,
    accessLogs: {
      linesPerMonth,
      compressedBytesPerLine: ACCESS_LOG_COMPRESSED_BYTES_PER_LINE,
      bytesPerMonth,
      expirationDays: ACCESS_LOG_DAYS,
      noncurrentDays: ACCESS_LOG_NONCURRENT_DAYS,
      storedBytes: accessLogStoredBytes(bytesPerMonth, ACCESS_LOG_DAYS, ACCESS_LOG_NONCURRENT_DAYS),
    },
  };
}

/** Bytes an access-log bucket holds in steady state under its lifecycle. */
export function accessLogStoredBytes(bytesPerMonth: number, expirationDays: number, noncurrentDays: number): number {
  return (bytesPerMonth * (expirationDays + noncurrentDays)) / DAYS_PER_MONTH;
}
