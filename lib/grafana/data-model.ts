/**
 * What the dashboards may query: the measurements InfluxDB holds and their fields, as the loaders
 * write them from the aggregates topic (docs/wire-format.md "aggregates-line-v1", docs/flink-job.md).
 * test/grafana/provisioning.test.ts checks every panel's query against this, and the e2e runs each
 * query against a replica (scripts/e2e/grafana-panels.ts).
 */

import { PIPELINE_STATS_MEASUREMENT } from '../influx/loader-config';

/** The statistics the Flink job writes per numeric field and window: `<field>_count`, `<field>_min`, ... */
export const AGGREGATE_STATS = ['count', 'min', 'max', 'sum', 'mean', 'last'] as const;

const aggregated = (fields: readonly string[]): string[] => fields.flatMap((f) => AGGREGATE_STATS.map((s) => `${f}_${s}`));

/**
 * The fleet's Telegraf inputs (cpu with report_active, mem, disk, system), and the MetricStream hosts'
 * own service metrics: each host's Telegraf scrapes its service's Prometheus /metrics (`inputs.prometheus`,
 * metric_version = 2: measurement `prometheus`, one field per metric, labels as tags) and writes to
 * MetricStream like any fleet metric, so they are aggregated and loaded the same way.
 */
export const SOURCE_FIELDS: Readonly<Record<string, { readonly tags: readonly string[]; readonly fields: readonly string[] }>> = {
  cpu: { tags: ['host', 'cpu'], fields: ['usage_active', 'usage_user', 'usage_system', 'usage_idle'] },
  mem: { tags: ['host'], fields: ['used_percent', 'available_percent', 'used'] },
  disk: { tags: ['host', 'path'], fields: ['used_percent', 'free'] },
  system: { tags: ['host'], fields: ['load1', 'n_cpus'] },
  prometheus: {
    tags: ['host', 'url', 'route', 'status'],
    fields: ['ingest_requests_total', 'ingest_points_accepted_total', 'ingest_spool_bytes', 'ingest_kafka_up', 'ingest_request_duration_p99_seconds'],
  },
};

/** Measurement -> tags and fields as stored in InfluxDB. */
export const DATA_MODEL: Readonly<Record<string, { readonly tags: readonly string[]; readonly fields: readonly string[] }>> = {
  ...Object.fromEntries(Object.entries(SOURCE_FIELDS).map(([m, { tags, fields }]) => [m, { tags, fields: aggregated(fields) }])),
  // The Flink job's own statistics, written as they are (not aggregated), and each loader's lag on them:
  // docs/flink-job.md ("Pipeline statistics"), docs/influx-loader.md.
  [PIPELINE_STATS_MEASUREMENT]: {
    tags: ['subtask', 'loader'],
    fields: ['records_in', 'kafka_consumer_lag_ms', 'watermark_lag_ms', 'checkpoints_completed', 'checkpoints_aborted', 'checkpoint_duration_ms', 'loader_lag_ms'],
  },
  // Alert events: docs/flink-job.md ("Alert event").
  alerts: { tags: ['host', 'rule', 'severity', 'state'], fields: ['value', 'threshold', 'measurement', 'field', 'series', 'reason', 'since'] },
};
