/**
 * Alarm thresholds from the reference document's "Monitoring & Alerting" section: the one place
 * they live. They reach the CloudWatch alarms on our own hosts (lib/monitoring-stack.ts) and, as
 * the `alerts` property group, the Flink job's alert rules on the monitored fleet
 * (`flinkAlertProperties`, lib/flink-stack.ts).
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

/**
 * The Flink job's built-in alert rules (services/flink-job JobConfig.defaultRules) and the
 * threshold each takes; a rule's "for" is how long its condition holds before it fires, the same
 * minutes a CloudWatch alarm counts. Its latency rule reads milliseconds.
 */
const FLINK_RULES: Record<string, { readonly threshold: Partial<WarningAndCritical>; readonly scale: number }> = {
  cpu: { threshold: THRESHOLDS.cpuPercent, scale: 1 },
  memory: { threshold: THRESHOLDS.memoryPercent, scale: 1 },
  disk: { threshold: THRESHOLDS.diskPercent, scale: 1 },
  error_rate: { threshold: THRESHOLDS.errorRatePercent, scale: 1 },
  latency_p99: { threshold: THRESHOLDS.p99LatencySeconds, scale: 1000 },
};

/** The `alerts` property group of the Flink application: every rule with the thresholds above. */
export function flinkAlertProperties(): Record<string, string> {
  const props: Record<string, string> = { rules: Object.keys(FLINK_RULES).join(',') };
  for (const [rule, { threshold, scale }] of Object.entries(FLINK_RULES)) {
    for (const level of ['warning', 'critical'] as const) {
      const t = threshold[level];
      // A level the rule does not have is "none" (the job would otherwise keep its default).
      props[`rule.${rule}.${level}`] = t ? String(t.value * scale) : 'none';
      if (t) props[`rule.${rule}.${level}.for`] = `${t.minutes} min`;
    }
  }
  return props;
}
