/**
 * The provisioning files against Grafana's documented format
 * (https://grafana.com/docs/grafana/latest/administration/provisioning/) and the dashboards' queries
 * against the data model InfluxDB holds (lib/grafana/data-model.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ASSET_PATHS } from '../../lib/assets';
import { DATA_MODEL } from '../../lib/grafana/data-model';
import { loadDashboards, panelQueries, queryReferences, substituteMacros } from '../../lib/grafana/panels';
import { INFLUX_DATABASE } from '../../lib/topics';
import { GRAFANA_DASHBOARDS_DIR } from '../../lib/user-data/grafana-node';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const yaml = require('js-yaml') as { safeLoad(text: string): unknown };

const dir = ASSET_PATHS.grafanaDir;
const yamlFiles = (sub: string) =>
  readdirSync(join(dir, 'provisioning', sub))
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => ({ file: f, doc: yaml.safeLoad(readFileSync(join(dir, 'provisioning', sub, f), 'utf8')) as Record<string, unknown> }));
const dashboards = loadDashboards(join(dir, 'dashboards'));

describe('datasources', () => {
  const files = yamlFiles('datasources');
  test('apiVersion 1, each datasource named, typed and with a unique uid', () => {
    expect(files.length).toBeGreaterThan(0);
    const uids: string[] = [];
    for (const { doc } of files) {
      expect(doc.apiVersion).toBe(1);
      for (const ds of doc.datasources as Record<string, unknown>[]) {
        expect(ds).toEqual(expect.objectContaining({ name: expect.any(String), type: expect.any(String), uid: expect.any(String), access: 'proxy' }));
        uids.push(ds.uid as string);
      }
    }
    expect(new Set(uids).size).toBe(uids.length);
  });

  test('the InfluxDB one: InfluxQL at the read NLB as the reader, its password from the environment, never in the file', () => {
    const influx = files.flatMap(({ doc }) => doc.datasources as Record<string, any>[]).find((d) => d.type === 'influxdb')!; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(influx.jsonData.version).toBe('InfluxQL');
    expect(influx.url).toBe('$METRICSTREAM_INFLUX_URL');
    expect(influx.user).toBe('$METRICSTREAM_INFLUX_READER_USER');
    expect(influx.jsonData.dbName).toBe('$METRICSTREAM_INFLUX_DATABASE');
    expect(influx.secureJsonData.password).toBe('$METRICSTREAM_INFLUX_READER_PASSWORD');
    expect(influx.password).toBeUndefined();
  });

  test('every variable the files use is one the boot script writes into the service environment', () => {
    const userData = readFileSync(join(__dirname, '..', '..', 'lib', 'user-data', 'grafana-node.ts'), 'utf8');
    for (const sub of ['datasources', 'dashboards']) {
      for (const f of readdirSync(join(dir, 'provisioning', sub))) {
        for (const [, name] of readFileSync(join(dir, 'provisioning', sub, f), 'utf8').matchAll(/\$\{?([A-Z_][A-Z0-9_]*)\}?/g)) {
          expect({ name, written: userData.includes(`echo "${name}=`) }).toEqual({ name, written: true });
        }
      }
    }
  });
});

describe('dashboards', () => {
  test('a file provider, apiVersion 1, reading the directory the boot script fills', () => {
    const files = yamlFiles('dashboards');
    expect(files.length).toBe(1);
    const { doc } = files[0];
    expect(doc.apiVersion).toBe(1);
    const [provider] = doc.providers as Record<string, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(provider).toMatchObject({ type: 'file', options: { path: '$METRICSTREAM_DASHBOARDS_DIR' } });
    expect(readFileSync(join(__dirname, '..', '..', 'lib', 'user-data', 'grafana-node.ts'), 'utf8')).toContain('echo "METRICSTREAM_DASHBOARDS_DIR=${GRAFANA_DASHBOARDS_DIR}"');
    expect(GRAFANA_DASHBOARDS_DIR).toMatch(/^\//);
  });

  test('fleet, pipeline and alerts: each with a uid, a title and panels; no uid twice', () => {
    expect(dashboards.map((d) => d.uid).sort()).toEqual(['metricstream-alerts', 'metricstream-fleet', 'metricstream-pipeline']);
    for (const d of dashboards) {
      expect(d.title).toEqual(expect.any(String));
      expect(d.panels!.length).toBeGreaterThan(0);
      expect(d.uid!.length).toBeLessThanOrEqual(40); // Grafana's uid limit
    }
    expect(new Set(dashboards.map((d) => d.uid)).size).toBe(dashboards.length);
  });

  test('every panel has one raw InfluxQL query against the provisioned datasource, with a time filter', () => {
    for (const d of dashboards) {
      for (const p of d.panels!) {
        const panel = p as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
        expect({ panel: p.title, uid: panel.datasource?.uid }).toEqual({ panel: p.title, uid: 'metricstream-influxdb' });
        expect(p.targets).toHaveLength(1);
        const [t] = p.targets!;
        expect({ panel: p.title, rawQuery: t.rawQuery }).toEqual({ panel: p.title, rawQuery: true });
        expect(t.query).toMatch(/^SELECT .+ FROM .+ WHERE .*\$timeFilter/);
      }
    }
  });

  test.each(panelQueries(dashboards).map((q) => [`${q.dashboard}: ${q.panel}`, q.query]))('%s queries a measurement, fields and tags InfluxDB holds', (_name, query) => {
    const { measurements, selected, tags } = queryReferences(query);
    expect(measurements).toHaveLength(1);
    const model = DATA_MODEL[measurements[0]];
    expect({ measurement: measurements[0], known: model !== undefined }).toEqual({ measurement: measurements[0], known: true });
    expect(selected.length).toBeGreaterThan(0);
    for (const field of selected) expect({ field, known: model.fields.includes(field) }).toEqual({ field, known: true });
    for (const tag of tags) expect({ tag, known: model.tags.includes(tag) }).toEqual({ tag, known: true });
  });
});

describe('the checks can fail', () => {
  test('a field the data model lacks is found', () => {
    const refs = queryReferences('SELECT mean("usage_busy_mean") FROM "cpu" WHERE "cpu" = \'cpu-total\' AND $timeFilter GROUP BY time($__interval), "host"');
    expect(refs).toEqual({ measurements: ['cpu'], selected: ['usage_busy_mean'], tags: ['cpu', 'host'] });
    expect(DATA_MODEL.cpu.fields).not.toContain('usage_busy_mean');
  });

  test('macros are substituted the way Grafana expands them', () => {
    expect(substituteMacros('SELECT x FROM "cpu" WHERE $timeFilter GROUP BY time($__interval)', { fromMs: 1000, toMs: 2000 }, 60_000)).toBe(
      'SELECT x FROM "cpu" WHERE time >= 1000ms and time <= 2000ms GROUP BY time(60000ms)',
    );
  });

  test('the datasource reads the database the loaders write', () => {
    expect(INFLUX_DATABASE).toBe('metrics');
  });
});
