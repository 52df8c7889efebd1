import type { CapacityConfig } from '../capacity-config';
import { EC2_INSTANCE_TYPES } from './instance-types';
import { staticallyStableCount, survivorsOf, pct, type AzLossPlan, type RedundancyPlan } from './redundancy';
import type { WorkloadPlan } from './workload';

/** The ingest fleet behind the ALB. */
export interface IngestPlan {
  readonly instanceType: string;
  /** Instances the peak request rate needs at the planned per-instance capacity (at the scale-out CPU). */
  readonly neededInstances: number;
  /** desired - needed: the configured spares, or what carrying the peak with one AZ gone needs. */
  readonly spareInstances: number;
  /** Instances that must be left after losing an AZ to carry the peak at the AZ-loss utilization. */
  readonly azLossSurvivorsNeeded: number;
  readonly azLoss: AzLossPlan;
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
  readonly scaleOutInstances: number;
  readonly scaleOutAfterMinutes: number;
  readonly scaleInInstances: number;
  readonly scaleInAfterMinutes: number;
  readonly instanceWarmupMinutes: number;
}

/**
 * Reference rule: instances = ceil(peak requests/s / per-instance capacity) + spares
 * (100,000 / 10,000 = 10, + 2 = 12); the ASG may grow to ceil(needed x scale-out factor) (20).
 * The capacity is what an instance carries at the scale-out CPU, so saturation is capacity / that CPU.
 * Where the availability target requires static stability, the fleet is at least the smallest even
 * spread over the AZs whose survivors carry the peak at the AZ-loss utilization of saturation.
 */
export function planIngest(config: CapacityConfig, workload: WorkloadPlan, redundancy: RedundancyPlan): IngestPlan {
  const ingest = config.ingest;
  const azs = config.availabilityZones;
  const peak = workload.peakRequestsPerSecond;
  const perInstance = ingest.requestsPerSecondPerInstance.value;
  const saturationPerInstance = (perInstance * 100) / ingest.scaleOutCpuPercent;
  const neededInstances = Math.max(1, Math.ceil(peak / perInstance));
  const azLossSurvivorsNeeded = Math.max(1, Math.ceil(peak / (saturationPerInstance * redundancy.azLossUtilization)));
  const desiredInstances = Math.max(
    neededInstances + ingest.spareInstances,
    redundancy.staticStabilityRequired ? staticallyStableCount(azLossSurvivorsNeeded, azs) : 0,
  );
  const maxInstances = Math.max(desiredInstances, Math.ceil(neededInstances * ingest.scaleOutFactor));
  const requestsPerSecondPerInstanceAtPeak = peak / desiredInstances;
  const survivors = survivorsOf(desiredInstances, azs);
  const utilizationAfterLoss = survivors > 0 ? peak / survivors / saturationPerInstance : Infinity;
  const carried = utilizationAfterLoss <= redundancy.azLossUtilization;
  const azLoss: AzLossPlan = {
    survives: carried,
    staticallyStable: carried,
    utilizationAfterLoss,
    detail: carried
      ? `${survivors} of ${desiredInstances} instances left carry the peak at ${pct(utilizationAfterLoss)} CPU (limit ${pct(redundancy.azLossUtilization)})`
      : `${survivors} of ${desiredInstances} instances left would need ${pct(utilizationAfterLoss)} CPU, over ${pct(redundancy.azLossUtilization)}: the peak waits for new instances (~${redundancy.azRecoveryMinutes} min)`,
  };
  return {
    instanceType: ingest.instanceType,
    neededInstances,
    spareInstances: desiredInstances - neededInstances,
    azLossSurvivorsNeeded,
    azLoss,
    minInstances: desiredInstances,
    desiredInstances,
    maxInstances,
    requestsPerSecondPerInstanceAtPeak,
    utilizationAtPeak: requestsPerSecondPerInstanceAtPeak / perInstance,
    volumeGiB: ingest.volumeGiB,
    workersPerInstance: EC2_INSTANCE_TYPES[ingest.instanceType].vcpus,
    rollingUpdateBatchSize: Math.max(1, desiredInstances - neededInstances),
    scaleOutCpuPercent: ingest.scaleOutCpuPercent,
    scaleInCpuPercent: ingest.scaleInCpuPercent,
    keyRateLimit: {
      requestsPerSecondPerInstance: Math.ceil((workload.peakRequestsPerSecond / neededInstances) * ingest.keyRateLimitHeadroom),
      pointsPerSecondPerInstance: Math.ceil((workload.peakMetricsPerSecond / neededInstances) * ingest.keyRateLimitHeadroom),
      headroom: ingest.keyRateLimitHeadroom,
    },
    scaleOutInstances: ingest.scaleOutInstances,
    scaleOutAfterMinutes: ingest.scaleOutAfterMinutes,
    scaleInInstances: ingest.scaleInInstances,
    scaleInAfterMinutes: ingest.scaleInAfterMinutes,
    instanceWarmupMinutes: ingest.instanceWarmupMinutes,
  };
}
