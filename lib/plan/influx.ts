import type { CapacityConfig } from '../config/schema';
import { CapacityConfigError } from './errors';
import { EC2_INSTANCE_TYPES } from '../catalog/instance-types';
import { replicasLeft as replicasLeftOf, type AzLossPlan, type RedundancyPlan } from './redundancy';
import { BYTES_PER_GB, SECONDS_PER_DAY } from './units';
import type { WorkloadPlan } from './workload';

/**
 * One InfluxDB node: replica `replica` of shard `shard`, in the AZ at index `az` of the
 * environment's availabilityZoneIds (the private subnet of that index). Node n of the list is the
 * stack's `Node<n>`; its loader's consumer group is loaderConsumerGroup(shard, replica) and it loads
 * aggregatesTopicOfShard(shard, shards) (lib/topics.ts).
 */
export interface InfluxNode {
  readonly shard: number;
  readonly replica: number;
  readonly az: number;
}

/**
 * InfluxDB holds what the Flink job writes: one aggregate row (count, min, max, sum, mean, last) per
 * series per window, plus alerts. Raw points are not stored there; they stay replayable in Kafka
 * for kafka.retentionHours.
 */
export interface InfluxPlan {
  readonly instanceType: string;
  readonly shards: number;
  readonly replicationFactor: number;
  /** The layout the stack builds, node n at index n: shard-major, replica r of every shard in AZ r mod AZs. */
  readonly nodes: readonly InfluxNode[];
  readonly nodeCount: number;
  readonly aggregateRowsPerSecond: number;
  /** Rows each node writes per second (every replica of a shard loads all of the shard's rows). */
  readonly writesPerNodePerSecond: number;
  /** Share of a node's planned write capacity used. */
  readonly writeUtilization: number;
  /** One copy of the data at full retention. */
  readonly storedBytes: number;
  readonly storedBytesPerNode: number;
  readonly instanceStoreGB: number;
  readonly diskUsePercent: number;
  readonly diskWarningPercent: number;
  readonly aggregateRetentionDays: number;
  readonly rootVolumeGiB: number;
  readonly azLoss: AzLossPlan;
  /** Private hosted zone of the nodes' names, in the environment's VPC. */
  readonly zoneName: string;
  /** Stable DNS name of every node, in node order: what other stacks address, never an instance attribute. */
  readonly hostNames: readonly string[];
  readonly dnsTtlSeconds: number;
  /** A booting node polls /ping this long (every readinessPollSeconds) before its boot fails. */
  readonly readinessTimeoutSeconds: number;
  readonly readinessPollSeconds: number;
  /** CreationPolicy: a new node must cfn-signal within this (format, install, start, /ping). */
  readonly signalTimeoutSeconds: number;
  /** Per node, in node order: its generation (influx.nodeGenerations; a raise replaces the node). */
  readonly nodeGenerations: readonly number[];
}

/** A replaced node's new address reaches operators within a minute. */
const DNS_TTL_SECONDS = 60;
const READINESS_TIMEOUT_SECONDS = 300;
const READINESS_POLL_SECONDS = 2;
/** Striping and formatting the instance store and installing the packages. */
const BOOT_SECONDS = 600;

/**
 * Shards: enough that each node's share of one copy of the data stays under the disk warning and
 * its share of the writes under its capacity (or as pinned). Nodes = shards x replication factor.
 */
export function planInflux(config: CapacityConfig, workload: WorkloadPlan, redundancy: RedundancyPlan): InfluxPlan {
  const influx = config.influx;
  const env = config.environment;
  const aggregateRowsPerSecond = workload.activeSeries / config.flink.windowSeconds;
  const storedValuesPerSecond = aggregateRowsPerSecond * influx.valuesPerAggregate;
  const storedBytes = storedValuesPerSecond * influx.aggregateRetentionDays * SECONDS_PER_DAY * influx.bytesPerStoredValue.value;
  const instanceStoreGB = EC2_INSTANCE_TYPES[influx.instanceType].instanceStoreGB;
  const usableBytesPerNode = (instanceStoreGB * BYTES_PER_GB * influx.diskWarningPercent) / 100;
  const perNodeWrites = influx.pointsPerSecondPerNode.value;

  // Each node holds one shard's replica: 1/shards of the data and of the writes.
  const shards =
    influx.shards ?? Math.max(1, Math.ceil(storedBytes / usableBytesPerNode), Math.ceil(aggregateRowsPerSecond / perNodeWrites));
  const azs = config.availabilityZones;
  // The one placement rule: replica r of every shard in AZ r mod AZs, so with RF >= AZs every AZ
  // holds a full copy of every shard.
  const layout: InfluxNode[] = [];
  for (let shard = 0; shard < shards; shard++) {
    for (let replica = 0; replica < influx.replicationFactor; replica++) layout.push({ shard, replica, az: replica % azs });
  }
  const nodes = layout.length;
  const writesPerNodePerSecond = (aggregateRowsPerSecond * influx.replicationFactor) / nodes;
  const storedBytesPerNode = (storedBytes * influx.replicationFactor) / nodes;
  const diskUsePercent = (100 * storedBytesPerNode) / (instanceStoreGB * BYTES_PER_GB);

  if (writesPerNodePerSecond > perNodeWrites) {
    throw new CapacityConfigError(
      env,
      'influx.shards',
      `(${shards}) gives each node ${Math.round(writesPerNodePerSecond)} writes/s, over its ${perNodeWrites}/s capacity`,
    );
  }
  if (diskUsePercent > influx.diskWarningPercent) {
    throw new CapacityConfigError(
      env,
      'influx.shards',
      `(${shards}) fills ${diskUsePercent.toFixed(1)} % of each ${influx.instanceType} instance store with ${influx.aggregateRetentionDays} days of aggregates, over the ${influx.diskWarningPercent} % disk warning: add shards, shorten retention or use a larger i3`,
    );
  }

  // An AZ holds ceil(RF / AZs) replicas of each shard at most (the placement above).
  const replicasLeft = replicasLeftOf(influx.replicationFactor, azs);
  if (redundancy.staticStabilityRequired && influx.replicationFactor < 2) {
    throw new CapacityConfigError(
      env,
      'influx.replicationFactor',
      `(${influx.replicationFactor}) loses every copy of a shard with its AZ, which redundancy.availabilityTarget ${redundancy.availabilityTarget} does not allow: keep a replica of every shard in each AZ`,
    );
  }
  const azLoss: AzLossPlan = {
    survives: replicasLeft >= 1,
    // Every replica loads the shard on its own (its own consumer group): a node or an AZ down stops
    // no other node's writes, and the replicas left serve the reads without anything new launched.
    staticallyStable: replicasLeft >= 1,
    // Each node writes its whole shard whatever the others do: its write load does not change.
    utilizationAfterLoss: replicasLeft >= 1 ? writesPerNodePerSecond / perNodeWrites : null,
    detail:
      replicasLeft >= 1
        ? `${replicasLeft} of ${influx.replicationFactor} replicas of every shard left (replica r in AZ r mod ${azs}), each loading the aggregates topic on its own: writes go on, the NLB sends queries to the nodes left; a returning node catches up from its consumer group's offsets`
        : `a single replica per shard: its data is unavailable until the AZ is back (the aggregates wait in Kafka, its loader catches up)`,
  };
  const generations = influx.nodeGenerations ?? {};
  for (const [node, generation] of Object.entries(generations)) {
    if (!/^\d+$/.test(node) || Number(node) >= nodes) {
      throw new CapacityConfigError(env, `influx.nodeGenerations.${node}`, `names no node: the plan has nodes 0..${nodes - 1}`);
    }
    if (!Number.isInteger(generation) || generation < 0) {
      throw new CapacityConfigError(env, `influx.nodeGenerations.${node}`, `(${generation}) must be a whole number`);
    }
  }

  return {
    instanceType: influx.instanceType,
    shards,
    replicationFactor: influx.replicationFactor,
    nodes: layout,
    nodeCount: nodes,
    aggregateRowsPerSecond,
    writesPerNodePerSecond,
    writeUtilization: writesPerNodePerSecond / perNodeWrites,
    storedBytes,
    storedBytesPerNode,
    instanceStoreGB,
    diskUsePercent,
    diskWarningPercent: influx.diskWarningPercent,
    aggregateRetentionDays: influx.aggregateRetentionDays,
    rootVolumeGiB: influx.rootVolumeGiB,
    azLoss,
    zoneName: `influx.${env}.metricstream.internal`,
    hostNames: Array.from({ length: nodes }, (_, node) => `node-${node}.influx.${env}.metricstream.internal`),
    dnsTtlSeconds: DNS_TTL_SECONDS,
    readinessTimeoutSeconds: READINESS_TIMEOUT_SECONDS,
    readinessPollSeconds: READINESS_POLL_SECONDS,
    signalTimeoutSeconds: BOOT_SECONDS + READINESS_TIMEOUT_SECONDS,
    nodeGenerations: Array.from({ length: nodes }, (_, node) => generations[node] ?? 0),
  };
}
