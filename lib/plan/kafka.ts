import type { CapacityConfig } from '../capacity-config';
import { MAX_MESSAGE_BYTES } from '../topics';
import { CapacityConfigError } from './errors';
import { MSK_BROKER_TYPES, MSK_MAX_STORAGE_GIB, MSK_MIN_STORAGE_GIB } from './instance-types';
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
 */
export function planKafkaBrokers(config: CapacityConfig, workload: WorkloadPlan): KafkaBrokersPlan {
  const kafka = config.kafka;
  const env = config.environment;
  const replicaWritesPerSecond = workload.peakMetricsPerSecond * kafka.replicationFactor;
  const perBroker = kafka.recordsPerSecondPerBroker.value;
  const brokers =
    kafka.brokers ??
    roundUpToMultiple(Math.max(kafka.replicationFactor, Math.ceil(replicaWritesPerSecond / perBroker)), config.availabilityZones);
  if (kafka.brokers !== undefined && replicaWritesPerSecond > brokers * perBroker) {
    throw new CapacityConfigError(
      env,
      'kafka.brokers',
      `(${brokers}) cannot carry ${Math.round(replicaWritesPerSecond)} replica writes/s at ${perBroker} per broker`,
    );
  }

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
    utilizationAtPeak: replicaWritesPerSecond / (brokers * perBroker),
    producedBytesPerSecond,
    retentionHours: kafka.retentionHours,
    storagePerBrokerGiB,
    retainedBytesPerBroker,
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
  const maxPartitionsPerBroker = MSK_BROKER_TYPES[brokers.brokerInstanceType].maxPartitionsPerBroker;
  if (partitionReplicasPerBroker > maxPartitionsPerBroker) {
    throw new CapacityConfigError(
      env,
      'kafka.partitions',
      `(${partitions}) puts ${partitionReplicasPerBroker} partition replicas on each broker, over the ${maxPartitionsPerBroker} MSK recommends for ${brokers.brokerInstanceType}`,
    );
  }
  return {
    ...brokers, partitions, alertsTopicPartitions: brokers.brokers, partitionReplicasPerBroker, maxPartitionsPerBroker, maxMessageBytes: MAX_MESSAGE_BYTES,
  };
}
