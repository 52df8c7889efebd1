import type { CapacityConfig, PricingModel } from '../capacity-config';

/** What-if changes a reviewer can apply to a config from the command line. */
export interface WhatIf {
  /** Average metrics/s; reached by changing the number of monitored servers. */
  readonly metricsPerSecond?: number;
  readonly region?: string;
  readonly pricing?: PricingModel;
}

/** A copy of the config with the what-ifs applied; validation happens when it is planned. */
export function applyWhatIf(config: CapacityConfig, whatIf: WhatIf): CapacityConfig {
  const workload =
    whatIf.metricsPerSecond === undefined
      ? config.workload
      : {
          ...config.workload,
          monitoredServers: Math.ceil(whatIf.metricsPerSecond / config.workload.metricsPerServerPerSecond),
        };
  return {
    ...config,
    region: whatIf.region ?? config.region,
    pricing: whatIf.pricing ?? config.pricing,
    workload,
  };
}
