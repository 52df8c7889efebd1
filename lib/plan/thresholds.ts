/**
 * Alarm thresholds from the reference document's "Monitoring & Alerting" section: the one place
 * they live. Through the plan (`plan.alarms`) they reach the CloudWatch alarms on our own hosts
 * (lib/monitoring-stack.ts) and, as the `alerts` property group, the Flink job's alert rules on the
 * monitored fleet (`flinkAlertProperties`, lib/flink-stack.ts).
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
  /** Managed Flink's `downtime` metric (ms the job has not been running): any, for 2 minutes. */
  flinkDowntimeMs: { critical: { value: 0, minutes: 2 } },
} as const;

/** The alarms' metric period: a threshold's `minutes` are this many one-minute evaluation periods. */
export const ALARM_PERIOD_SECONDS = 60;

export interface AlarmPlan {
  readonly periodSeconds: number;
  readonly thresholds: typeof THRESHOLDS;
}

export function planAlarms(): AlarmPlan {
  return { periodSeconds: ALARM_PERIOD_SECONDS, thresholds: THRESHOLDS };
}

/**
 * The `alerts` property group of the Flink application: the job's built-in alert rules
 * (services/flink-job JobConfig.defaultRules), each with its threshold from `thresholds`; a rule's
 * "for" is how long its condition holds before it fires, the same minutes a CloudWatch alarm counts.
 * Its latency rule reads milliseconds.
 */
export function flinkAlertProperties(thresholds: AlarmPlan['thresholds']): Record<string, string> {
  const rules: Record<string, { readonly threshold: Partial<WarningAndCritical>; readonly scale: number }> = {
    cpu: { threshold: thresholds.cpuPercent, scale: 1 },
    memory: { threshold: thresholds.memoryPercent, scale: 1 },
    disk: { threshold: thresholds.diskPercent, scale: 1 },
    error_rate: { threshold: thresholds.errorRatePercent, scale: 1 },
    latency_p99: { threshold: thresholds.p99LatencySeconds, scale: 1000 },
  };
  const props: Record<string, string> = { rules: Object.keys(rules).join(',') };
  for (const [rule, { threshold, scale }] of Object.entries(rules)) {
    for (const level of ['warning', 'critical'] as const) {
      const t = threshold[level];
      // A level the rule does not have is "none" (the job would otherwise keep its default).
      props[`rule.${rule}.${level}`] = t ? String(t.value * scale) : 'none';
      if (t) props[`rule.${rule}.${level}.for`] = `${t.minutes} min`;
    }
  }
  return props;
}
