/**
 * The generated loader config (lib/influx/loader-config.ts) run for real: Telegraf (scripts/telegraf/build.sh,
 * cached), the local broker (npm run kafka:start; never stopped here) and an InfluxDB of this test's own on a
 * free port (started and stopped here). A Flink statistics point and a fleet point go through the aggregates
 * topic into InfluxDB: the statistics point gains loader_lag_ms and the loader tag, the other is unchanged.
 * Run: npx jest --testMatch '**' test/influx/loader-lag.itest.ts
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { PIPELINE_STATS_MEASUREMENT, telegrafLoaderConfig } from '../../lib/influx/loader-config';

jest.setTimeout(240_000);
const ROOT = join(__dirname, '..', '..');
const BROKER = '127.0.0.1:9092';
const DB = 'metrics';
const RP = 'aggregates';

const freePort = () =>
  new Promise<number>((ok, fail) => {
    const s = createServer().once('error', fail).listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
  });

interface Series { name: string; columns: string[]; values: unknown[][] }

let port = 0;
let rpcPort = 0;
let home = '';
let telegraf: ChildProcess | undefined;
const influx = (env: Record<string, string>, script: string) => execFileSync('bash', [join(ROOT, 'scripts', 'influx', script)], { env: { ...process.env, ...env }, stdio: 'pipe' });

async function query(q: string): Promise<Series[]> {
  const res = await fetch(`http://127.0.0.1:${port}/query?db=${DB}&epoch=ms&q=${encodeURIComponent(q)}`, { method: 'POST' });
  const body = (await res.json()) as { results: { series?: Series[]; error?: string }[] };
  if (body.results[0].error) throw new Error(body.results[0].error);
  return body.results[0].series ?? [];
}

beforeAll(async () => {
  port = await freePort();
  rpcPort = await freePort();
  home = mkdtempSync(join(tmpdir(), 'loader-lag-influx-'));
  influx({ INFLUX_PORT: String(port), INFLUX_RPC_PORT: String(rpcPort), INFLUX_HOME: home }, 'start.sh');
  await query(`CREATE DATABASE ${DB}`);
  await query(`CREATE RETENTION POLICY ${RP} ON ${DB} DURATION 1d REPLICATION 1 DEFAULT`);
});

afterAll(() => {
  telegraf?.kill('SIGTERM');
  if (home) influx({ INFLUX_PORT: String(port), INFLUX_RPC_PORT: String(rpcPort), INFLUX_HOME: home }, 'stop.sh');
});

test('the Flink statistics get the loader lag and the loader tag; other points pass unchanged', async () => {
  const bin = execFileSync('bash', [join(ROOT, 'scripts', 'telegraf', 'build.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  const kafka = new Kafka({ brokers: [BROKER], clientId: 'loader-lag-test', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const topic = `loader-lag-${process.pid}-${Date.now()}`;
  const group = `${topic}-loader`;
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  try {
    // The job wrote its statistics 5 s before the loader runs.
    const written = Date.now() - 5_000;
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: [
        { key: `${PIPELINE_STATS_MEASUREMENT},subtask=0`, value: `${PIPELINE_STATS_MEASUREMENT},subtask=0 records_in=3i,kafka_consumer_lag_ms=40i ${written}` },
        { key: 'cpu,host=a', value: `cpu,host=a usage_active_mean=12.5 ${written}` },
      ],
    });
    await producer.disconnect();

    const dir = mkdtempSync(join(tmpdir(), 'loader-lag-'));
    const conf = join(dir, 'loader.conf');
    writeFileSync(conf, telegrafLoaderConfig({
      brokers: [BROKER], topics: [topic], consumerGroup: group, influxUrl: `http://127.0.0.1:${port}`, database: DB,
      retentionPolicy: RP, username: 'loader', passwordEnv: 'LOADER_LAG_PASSWORD', loaderName: 'node-0-1', logFile: join(dir, 'telegraf.log'),
    }));
    const started = Date.now();
    telegraf = spawn(bin, ['--config', conf, '--strict-env-handling'], { stdio: 'ignore', env: { ...process.env, LOADER_LAG_PASSWORD: 'unused' } });

    let stats: Series[] = [];
    let cpu: Series[] = [];
    for (const until = Date.now() + 60_000; Date.now() < until && (stats.length === 0 || cpu.length === 0); ) {
      await new Promise((r) => setTimeout(r, 500));
      stats = await query(`SELECT * FROM "${PIPELINE_STATS_MEASUREMENT}"`);
      cpu = await query('SELECT * FROM "cpu"');
    }
    const loaded = Date.now();
    expect(stats).toHaveLength(1);
    const row = Object.fromEntries(stats[0].columns.map((c, i) => [c, stats[0].values[0][i]]));
    expect(row).toMatchObject({ time: written, loader: 'node-0-1', subtask: '0', records_in: 3, kafka_consumer_lag_ms: 40 });
    // read after it was written and the test started Telegraf, before the test saw it loaded
    expect(row.loader_lag_ms).toBeGreaterThanOrEqual(started - written);
    expect(row.loader_lag_ms).toBeLessThanOrEqual(loaded - written);
    expect(cpu).toHaveLength(1);
    expect(cpu[0].columns.sort()).toEqual(['host', 'time', 'usage_active_mean']);
  } finally {
    telegraf?.kill('SIGTERM');
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.deleteGroups([group]).catch(() => undefined);
    await admin.disconnect();
  }
});
