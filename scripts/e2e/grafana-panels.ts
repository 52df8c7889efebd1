/**
 * The e2e's Grafana part: the pipeline metrics a host's Telegraf would scrape from the ingest service,
 * and every provisioned dashboard panel's query run against a replica (Grafana's macros substituted).
 *
 * Where the pipeline panels' data comes from (docs/e2e.md "Grafana"): each MetricStream host's Telegraf
 * scrapes its service's Prometheus /metrics (`inputs.prometheus`, metric_version = 2: measurement
 * `prometheus`, a field per metric, labels as tags) and writes to MetricStream itself, so the service's
 * own metrics go through ingest, Kafka, Flink and the loaders like any fleet metric. The driver does that
 * scrape here: it reads the real service's /metrics and posts the points in that shape.
 */
import { join } from 'node:path';
import { SOURCE_FIELDS } from '../../lib/grafana/data-model';
import { loadDashboards, panelQueries, substituteMacros, type PanelQuery } from '../../lib/grafana/panels';
import type { Series } from './replicas';

const DASHBOARDS_DIR = join(__dirname, '..', '..', 'grafana', 'dashboards');
const SCRAPED = new Set(SOURCE_FIELDS.prometheus.fields);

/** Escapes a tag key or value of line protocol. */
const tag = (s: string) => s.replace(/([,= \\])/g, '\\$1');

/**
 * Prometheus text exposition -> line protocol as Telegraf's inputs.prometheus (metric_version = 2) writes
 * it: one `prometheus` point per label set, the metric's name as the field, `url` and `host` tags added.
 * Only the metrics the dashboards read are kept.
 */
export function scrapeToLineProtocol(text: string, host: string, url: string, tsMs: number): string {
  const bySeries = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m || !SCRAPED.has(m[1]) || !Number.isFinite(Number(m[3]))) continue;
    const labels = [...(m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map(([, k, v]) => [k, v] as const);
    const tags = [...labels, ['host', host] as const, ['url', url] as const].sort(([a], [b]) => a.localeCompare(b));
    const key = `prometheus,${tags.map(([k, v]) => `${tag(k)}=${tag(v)}`).join(',')}`;
    bySeries.set(key, [...(bySeries.get(key) ?? []), `${m[1]}=${Number(m[3])}`]);
  }
  return [...bySeries].map(([key, fields]) => `${key} ${fields.join(',')} ${tsMs}\n`).join('');
}

export interface PanelResult {
  readonly query: PanelQuery;
  readonly values: number;
  readonly error?: string;
}

/** Runs every panel's query over [fromMs, toMs] at the given interval; a panel has data when some value is not null. */
export async function queryPanels(run: (q: string) => Promise<Series[]>, range: { fromMs: number; toMs: number }, intervalMs: number): Promise<PanelResult[]> {
  const results: PanelResult[] = [];
  for (const query of panelQueries(loadDashboards(DASHBOARDS_DIR))) {
    try {
      const series = await run(substituteMacros(query.query, range, intervalMs));
      // Column 0 is time in time series; a table's rows count whole.
      const values = series.flatMap((s) => s.values.flatMap((row) => row.slice(1))).filter((v) => v !== null && v !== undefined).length;
      results.push({ query, values });
    } catch (e) {
      results.push({ query, values: 0, error: (e as Error).message });
    }
  }
  return results;
}
