/**
 * The provisioned dashboards' panels and their InfluxQL queries: read from grafana/dashboards/*.json,
 * checked against the data model (test/grafana/provisioning.test.ts) and run, with Grafana's macros
 * substituted, against an InfluxDB replica by the e2e (scripts/e2e/grafana-panels.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface PanelQuery {
  readonly dashboard: string;
  readonly panel: string;
  readonly refId: string;
  readonly query: string;
}

export interface Dashboard {
  readonly file: string;
  readonly uid?: string;
  readonly title?: string;
  readonly panels?: readonly { readonly id?: number; readonly title?: string; readonly targets?: readonly { readonly refId?: string; readonly query?: string; readonly rawQuery?: boolean }[] }[];
}

export function loadDashboards(dir: string): Dashboard[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, ...(JSON.parse(readFileSync(join(dir, file), 'utf8')) as Omit<Dashboard, 'file'>) }));
}

export function panelQueries(dashboards: readonly Dashboard[]): PanelQuery[] {
  return dashboards.flatMap((d) =>
    (d.panels ?? []).flatMap((p) => (p.targets ?? []).map((t) => ({ dashboard: d.uid ?? d.file, panel: p.title ?? String(p.id), refId: t.refId ?? '', query: t.query ?? '' }))),
  );
}

/**
 * Grafana's InfluxQL macros as its InfluxDB datasource expands them: `$timeFilter` to a time range in
 * epoch milliseconds, `$__interval` (and `$interval`) to the panel's interval.
 * @see https://grafana.com/docs/grafana/latest/datasources/influxdb/template-variables/
 */
export function substituteMacros(query: string, range: { readonly fromMs: number; readonly toMs: number }, intervalMs: number): string {
  return query
    .replaceAll('$timeFilter', `time >= ${range.fromMs}ms and time <= ${range.toMs}ms`)
    .replaceAll('$__interval_ms', String(intervalMs))
    .replaceAll('$__interval', `${intervalMs}ms`)
    .replaceAll('$interval', `${intervalMs}ms`);
}

/** The measurement, fields and tags a query names (double-quoted identifiers; the panels quote every one). */
export function queryReferences(query: string): { measurements: string[]; selected: string[]; tags: string[] } {
  const from = /\bFROM\s+((?:"[^"]+"\s*,?\s*)+)/i.exec(query);
  const measurements = from ? [...from[1].matchAll(/"([^"]+)"/g)].map((m) => m[1]) : [];
  const select = /^\s*SELECT\s+(.*?)\s+FROM\b/is.exec(query)?.[1] ?? '';
  // Quoted identifiers in SELECT, except the names after AS.
  const selected = [...select.replace(/\bAS\s+"[^"]+"/gi, '').matchAll(/"([^"]+)"/g)].map((m) => m[1]);
  const where = /\bWHERE\s+(.*?)(?:\bGROUP BY\b|$)/is.exec(query)?.[1] ?? '';
  const groupBy = /\bGROUP BY\s+(.*?)(?:\bfill\(|\bLIMIT\b|$)/is.exec(query)?.[1] ?? '';
  const tags = [...`${where} ${groupBy}`.matchAll(/"([^"]+)"/g)].map((m) => m[1]);
  return { measurements, selected, tags };
}
