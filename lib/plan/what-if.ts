import type { CapacityConfig, PricingModel } from '../capacity-config';
import { firstAvailabilityZoneIds } from './availability-zones';
import { withMeasuredCapacities } from './measurements';

/** What-if changes a reviewer can apply to a config from the command line. */
export interface WhatIf {
  /** Average metrics/s; reached by changing the number of monitored servers. */
  readonly metricsPerSecond?: number;
  readonly region?: string;
  readonly pricing?: PricingModel;
  /** `measured`: plan at our benchmark figures instead of the planning values. */
  readonly capacity?: 'planned' | 'measured';
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
  const base = whatIf.capacity === 'measured' ? withMeasuredCapacities(config) : config;
  const movesRegion = whatIf.region !== undefined && whatIf.region !== base.region;
  return {
    ...base,
    region: whatIf.region ?? base.region,
    // AZ IDs are per region: in another region, plan over its first ones.
    availabilityZoneIds: movesRegion ? firstAvailabilityZoneIds(whatIf.region!, base.availabilityZones) : base.availabilityZoneIds,
    pricing: whatIf.pricing ?? base.pricing,
    workload,
  };
}
