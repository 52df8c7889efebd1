/**
 * Alarm thresholds from the reference document's "Monitoring & Alerting" section. The Flink job's
 * default alert rules use the same figures for the monitored fleet; these are for our own hosts.
 */
export interface Threshold {
  readonly value: number;
  /** Consecutive one-minute periods over the threshold before the alarm fires. */
  readonly minutes: number;
}

export interface WarningAndCritical {
  readonly warning: Threshold;
  readonly critical: Threshold;
}

export const THRESHOLDS = {
  cpuPercent: { warning: { value: 70, minutes: 5 }, critical: { value: 90, minutes: 2 } },
  memoryPercent: { warning: { value: 80, minutes: 5 }, critical: { value: 95, minutes: 2 } },
  diskPercent: { warning: { value: 80, minutes: 5 }, critical: { value: 95, minutes: 2 } },
  p99LatencySeconds: { warning: { value: 0.5, minutes: 5 }, critical: { value: 1, minutes: 2 } },
  errorRatePercent: { critical: { value: 5, minutes: 2 } },
} as const;
