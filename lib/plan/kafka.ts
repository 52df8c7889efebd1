import type { CapacityConfig } from '../config/schema';
import { MAX_MESSAGE_BYTES } from '../topics';
import { CapacityConfigError } from './errors';
import { MSK_BROKER_TYPES, MSK_MAX_STORAGE_GIB, MSK_MIN_STORAGE_GIB } from '../catalog/instance-types';
import { replicasLeft, survivorsOf, pct, type AzLossPlan, type RedundancyPlan } from './redundancy';
import type { InfluxPlan } from './influx';
import { BYTES_PER_GIB, SECONDS_PER_DAY, SECONDS_PER_HOUR, roundUpToMultiple } from './units';
import type { WorkloadPlan } from './workload';

/**
 * Bytes one aggregates-line-v1 record (docs/wire-format.md) takes on a broker's disk. An estimate, not
 * a measurement yet: a metrics-topic point measures 140 B stored (KAFKA_STORED_BYTES); an aggregate
 * line carries its series key twice (key and line) and six statistics as text instead of one value,
 * so we plan 400 B. To be replaced by a figure measured on the aggregates topic.
 */
export const AGGREGATE_RECORD_BYTES = 400;
/**
 * How fast a new InfluxDB node puts a backup back (S3 download plus `influxd restore -portable`),
 * bytes/s. A conservative estimate (not measured on an i3): 50 MB/s, well under one i3 NVMe device
 * and the instance's S3 bandwidth, as influxd restore rewrites every shard.
 */
export const INFLUX_RESTORE_BYTES_PER_SECOND = 50e6;
/**
 * How far before the backup's time a restored node's consumer group is reset
 * (scripts/influx/restore.sh --margin-s): more than the backed-up loader's lag when the backup started.
 */
export const RESTORE_RESET_MARGIN_SECONDS = 600;

/**
 * The aggregates topic (every InfluxDB node's source). Its retention must still hold what a node
 * restored from the latest backup has to replay: the rule below, in seconds, rounded up to whole hours.
 */
export interface AggregatesTopicPlan {
  /** Aggregate rows per second (alert events are a trickle and not counted). */
  readonly recordsPerSecond: number;
  readonly bytesPerRecord: number;
  readonly bytesPerSecond: number;
  readonly retentionHours: number;
  /**
   * Retention rule: the backup interval (the latest backup can be that old) + replacing a node (its
   * boot and readiness deadline) + restoring one node's data + the consumer-group reset margin.
   */
  readonly retentionRule: {
    readonly backupIntervalSeconds: number;
    readonly nodeReplaceSeconds: number;
    readonly restoreSeconds: number;
    readonly resetMarginSeconds: number;
  };
}

export function planAggregatesTopic(config: CapacityConfig, influx: InfluxPlan): AggregatesTopicPlan {
  const retentionRule = {
    backupIntervalSeconds: config.backups.intervalDays * SECONDS_PER_DAY,
    nodeReplaceSeconds: influx.signalTimeoutSeconds,
    restoreSeconds: Math.ceil(influx.storedBytesPerNode / INFLUX_RESTORE_BYTES_PER_SECOND),
    resetMarginSeconds: RESTORE_RESET_MARGIN_SECONDS,
  };
  const seconds = Object.values(retentionRule).reduce((a, b) => a + b, 0);
  return {
    recordsPerSecond: influx.aggregateRowsPerSecond,
    bytesPerRecord: AGGREGATE_RECORD_BYTES,
    bytesPerSecond: influx.aggregateRowsPerSecond * AGGREGATE_RECORD_BYTES,
    retentionHours: Math.ceil(seconds / SECONDS_PER_HOUR),
    retentionRule,
  };
}

/** Broker volumes are sized in steps of this many GiB so small load changes do not resize disks. */
export const BROKER_STORAGE_STEP_GIB = 10;

export interface KafkaBrokersPlan {
  readonly brokerInstanceType: string;
  readonly brokers: number;
  readonly brokersPerAz: number;
  readonly replicationFactor: number;
  readonly minInSyncReplicas: number;
  /** Leader and follower writes per second across the cluster at peak. */
  readonly replicaWritesPerSecond: number;
  /** Share of the brokers' planned write capacity used at peak. */
  readonly utilizationAtPeak: number;
  /** Compressed bytes/s producers send (and consumers read) at peak. */
  readonly producedBytesPerSecond: number;
  readonly retentionHours: number;
  readonly aggregates: AggregatesTopicPlan;
  readonly storagePerBrokerGiB: number;
  /** Of retainedBytesPerBroker, the aggregates topic's share (the rest is the metrics topic's). */
  readonly retainedAggregatesBytesPerBroker: number;
  /** Retained bytes on one broker at full retention (metrics and aggregates topics). */
  readonly retainedBytesPerBroker: number;
  readonly azLoss: AzLossPlan;
}

export interface KafkaPlan extends KafkaBrokersPlan {
  readonly partitions: number;
  /** Alerts are a trickle: one partition per broker keeps their leadership spread. */
  readonly alertsTopicPartitions: number;
  /**
   * One per broker too: each node's loader is one consumer reading every partition, so more would
   * not load faster; the job's sink writes any count.
   */
  readonly aggregatesTopicPartitions: number;
  /** Partition replicas (leaders and followers) hosted by each broker. */
  readonly partitionReplicasPerBroker: number;
  readonly maxPartitionsPerBroker: number;
  /** The topics' max.message.bytes; the ingest service packs records under it. */
  readonly maxMessageBytes: number;
}

/**
 * Brokers: at least the replication factor and what the replica write rate needs, rounded up to a
 * multiple of the AZ count (MSK places the same number of brokers in every AZ).
 * Storage per broker: (metrics peak bytes x retention + aggregates bytes x their retention) x
 * replication / brokers, over the target utilization.
 *
 * Losing an AZ takes its brokers and, with replicas spread over the AZs, ceil(RF / AZs) replicas of
 * every partition. MSK spreads brokers evenly over the AZs (BrokerAZDistribution DEFAULT); that the
 * replicas follow the AZs assumes MSK's brokers carry their AZ as broker.rack, which we have not found
 * in AWS's documentation (with 3 brokers and RF 3 it holds regardless). The followers lost are no
 * longer written, so each surviving broker writes what it wrote before while leadership moves to it. Where the target
 * requires static stability, that load stays within the AZ-loss utilization and the replicas left
 * satisfy min ISR, so acks=all producers keep writing.
 */
export function planKafkaBrokers(config: CapacityConfig, workload: WorkloadPlan, redundancy: RedundancyPlan, influx: InfluxPlan): KafkaBrokersPlan {
  const kafka = config.kafka;
  const env = config.environment;
  const azs = config.availabilityZones;
  const replicaWritesPerSecond = workload.peakMetricsPerSecond * kafka.replicationFactor;
  const perBroker = kafka.recordsPerSecondPerBroker.value;
  const required = redundancy.staticStabilityRequired;
  const brokerLimit = perBroker * (required ? redundancy.azLossUtilization : 1);
  const brokers =
    kafka.brokers ?? roundUpToMultiple(Math.max(kafka.replicationFactor, Math.ceil(replicaWritesPerSecond / brokerLimit)), azs);
  if (kafka.brokers !== undefined && replicaWritesPerSecond > brokers * perBroker) {
    throw new CapacityConfigError(
      env,
      'kafka.brokers',
      `(${brokers}) cannot carry ${Math.round(replicaWritesPerSecond)} replica writes/s at ${perBroker} per broker`,
    );
  }

  const left = replicasLeft(kafka.replicationFactor, azs);
  const utilizationAtPeak = replicaWritesPerSecond / (brokers * perBroker);
  const isrHolds = left >= kafka.minInSyncReplicas;
  const carried = isrHolds && utilizationAtPeak <= redundancy.azLossUtilization;
  if (required && !isrHolds) {
    throw new CapacityConfigError(
      env,
      'kafka.minInSyncReplicas',
      `(${kafka.minInSyncReplicas}) cannot be met with one AZ gone: RF ${kafka.replicationFactor} over ${azs} AZs leaves ${left} replica(s) per partition, and redundancy.availabilityTarget ${redundancy.availabilityTarget} requires static stability: raise kafka.replicationFactor or lower min ISR`,
    );
  }
  if (required && !carried) {
    throw new CapacityConfigError(
      env,
      'kafka.brokers',
      `(${brokers}) run at ${pct(utilizationAtPeak)} of their write capacity, which the survivors of an AZ loss carry too, over the ${pct(redundancy.azLossUtilization)} redundancy.azLossUtilization that availabilityTarget ${redundancy.availabilityTarget} requires: add brokers`,
    );
  }
  const survivors = survivorsOf(brokers, azs);
  const azLoss: AzLossPlan = {
    survives: isrHolds,
    staticallyStable: carried,
    utilizationAfterLoss: utilizationAtPeak,
    detail: !isrHolds
      ? `${left} of ${kafka.replicationFactor} replicas per partition left, under min ISR ${kafka.minInSyncReplicas}: acks=all producers stop until the AZ is back`
      : `${left} of ${kafka.replicationFactor} replicas per partition left (min ISR ${kafka.minInSyncReplicas}); ${survivors} of ${brokers} brokers take the leadership at ${pct(utilizationAtPeak)} of their write capacity (limit ${pct(redundancy.azLossUtilization)})`,
  };

  const producedBytesPerSecond = workload.peakMetricsPerSecond * kafka.storedBytesPerRecord.value;
  const aggregates = planAggregatesTopic(config, influx);
  const retainedAggregatesBytes = aggregates.bytesPerSecond * aggregates.retentionHours * SECONDS_PER_HOUR;
  const retainedBytes = producedBytesPerSecond * kafka.retentionHours * SECONDS_PER_HOUR + retainedAggregatesBytes;
  const retainedBytesPerBroker = (retainedBytes * kafka.replicationFactor) / brokers;
  const storagePerBrokerGiB = Math.max(
    MSK_MIN_STORAGE_GIB,
    roundUpToMultiple(retainedBytesPerBroker / kafka.storageTargetUtilization / BYTES_PER_GIB, BROKER_STORAGE_STEP_GIB),
  );
  if (storagePerBrokerGiB > MSK_MAX_STORAGE_GIB) {
    throw new CapacityConfigError(
      env,
      'kafka.retentionHours',
      `(${kafka.retentionHours}) needs ${storagePerBrokerGiB} GiB per broker, over MSK's ${MSK_MAX_STORAGE_GIB} GiB limit: add brokers or shorten retention`,
    );
  }

  return {
    brokerInstanceType: kafka.brokerInstanceType,
    brokers,
    brokersPerAz: brokers / config.availabilityZones,
    replicationFactor: kafka.replicationFactor,
    minInSyncReplicas: kafka.minInSyncReplicas,
    replicaWritesPerSecond,
    utilizationAtPeak,
    producedBytesPerSecond,
    retentionHours: kafka.retentionHours,
    aggregates,
    storagePerBrokerGiB,
    retainedBytesPerBroker,
    retainedAggregatesBytesPerBroker: (retainedAggregatesBytes * kafka.replicationFactor) / brokers,
    azLoss,
  };
}

/** Partitions: one per Flink source slot unless pinned; never fewer than the job's parallelism. */
export function planKafka(config: CapacityConfig, brokers: KafkaBrokersPlan, flinkParallelism: number): KafkaPlan {
  const env = config.environment;
  const partitions = config.kafka.partitions ?? flinkParallelism;
  if (partitions < flinkParallelism) {
    throw new CapacityConfigError(
      env,
      'kafka.partitions',
      `(${partitions}) must be >= the Flink parallelism (${flinkParallelism}): every source slot needs a partition`,
    );
  }
  const partitionReplicasPerBroker = Math.ceil((partitions * brokers.replicationFactor) / brokers.brokers);
  const { maxPartitionsPerBroker, maxPartitionsForUpdates } = MSK_BROKER_TYPES[brokers.brokerInstanceType];
  // Over the recommendation is a warning (lib/plan/index.ts); over the update limit the cluster could
  // no longer be reconfigured or resized, so the plan refuses it.
  if (partitionReplicasPerBroker > maxPartitionsForUpdates) {
    throw new CapacityConfigError(
      env,
      'kafka.partitions',
      `(${partitions}) puts ${partitionReplicasPerBroker} partition replicas on each broker, over the ${maxPartitionsForUpdates} above which MSK refuses configuration updates and resizing of ${brokers.brokerInstanceType} (recommended: ${maxPartitionsPerBroker}): use fewer partitions, more or larger brokers`,
    );
  }
  return {
    ...brokers, partitions, alertsTopicPartitions: brokers.brokers, aggregatesTopicPartitions: brokers.brokers, partitionReplicasPerBroker, maxPartitionsPerBroker, maxMessageBytes: MAX_MESSAGE_BYTES,
  };
}
