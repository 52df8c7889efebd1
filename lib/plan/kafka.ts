import type { CapacityConfig } from '../capacity-config';
import { MAX_MESSAGE_BYTES } from '../topics';
import { CapacityConfigError } from './errors';
import { MSK_BROKER_TYPES, MSK_MAX_STORAGE_GIB, MSK_MIN_STORAGE_GIB } from './instance-types';
import { replicasLeft, survivorsOf, pct, type AzLossPlan, type RedundancyPlan } from './redundancy';
import { BYTES_PER_GIB, SECONDS_PER_HOUR, roundUpToMultiple } from './units';
import type { WorkloadPlan } from './workload';

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
  readonly storagePerBrokerGiB: number;
  /** Retained bytes on one broker at full retention. */
  readonly retainedBytesPerBroker: number;
  readonly azLoss: AzLossPlan;
}

export interface KafkaPlan extends KafkaBrokersPlan {
  readonly partitions: number;
  /** Alerts are a trickle: one partition per broker keeps their leadership spread. */
  readonly alertsTopicPartitions: number;
  /** Partition replicas (leaders and followers) hosted by each broker. */
  readonly partitionReplicasPerBroker: number;
  readonly maxPartitionsPerBroker: number;
  /** The topics' max.message.bytes; the ingest service packs records under it. */
  readonly maxMessageBytes: number;
}

/**
 * Brokers: at least the replication factor and what the replica write rate needs, rounded up to a
 * multiple of the AZ count (MSK places the same number of brokers in every AZ).
 * Storage per broker: peak bytes x retention x replication / brokers, over the target utilization.
 *
 * Losing an AZ takes its brokers and, with replicas spread over the AZs, ceil(RF / AZs) replicas of
 * every partition. MSK spreads brokers evenly over the AZs (BrokerAZDistribution DEFAULT); that the
 * replicas follow the AZs assumes MSK's brokers carry their AZ as broker.rack, which we have not found
 * in AWS's documentation (with 3 brokers and RF 3 it holds regardless). The followers lost are no
 * longer written, so each surviving broker writes what it wrote before while leadership moves to it. Where the target
 * requires static stability, that load stays within the AZ-loss utilization and the replicas left
 * satisfy min ISR, so acks=all producers keep writing.
 */
export function planKafkaBrokers(config: CapacityConfig, workload: WorkloadPlan, redundancy: RedundancyPlan): KafkaBrokersPlan {
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
  const retainedBytesPerBroker = (producedBytesPerSecond * kafka.retentionHours * SECONDS_PER_HOUR * kafka.replicationFactor) / brokers;
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
    storagePerBrokerGiB,
    retainedBytesPerBroker,
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
    ...brokers, partitions, alertsTopicPartitions: brokers.brokers, partitionReplicasPerBroker, maxPartitionsPerBroker, maxMessageBytes: MAX_MESSAGE_BYTES,
  };
}
