import type { CapacityConfig } from '../config/schema';
import { CapacityConfigError } from './errors';
import { EC2_INSTANCE_TYPES } from '../catalog/instance-types';
import type { AzLossPlan, RedundancyPlan } from './redundancy';
import { BYTES_PER_GB, SECONDS_PER_DAY } from './units';
import type { WorkloadPlan } from './workload';

/**
 * InfluxDB holds what the Flink job writes: one aggregate row (count, min, max, sum, mean, last) per
 * series per window, plus alerts. Raw points are not stored there; they stay replayable in Kafka
 * for kafka.retentionHours.
 */
export interface InfluxPlan {
  readonly instanceType: string;
  readonly shards: number;
  readonly replicationFactor: number;
  readonly nodes: number;
  readonly aggregateRowsPerSecond: number;
  /** Rows each node writes per second (every shard is written to all of its replicas). */
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

/** A replaced node's new address reaches the Flink sink within a minute. */
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
  const nodes = shards * influx.replicationFactor;
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

  // Nodes go round robin over the AZs (lib/influx-stack.ts), so up to AZs nodes sit in distinct AZs.
  // The Flink sink's hash ring picks RF distinct nodes per series without regard to AZ, so with more
  // nodes than AZs one AZ (ceil(nodes / AZs) nodes) can hold that many replicas of a series.
  const azs = config.availabilityZones;
  const replicasLeft = influx.replicationFactor - Math.min(influx.replicationFactor, Math.ceil(nodes / azs));
  if (redundancy.staticStabilityRequired && influx.replicationFactor < 2) {
    throw new CapacityConfigError(
      env,
      'influx.replicationFactor',
      `(${influx.replicationFactor}) loses every copy of a shard with its AZ, which redundancy.availabilityTarget ${redundancy.availabilityTarget} does not allow: keep a replica of every shard in each AZ`,
    );
  }
  const azLoss: AzLossPlan = {
    survives: replicasLeft >= 1,
    // The sink writes every replica of a series and fails its checkpoint when one cannot be written.
    staticallyStable: false,
    utilizationAfterLoss: null,
    detail:
      replicasLeft >= 1
        ? `${replicasLeft} of ${influx.replicationFactor} replicas of every series left serve queries; writes pause (the Flink sink needs every replica, the points wait in Kafka) until the node is back`
        : influx.replicationFactor < 2
          ? `a single replica per shard: its data is unavailable until the AZ is back`
          : `${nodes} nodes over ${azs} AZs and an AZ-unaware hash ring in the Flink sink: all ${influx.replicationFactor} replicas of a series can sit in one AZ and be unavailable with it`,
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
    nodes,
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
