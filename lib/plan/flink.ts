import type { CapacityConfig } from '../config/schema';
import { pct, type AzLossPlan, type RedundancyPlan } from './redundancy';
import { roundUpToMultiple } from './units';
import type { WorkloadPlan } from './workload';

/** Managed Flink bills one extra KPU per application for orchestration. */
export const ORCHESTRATION_KPUS = 1;
/** Managed Flink gives every KPU 50 GB of running application storage, billed per GB-month. */
export const RUNNING_STORAGE_GB_PER_KPU = 50;

export interface FlinkStartPlan {
  /** The provider framework re-invokes isComplete this often while the application starts. */
  readonly pollSeconds: number;
  /** Managed Flink starts in minutes; an application not RUNNING after this has failed the deploy. */
  readonly timeoutMinutes: number;
  /** Each handler call (one DescribeApplication or StartApplication) gets this long. */
  readonly handlerTimeoutSeconds: number;
}

const FLINK_START: FlinkStartPlan = { pollSeconds: 30, timeoutMinutes: 30, handlerTimeoutSeconds: 60 };

/**
 * How often each source subtask writes its pipeline statistics (measurement metricstream_flink:
 * consumer and watermark lag, checkpoints; docs/flink-job.md) to the aggregates topic: at 10 s the
 * dashboard's 1-minute buckets get several points, and at 12 slots that is 1.2 lines/s, nothing next
 * to the aggregates.
 */
const PIPELINE_STATS_SECONDS = 10;

export interface FlinkPlan {
  readonly parallelism: number;
  readonly parallelismPerKpu: number;
  /** KPUs that run the job's slots. */
  readonly kpus: number;
  /** KPUs billed: the job's plus the orchestration KPU. */
  readonly billedKpus: number;
  readonly runningStorageGB: number;
  readonly autoScalingEnabled: boolean;
  readonly windowSeconds: number;
  readonly checkpointIntervalSeconds: number;
  readonly minPauseBetweenCheckpointsSeconds: number;
  /** The job's job.stats.interval: how often each source subtask writes its pipeline statistics. */
  readonly statsIntervalSeconds: number;
  /** How the deploy waits for the application to run (lib/flink-stack.ts, the start custom resource). */
  readonly start: FlinkStartPlan;
  /** Share of the planned per-slot capacity used at peak. */
  readonly utilizationAtPeak: number;
  readonly azLoss: AzLossPlan;
}

/**
 * Parallelism: ceil(peak points/s / per-slot capacity), rounded up to a multiple of the broker count
 * so the topic's partitions (one per slot) spread evenly over the brokers (10 -> 12 in prod).
 */
export function planFlink(config: CapacityConfig, workload: WorkloadPlan, brokers: number, redundancy: RedundancyPlan): FlinkPlan {
  const flink = config.flink;
  const perSlot = flink.pointsPerSecondPerSlot.value;
  const parallelism = roundUpToMultiple(Math.max(1, Math.ceil(workload.peakMetricsPerSecond / perSlot)), brokers);
  const kpus = Math.ceil(parallelism / flink.parallelismPerKpu);
  const utilizationAtPeak = workload.peakMetricsPerSecond / (parallelism * perSlot);
  // KPUs are regional: the service, not we, places them in the application's subnets. It restores a
  // failed job from its latest checkpoint (docs.aws.amazon.com/managed-flink/latest/java/how-fault.html),
  // so nothing is lost while the points wait in Kafka, but it is not static: the job pauses, then catches up.
  const retained = config.kafka.retentionHours * 60 > redundancy.azRecoveryMinutes;
  const azLoss: AzLossPlan = {
    survives: retained,
    staticallyStable: false,
    utilizationAfterLoss: null,
    detail:
      `regional KPUs: the service restarts the job from its last checkpoint (every ${flink.checkpointIntervalSeconds} s) in the AZs left; ` +
      `points wait in Kafka (${config.kafka.retentionHours} h) and are caught up with ${pct(1 / utilizationAtPeak - 1)} headroom over the peak`,
  };
  return {
    parallelism,
    parallelismPerKpu: flink.parallelismPerKpu,
    kpus,
    billedKpus: kpus + ORCHESTRATION_KPUS,
    runningStorageGB: kpus * RUNNING_STORAGE_GB_PER_KPU,
    autoScalingEnabled: flink.autoScalingEnabled,
    windowSeconds: flink.windowSeconds,
    checkpointIntervalSeconds: flink.checkpointIntervalSeconds,
    minPauseBetweenCheckpointsSeconds: flink.minPauseBetweenCheckpointsSeconds,
    statsIntervalSeconds: PIPELINE_STATS_SECONDS,
    start: FLINK_START,
    utilizationAtPeak,
    azLoss,
  };
}
