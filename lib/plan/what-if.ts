import type { CapacityConfig, PricingModel } from '../config/schema';
import { firstAvailabilityZoneIds } from './availability-zones';
import { withMeasuredCapacities } from './measurements';
import type { ClientNetwork, RequestCompression } from './transfer';

/** What-if changes a reviewer can apply to a config from the command line. */
export interface WhatIf {
  /** Average metrics/s; reached by changing the number of monitored servers. */
  readonly metricsPerSecond?: number;
  readonly region?: string;
  readonly pricing?: PricingModel;
  /** `measured`: plan at our benchmark figures instead of the planning values. */
  readonly capacity?: 'planned' | 'measured';
  /** Points per HTTP request: how agents batch. */
  readonly metricsPerRequest?: number;
  /** Request body encoding on the wire. */
  readonly compression?: RequestCompression;
  /** Where the clients sit (internet, same-region, private). */
  readonly clientNetwork?: ClientNetwork;
  /** Request bytes per point, HTTP headers included (a batch shares one set of headers). */
  readonly bytesPerMetric?: number;
}

/**
 * Telegraf's defaults: `metric_batch_size = 1000`, `flush_interval = "10s"`, and its InfluxDB
 * output's `content_encoding = "gzip"`. An agent flushes when the batch is full or the interval
 * ends, so at 10 metrics/s a request carries 100 points, not 1,000.
 * @see https://docs.influxdata.com/telegraf/v1/configuration/#agent
 */
export const TELEGRAF_DEFAULTS = { metricBatchSize: 1_000, flushIntervalSeconds: 10, compression: 'gzip', bytesPerMetric: 60 } as const;

/** The what-if of agents running Telegraf's defaults: points per request from the flush, gzip, line protocol. */
export function telegrafDefaults(config: CapacityConfig, batchFull = false): WhatIf {
  const perFlush = Math.round(config.workload.metricsPerServerPerSecond * TELEGRAF_DEFAULTS.flushIntervalSeconds);
  return {
    metricsPerRequest: batchFull ? TELEGRAF_DEFAULTS.metricBatchSize : Math.max(1, Math.min(TELEGRAF_DEFAULTS.metricBatchSize, perFlush)),
    compression: TELEGRAF_DEFAULTS.compression,
    // Line protocol is ~60 B a point (as dev and staging plan); the headers are shared by the batch.
    bytesPerMetric: TELEGRAF_DEFAULTS.bytesPerMetric,
  };
}

/** A copy of the config with the what-ifs applied; validation happens when it is planned. */
export function applyWhatIf(config: CapacityConfig, whatIf: WhatIf): CapacityConfig {
  const base = whatIf.capacity === 'measured' ? withMeasuredCapacities(config) : config;
  const movesRegion = whatIf.region !== undefined && whatIf.region !== base.region;
  const w = base.workload;
  return {
    ...base,
    region: whatIf.region ?? base.region,
    // AZ IDs are per region: in another region, plan over its first ones.
    availabilityZoneIds: movesRegion ? firstAvailabilityZoneIds(whatIf.region!, base.availabilityZones) : base.availabilityZoneIds,
    pricing: whatIf.pricing ?? base.pricing,
    workload: {
      ...w,
      monitoredServers: whatIf.metricsPerSecond === undefined ? w.monitoredServers : Math.ceil(whatIf.metricsPerSecond / w.metricsPerServerPerSecond),
      metricsPerRequest: whatIf.metricsPerRequest ?? w.metricsPerRequest,
      requestCompression: whatIf.compression ?? w.requestCompression,
      clientNetwork: whatIf.clientNetwork ?? w.clientNetwork,
      bytesPerMetric: whatIf.bytesPerMetric ?? w.bytesPerMetric,
    },
  };
}
