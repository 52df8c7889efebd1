import type { CapacityConfig } from '../capacity-config';
import { EC2_INSTANCE_TYPES } from './instance-types';
import type { WorkloadPlan } from './workload';

/** The ingest fleet behind the ALB. */
export interface IngestPlan {
  readonly instanceType: string;
  /** Instances the peak request rate needs at the planned per-instance capacity. */
  readonly neededInstances: number;
  readonly spareInstances: number;
  readonly minInstances: number;
  readonly desiredInstances: number;
  readonly maxInstances: number;
  /** Peak requests/s per instance when `desiredInstances` share the load. */
  readonly requestsPerSecondPerInstanceAtPeak: number;
  /** Share of the planned per-instance capacity used at peak with `desiredInstances`. */
  readonly utilizationAtPeak: number;
  readonly volumeGiB: number;
  /** Cluster workers per instance: one per vCPU. */
  readonly workersPerInstance: number;
  /** Instances replaced at a time when the bundle changes: the spares' worth, at least one. */
  readonly rollingUpdateBatchSize: number;
  readonly scaleOutCpuPercent: number;
  readonly scaleInCpuPercent: number;
  /**
   * Default per-key limits of the service, per instance (INGEST_RATE_REQUESTS_PER_SEC and
   * INGEST_RATE_POINTS_PER_SEC; each worker enforces 1/workersPerInstance): the planned peak over the
   * instances the peak needs (spares lost) times `headroom`. Keys in the key store may carry their own.
   */
  readonly keyRateLimit: {
    readonly requestsPerSecondPerInstance: number;
    readonly pointsPerSecondPerInstance: number;
    readonly headroom: number;
  };
}

/**
 * Reference rule: instances = ceil(peak requests/s / per-instance capacity) + spares
 * (100,000 / 10,000 = 10, + 2 = 12); the ASG may grow to ceil(needed x scale-out factor) (20).
 */
export function planIngest(config: CapacityConfig, workload: WorkloadPlan): IngestPlan {
  const ingest = config.ingest;
  const perInstance = ingest.requestsPerSecondPerInstance.value;
  const neededInstances = Math.max(1, Math.ceil(workload.peakRequestsPerSecond / perInstance));
  const desiredInstances = neededInstances + ingest.spareInstances;
  const maxInstances = Math.max(desiredInstances, Math.ceil(neededInstances * ingest.scaleOutFactor));
  const requestsPerSecondPerInstanceAtPeak = workload.peakRequestsPerSecond / desiredInstances;
  return {
    instanceType: ingest.instanceType,
    neededInstances,
    spareInstances: ingest.spareInstances,
    minInstances: desiredInstances,
    desiredInstances,
    maxInstances,
    requestsPerSecondPerInstanceAtPeak,
    utilizationAtPeak: requestsPerSecondPerInstanceAtPeak / perInstance,
    volumeGiB: ingest.volumeGiB,
    workersPerInstance: EC2_INSTANCE_TYPES[ingest.instanceType].vcpus,
    rollingUpdateBatchSize: Math.max(1, ingest.spareInstances),
    scaleOutCpuPercent: ingest.scaleOutCpuPercent,
    scaleInCpuPercent: ingest.scaleInCpuPercent,
    keyRateLimit: {
      requestsPerSecondPerInstance: Math.ceil((workload.peakRequestsPerSecond / neededInstances) * ingest.keyRateLimitHeadroom),
      pointsPerSecondPerInstance: Math.ceil((workload.peakMetricsPerSecond / neededInstances) * ingest.keyRateLimitHeadroom),
      headroom: ingest.keyRateLimitHeadroom,
    },
  };
}
