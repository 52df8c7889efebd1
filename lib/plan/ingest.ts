import type { CapacityConfig } from '../config/schema';
import { EC2_INSTANCE_TYPES } from '../catalog/instance-types';
import { staticallyStableCount, survivorsOf, pct, type AzLossPlan, type RedundancyPlan } from './redundancy';
import { BYTES_PER_GIB } from './units';
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
  /**
   * The disk spool's bound per instance (INGEST_SPOOL_MAX_BYTES, split over the workers): the volume
   * less what the OS, the packages, the bundle and the journal keep on it. While Kafka is unreachable
   * accepted points wait there; a full spool turns /health to 503.
   */
  readonly spoolMaxBytes: number;
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
  /** Period of the CPU metric the step scaling reads; the `...AfterMinutes` are whole periods of it. */
  readonly scalingMetricPeriodSeconds: number;
  readonly scaleOutEvaluationPeriods: number;
  readonly scaleInEvaluationPeriods: number;
  readonly lifecycle: IngestLifecyclePlan;
}

/**
 * How instances join, are checked, leave and are replaced; all durations in seconds. The ALB checks
 * readiness (/health, 503 while starting, draining or with the spool full); the ASG replaces only
 * instances whose service is dead (EC2 checks, and the host's own /live watchdog).
 */
export interface IngestLifecyclePlan {
  readonly healthCheckIntervalSeconds: number;
  readonly healthCheckTimeoutSeconds: number;
  readonly healthyThreshold: number;
  readonly unhealthyThreshold: number;
  /** The ALB keeps in-flight requests this long on a deregistering target. */
  readonly deregistrationDelaySeconds: number;
  /** On SIGTERM /health fails this long before the listener closes, so the ALB stops routing first. */
  readonly drainDelaySeconds: number;
  /** Then in-flight requests get this long (INGEST_DRAIN_TIMEOUT_MS). */
  readonly drainTimeoutSeconds: number;
  /** systemd's TimeoutStopSec: drain delay + drain timeout + the flush of what was accepted. */
  readonly stopTimeoutSeconds: number;
  /**
   * A terminating instance waits at most this long for its spool to reach Kafka before it stops: the
   * longest the termination hook can be held (its global timeout) less the stop and the API calls, so
   * a scale-in or replacement during a Kafka outage keeps the acknowledged points until the broker is
   * back instead of deleting the volume that holds them.
   */
  readonly spoolDrainTimeoutSeconds: number;
  /** While it drains, the host records a heartbeat this often, within terminationHeartbeatSeconds. */
  readonly terminationHeartbeatIntervalSeconds: number;
  /** How often the host reads its lifecycle state and, when terminating, its spool size. */
  readonly lifecyclePollSeconds: number;
  /** Termination lifecycle hook's HeartbeatTimeout; the host completes the hook as soon as its spool is empty. */
  readonly terminationHeartbeatSeconds: number;
  /** A booting instance polls /health this long (every readinessPollSeconds) before its boot fails. */
  readonly readinessTimeoutSeconds: number;
  readonly readinessPollSeconds: number;
  /** CreationPolicy and rolling-update wait for a host's cfn-signal: boot + readiness. */
  readonly signalTimeoutSeconds: number;
  /** EC2 health checks start counting after this (the boot has had its chance to signal). */
  readonly healthCheckGraceSeconds: number;
  /** The host polls /live this often; this many failures in a row mark the instance Unhealthy. */
  readonly livenessIntervalSeconds: number;
  readonly livenessFailures: number;
  /** Rolling update: instances replaced at a time, and kept in service meanwhile (< maxInstances). */
  readonly maxBatchSize: number;
  readonly minInstancesInService: number;
  /** systemd restarts a crashed service after this (RestartSec). */
  readonly serviceRestartSeconds: number;
  /** The ALB closes a client or target connection idle this long (its default; clients keep theirs alive for less). */
  readonly loadBalancerIdleTimeoutSeconds: number;
  /**
   * The service keeps an idle target connection open this long (INGEST_KEEP_ALIVE_TIMEOUT_MS): longer
   * than the ALB's idle timeout, so the ALB, not the target, closes it. A target that closes first
   * races the ALB's next request on that connection, which the client sees as a 502.
   */
  readonly keepAliveTimeoutSeconds: number;
}

// Lifecycle policy: the ALB's checks, the service's drain and the boot allowance.
const HEALTH_CHECK_INTERVAL_SECONDS = 10;
const HEALTH_CHECK_TIMEOUT_SECONDS = 5;
const HEALTH_CHECK_THRESHOLD = 2;
const DEREGISTRATION_DELAY_SECONDS = 30;
const DRAIN_TIMEOUT_SECONDS = 30;
/** After the drain the service flushes its queue to Kafka or the spool (one send timeout, 10 s) and exits. */
const FLUSH_SECONDS = 20;
/**
 * The termination hook's HeartbeatTimeout (at most 7,200 s) and its global timeout: an instance stays
 * in Terminating:Wait at most 48 hours or 100 x HeartbeatTimeout, whichever is smaller, however
 * often it records heartbeats. 30 minutes makes the global timeout the full 48 hours.
 * @see https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_LifecycleHook.html
 */
const TERMINATION_HEARTBEAT_SECONDS = 1_800;
const LIFECYCLE_GLOBAL_TIMEOUT_SECONDS = Math.min(48 * 3_600, 100 * TERMINATION_HEARTBEAT_SECONDS);
const TERMINATION_HEARTBEAT_INTERVAL_SECONDS = TERMINATION_HEARTBEAT_SECONDS / 3;
const LIFECYCLE_POLL_SECONDS = 5;
/** Room for the host's describe/complete calls and a slow API. */
const LIFECYCLE_API_SECONDS = 30;
/** Package install, bundle download and service start on a fresh instance. */
const BOOT_SECONDS = 300;
const READINESS_TIMEOUT_SECONDS = 300;
const READINESS_POLL_SECONDS = 5;
const LIVENESS_INTERVAL_SECONDS = 10;
const LIVENESS_FAILURES = 3;
/**
 * Of an ingest volume, what is not the spool: AL2023 with its packages (~2 GiB), the Node runtime,
 * bundle and CloudWatch agent, and the journal (journald keeps up to 10 % of the file system, 4 GiB at most).
 */
export const INGEST_VOLUME_RESERVE_GIB = 8;
/** The service refuses a spool below 1 MiB; the plan asks for a whole GiB at least. */
export const MIN_SPOOL_GIB = 1;
const SERVICE_RESTART_SECONDS = 2;
/** @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-load-balancer-attributes.html#connection-idle-timeout */
const LOAD_BALANCER_IDLE_TIMEOUT_SECONDS = 60;
/** AWS recommends an application idle timeout larger than the load balancer's (same page as above). */
const KEEP_ALIVE_MARGIN_SECONDS = 5;
/** One-minute CPU (EC2 detailed monitoring), so the step policies count the reference's minutes exactly. */
const SCALING_METRIC_PERIOD_SECONDS = 60;

/**
 * Reference rule: instances = ceil(peak requests/s / per-instance capacity) + spares
 * (100,000 / 10,000 = 10, + 2 = 12); the ASG may grow to ceil(needed x scale-out factor) (20), and
 * at least to the planned fleet plus one rolling-update batch.
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
  const rollingUpdateBatchSize = Math.max(1, desiredInstances - neededInstances);
  // A rolling update keeps the planned fleet in service and adds a batch above it: CloudFormation
  // rejects MinInstancesInService >= MaxSize, so MaxSize leaves room for one batch at least.
  const maxInstances = Math.max(desiredInstances + rollingUpdateBatchSize, Math.ceil(neededInstances * ingest.scaleOutFactor));
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
  const minInstancesInService = desiredInstances;
  const drainDelaySeconds = HEALTH_CHECK_INTERVAL_SECONDS * HEALTH_CHECK_THRESHOLD;
  const stopTimeoutSeconds = drainDelaySeconds + DRAIN_TIMEOUT_SECONDS + FLUSH_SECONDS;
  const signalTimeoutSeconds = BOOT_SECONDS + READINESS_TIMEOUT_SECONDS;
  const lifecycle: IngestLifecyclePlan = {
    healthCheckIntervalSeconds: HEALTH_CHECK_INTERVAL_SECONDS,
    healthCheckTimeoutSeconds: HEALTH_CHECK_TIMEOUT_SECONDS,
    healthyThreshold: HEALTH_CHECK_THRESHOLD,
    unhealthyThreshold: HEALTH_CHECK_THRESHOLD,
    deregistrationDelaySeconds: DEREGISTRATION_DELAY_SECONDS,
    drainDelaySeconds,
    drainTimeoutSeconds: DRAIN_TIMEOUT_SECONDS,
    stopTimeoutSeconds,
    spoolDrainTimeoutSeconds: LIFECYCLE_GLOBAL_TIMEOUT_SECONDS - stopTimeoutSeconds - LIFECYCLE_API_SECONDS,
    lifecyclePollSeconds: LIFECYCLE_POLL_SECONDS,
    terminationHeartbeatSeconds: TERMINATION_HEARTBEAT_SECONDS,
    terminationHeartbeatIntervalSeconds: TERMINATION_HEARTBEAT_INTERVAL_SECONDS,
    readinessTimeoutSeconds: READINESS_TIMEOUT_SECONDS,
    readinessPollSeconds: READINESS_POLL_SECONDS,
    signalTimeoutSeconds,
    healthCheckGraceSeconds: signalTimeoutSeconds,
    livenessIntervalSeconds: LIVENESS_INTERVAL_SECONDS,
    livenessFailures: LIVENESS_FAILURES,
    maxBatchSize: rollingUpdateBatchSize,
    minInstancesInService,
    serviceRestartSeconds: SERVICE_RESTART_SECONDS,
    loadBalancerIdleTimeoutSeconds: LOAD_BALANCER_IDLE_TIMEOUT_SECONDS,
    keepAliveTimeoutSeconds: LOAD_BALANCER_IDLE_TIMEOUT_SECONDS + KEEP_ALIVE_MARGIN_SECONDS,
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
    spoolMaxBytes: (ingest.volumeGiB - INGEST_VOLUME_RESERVE_GIB) * BYTES_PER_GIB,
    workersPerInstance: EC2_INSTANCE_TYPES[ingest.instanceType].vcpus,
    rollingUpdateBatchSize,
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
    scalingMetricPeriodSeconds: SCALING_METRIC_PERIOD_SECONDS,
    scaleOutEvaluationPeriods: Math.ceil((ingest.scaleOutAfterMinutes * 60) / SCALING_METRIC_PERIOD_SECONDS),
    scaleInEvaluationPeriods: Math.ceil((ingest.scaleInAfterMinutes * 60) / SCALING_METRIC_PERIOD_SECONDS),
    lifecycle,
  };
}
