import type { CapacityConfig } from '../config/schema';

/** The load every tier is sized for, derived from the workload section of the config. */
export interface WorkloadPlan {
  readonly averageMetricsPerSecond: number;
  readonly peakMetricsPerSecond: number;
  readonly peakRequestsPerSecond: number;
  readonly activeSeries: number;
  /** Client connections held open at once: one keep-alive connection per monitored server. */
  readonly activeConnections: number;
}

export function planWorkload(config: CapacityConfig): WorkloadPlan {
  const w = config.workload;
  const averageMetricsPerSecond = w.monitoredServers * w.metricsPerServerPerSecond;
  const peakMetricsPerSecond = averageMetricsPerSecond * w.peakFactor;
  return {
    averageMetricsPerSecond,
    peakMetricsPerSecond,
    peakRequestsPerSecond: peakMetricsPerSecond / w.metricsPerRequest,
    activeSeries: w.monitoredServers * w.seriesPerServer,
    activeConnections: w.monitoredServers,
  };
}
