/**
 * The end-to-end driver behind `npm run e2e` (scripts/e2e/run.sh starts the services and calls it):
 *
 *   tsx scripts/e2e/e2e.ts prepare    create this run's Kafka topics, start the two InfluxDB replicas with their
 *                                     users and database, write the loaders' and the job's config
 *   tsx scripts/e2e/e2e.ts run        loaders, probe, simulated fleet with the replicas killed and restarted,
 *                                     a mid-run backup, checks, the restore run, summary; exit 1 naming any mismatch
 *   tsx scripts/e2e/e2e.ts teardown   delete this run's topics
 *
 * Settings come from the E2E_* variables run.sh exports. Everything here talks to 127.0.0.1 only.
 *
 * Event time is the point timestamp. The fleet sends round r with timestamp T0 + r s at wall time
 * T0 + r s (Telegraf's 10 s interval compressed to 1 s), and a round starts only after every request
 * of the previous one was answered, so event time in Kafka never goes backwards: no point is late,
 * windows close exactly when a later round arrives (as in production, where the delay is the window
 * plus the out-of-orderness bound), and alerts fire and resolve at known windows.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { gzipSync } from 'node:zlib';
import { Kafka, logLevel } from 'kafkajs';
import { queryPanels, scrapeToLineProtocol } from './grafana-panels';
import * as R from './replicas';
import type { Series } from './replicas';
import { problems, startAgent, stopAgent, tail, type Agent, type TelegrafOutput, type WrittenPoint } from './telegraf';

// ---- the scenario -------------------------------------------------------------------------------

const WINDOW_MS = 5_000; // production: 1 min
const OUT_OF_ORDERNESS_MS = 1_000; // production: 10 s
const ROUND_MS = 1_000; // one report per host per round
const ROUNDS = 40; // 8 windows of fleet data
const TICK_ROUNDS = 3; // trailing rounds of e2e_tick points only: they close the fleet's last window
const TICK_SERIES = 48; // enough distinct keys that every partition gets a tick (the rest is idleness)
// CPU rule durations scaled with the window as in production (warning 5 windows, critical 2 windows);
// thresholds stay the defaults (> 70 warning, > 90 critical).
const WARNING_FOR = '25 s';
const CRITICAL_FOR = '10 s';
/** Hosts at 93–97 % CPU in rounds 10–24 (windows 2–4): critical fires at +20 s, resolves at +30 s. */
const CRITICAL_HOSTS = [3, 7, 8, 150];
const CRITICAL_ROUNDS = [10, 25];
/** Hosts at 78–82 % in rounds 5–34 (windows 1–6): warning fires at +30 s, resolves at +40 s. */
const WARNING_HOSTS = [20, 121];
const WARNING_ROUNDS = [5, 35];
const POLL_MS = 200; // resolution of the delay measurement
/**
 * The InfluxDB tier's faults, by fleet round: replica B's influxd is SIGKILLed, then A's, so both are
 * down while the critical alerts fire and resolve (+20 s, +30 s) and the warnings fire (+30 s); A is
 * restarted, then B, and each one's loader catches up from its committed offsets.
 */
const KILL_B_ROUND = 6;
const KILL_A_ROUND = 12;
const RESTART_A_ROUND = 33;
const RESTART_B_ROUND = 36;
/** A is backed up (once its loader has caught up) from this round on, while the fleet still runs. */
const BACKUP_A_ROUND = 37;
/** The restore rewinds B's group to the backup's time minus this (hosts: 600 s). */
const RESTORE_MARGIN_S = 10;
/** An alert is on time when it is on the Kafka topic within this after its window's end. */
const ALERT_ON_TIME_MS = 10_000;
const METRICS_PARTITIONS = 3;
/** Measurements the fleet sends and their numeric fields (each aggregated into <field>_count). */
const NUMERIC_FIELDS: Record<string, string[]> = {
  cpu: ['usage_active', 'usage_user', 'usage_system', 'usage_idle'],
  mem: ['used_percent', 'available_percent', 'used'],
  disk: ['used_percent', 'free'],
  system: ['load1', 'n_cpus'],
};
const NON_NUMERIC_PER_REQUEST = 2; // system.uptime_format (string), system.up (boolean): not aggregated

// ---- settings from run.sh -----------------------------------------------------------------------

function setting(name: string, fallback?: string): string {
  const v = process.env[name] ?? fallback;
  if (v === undefined || v === '') throw new Fail(`${name} is not set (scripts/e2e/run.sh sets it)`);
  return v;
}

class Fail extends Error {}

const log = (msg: string) => process.stdout.write(`e2e: ${msg}\n`);

// ---- small HTTP helpers (loopback only) ---------------------------------------------------------

interface Reply {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

function request(agent: http.Agent | undefined, url: URL, method: string, headers: http.OutgoingHttpHeaders, body?: Buffer, timeoutMs = 15_000): Promise<Reply> {
  if (url.hostname !== '127.0.0.1') throw new Fail(`refusing non-loopback URL ${url.href}`);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { agent, host: url.hostname, port: url.port, method, path: url.pathname + url.search, headers: body ? { ...headers, 'Content-Length': body.length } : headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
        res.on('error', reject);
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

const database = () => setting('E2E_DB');

/** The two replicas of this run (ports from run.sh). */
function tier(): R.Replica[] {
  const ports = setting('E2E_INFLUX_PORTS').split(' ').map(Number);
  if (ports.length !== 2 || ports.some((p) => !Number.isInteger(p) || p <= 0)) throw new Fail(`E2E_INFLUX_PORTS must be two ports, got ${process.env.E2E_INFLUX_PORTS}`);
  return R.replicas(setting('E2E_RUN_ID'), setting('E2E_WORK'), ports as [number, number]);
}

const usersFile = () => path.join(setting('E2E_WORK'), 'influx-users.json');
const users = (): R.Users => JSON.parse(fs.readFileSync(usersFile(), 'utf8'));

/** A query on replica A (as the read-only user), failing the run on any error. */
async function influxQuery(q: string, replica?: R.Replica): Promise<Series[]> {
  try {
    return await R.query(replica ?? tier()[0], database(), users(), q);
  } catch (e) {
    throw new Fail((e as Error).message);
  }
}

function kafka(): Kafka {
  return new Kafka({ clientId: `e2e-${setting('E2E_RUN_ID')}`, brokers: [setting('E2E_KAFKA')], logLevel: logLevel.ERROR, retry: { retries: 5 } });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

function pct(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN;
}

// ---- prepare / teardown -------------------------------------------------------------------------

async function prepare(): Promise<void> {
  const admin = kafka().admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic: setting('E2E_METRICS_TOPIC'), numPartitions: METRICS_PARTITIONS, replicationFactor: 1 },
        { topic: setting('E2E_ALERTS_TOPIC'), numPartitions: 1, replicationFactor: 1 },
        { topic: setting('E2E_AGGREGATES_TOPIC'), numPartitions: METRICS_PARTITIONS, replicationFactor: 1 },
      ],
    });
  } finally {
    await admin.disconnect();
  }
  const work = setting('E2E_WORK');
  // The replicas: authentication on, an admin, the loader's write-only and the queries' read-only user.
  const u = R.newUsers();
  fs.writeFileSync(usersFile(), JSON.stringify(u), { mode: 0o600 });
  const authFailures: string[] = [];
  for (const r of tier()) {
    R.start(r);
    await R.setup(r, database(), u, true);
    authFailures.push(...(await R.authChecks(r, database(), u)));
    R.writeLoaderConfig(r, work, database(), setting('E2E_KAFKA'), setting('E2E_AGGREGATES_TOPIC'));
  }
  if (authFailures.length) throw new Fail(`InfluxDB authentication:\n  ${authFailures.join('\n  ')}`);
  log(`InfluxDB replicas ${tier().map((r) => `${r.name} on ${r.url}`).join(', ')}: auth on; anonymous query 401, loader query 403, reader write 403, reader query 200 on both`);
  const groups: Record<string, Record<string, string>> = {
    kafka: {
      'bootstrap.servers': setting('E2E_KAFKA'),
      'auth.mode': 'plaintext',
      'metrics.topic': setting('E2E_METRICS_TOPIC'),
      'alerts.topic': setting('E2E_ALERTS_TOPIC'),
      'aggregates.topic': setting('E2E_AGGREGATES_TOPIC'),
      'group.id': `e2e-${setting('E2E_RUN_ID')}`,
      'starting.offsets': 'earliest',
    },
    window: {
      size: `${WINDOW_MS / 1000} s`,
      'out.of.orderness': `${OUT_OF_ORDERNESS_MS / 1000} s`,
      idleness: '10 s',
      // Never reached in this scenario (nothing is late); generous so a stall cannot drop points.
      'allowed.lateness': '5 min',
    },
    alerts: { 'rule.cpu.warning.for': WARNING_FOR, 'rule.cpu.critical.for': CRITICAL_FOR },
    job: { 'checkpoint.interval': '10 s', 'checkpoint.dir': `file://${path.join(work, 'checkpoints')}`, parallelism: '2' },
  };
  const config = Object.entries(groups).map(([PropertyGroupId, PropertyMap]) => ({ PropertyGroupId, PropertyMap }));
  fs.writeFileSync(path.join(work, 'flink-config.json'), JSON.stringify(config, null, 2));
}

async function teardown(): Promise<void> {
  const admin = kafka().admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: [setting('E2E_METRICS_TOPIC'), setting('E2E_ALERTS_TOPIC'), setting('E2E_AGGREGATES_TOPIC')], timeout: 10_000 });
    await admin.deleteGroups(tier().map((r) => r.group)).catch(() => undefined); // best effort: the loaders' groups
  } finally {
    await admin.disconnect();
  }
  // The InfluxDB replicas are this run's own; run.sh stops them and removes their data.
}

// ---- the fleet ----------------------------------------------------------------------------------

type Direct = 'line protocol /write' | 'line protocol /api/v2/write' | 'JSON /api/v1/metrics';
type Protocol = Direct | 'Telegraf outputs.influxdb' | 'Telegraf outputs.influxdb_v2';
const DIRECT: Direct[] = ['line protocol /write', 'line protocol /api/v2/write', 'JSON /api/v1/metrics'];
const PROTOCOLS: Protocol[] = [...DIRECT, 'Telegraf outputs.influxdb', 'Telegraf outputs.influxdb_v2'];
/** Hosts whose reports go through a real Telegraf agent (one per output plugin): a fifth of the fleet. */
const TELEGRAF_OF: Partial<Record<number, TelegrafOutput>> = { 5: 'influxdb', 6: 'influxdb_v2' };
const telegrafOutputOf = (h: number): TelegrafOutput | undefined => TELEGRAF_OF[h % 10];

const hostName = (h: number) => `host-${String(h).padStart(3, '0')}`;
const protocolOf = (h: number): Protocol => {
  const t = telegrafOutputOf(h);
  return t ? `Telegraf outputs.${t}` : DIRECT[h % 3];
};
/** Direct hosts gzip their own bodies; both Telegraf outputs gzip theirs (content_encoding = "gzip"). */
const gzipped = (h: number) => telegrafOutputOf(h) === undefined && h % 4 === 3;
const inRange = (r: number, [from, to]: number[]) => r >= from && r < to;

/** CPU usage_active of host h in round r: 5–54 % normally, the spike hosts above their thresholds. */
function cpuActive(h: number, r: number): number {
  const jitter = ((h + r) % 5) - 2;
  if (CRITICAL_HOSTS.includes(h) && inRange(r, CRITICAL_ROUNDS)) return 95 + jitter;
  if (WARNING_HOSTS.includes(h) && inRange(r, WARNING_ROUNDS)) return 80 + jitter;
  return 5 + ((h * 37) % 40) + ((r * 7 + h) % 11);
}

/** One host's report of one round (4 points, 11 numeric and 2 non-numeric fields) as the request body. */
function report(h: number, r: number, tsMs: number): { path: string; body: Buffer; headers: http.OutgoingHttpHeaders } {
  const host = hostName(h);
  const a = cpuActive(h, r);
  const mem = 30 + ((h * 13 + r) % 40); // < 80: the memory rule must stay quiet
  const disk = 20 + ((h * 17) % 40); // < 80: the disk rule must stay quiet
  const used = 4_000_000_000 + h * 1_000 + r;
  const free = 90_000_000_000 - h * 1_000 - r;
  const load = +(((h % 10) + r / 100) / 4).toFixed(2);
  const proto = protocolOf(h);
  let body: string;
  let urlPath: string;
  const headers: http.OutgoingHttpHeaders = { Authorization: `Token ${setting('E2E_API_KEY')}` };
  if (proto === 'JSON /api/v1/metrics') {
    urlPath = '/api/v1/metrics?db=telegraf&precision=ms';
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify({
      points: [
        { measurement: 'cpu', tags: { cpu: 'cpu-total', host }, fields: { usage_active: a, usage_user: a * 0.7, usage_system: a * 0.3, usage_idle: 100 - a }, time: tsMs },
        { measurement: 'mem', tags: { host }, fields: { used_percent: mem, available_percent: 100 - mem, used: { i: String(used) } }, time: tsMs },
        { measurement: 'disk', tags: { host, path: '/' }, fields: { used_percent: disk, free: { u: String(free) } }, time: tsMs },
        { measurement: 'system', tags: { host }, fields: { load1: load, n_cpus: { i: '4' }, uptime_format: `${h} days, 1:${String(r % 60).padStart(2, '0')}`, up: true }, time: tsMs },
      ],
    });
  } else {
    // Telegraf hosts post to their agent's influxdb_listener, which speaks v1 /write.
    urlPath = proto === 'line protocol /api/v2/write' ? '/api/v2/write?org=e2e&bucket=telegraf&precision=ms' : '/write?db=telegraf&precision=ms';
    headers['Content-Type'] = 'text/plain; charset=utf-8';
    body =
      `cpu,cpu=cpu-total,host=${host} usage_active=${a},usage_user=${a * 0.7},usage_system=${a * 0.3},usage_idle=${100 - a} ${tsMs}\n` +
      `mem,host=${host} used_percent=${mem},available_percent=${100 - mem},used=${used}i ${tsMs}\n` +
      `disk,host=${host},path=/ used_percent=${disk},free=${free}u ${tsMs}\n` +
      `system,host=${host} load1=${load},n_cpus=4i,uptime_format="${h} days, 1:${String(r % 60).padStart(2, '0')}",up=t ${tsMs}\n`;
  }
  let buf = Buffer.from(body);
  if (gzipped(h)) {
    buf = gzipSync(buf);
    headers['Content-Encoding'] = 'gzip';
  }
  return { path: urlPath, body: buf, headers };
}

interface Totals {
  requests: number;
  points: number;
  fieldValues: number;
  nonNumeric: number;
  retries: number;
  perField: Map<string, number>; // "measurement.field" → acknowledged values
  latencies: number[]; // ms from send to 204
}

/**
 * Sends one request until it is answered 204. 429 and 503 are retried (the service stored nothing
 * and says when to come back, as Telegraf would); any other answer, or no answer at all (the points
 * may or may not have landed, so the exact count could not be checked), fails the run.
 */
async function sendAcked(agent: http.Agent, base: URL, what: string, req: { path: string; body: Buffer; headers: http.OutgoingHttpHeaders }, totals: Totals): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const t0 = performance.now();
    let reply: Reply;
    try {
      reply = await request(agent, new URL(req.path, base), 'POST', req.headers, req.body);
    } catch (e) {
      throw new Fail(`${what}: no answer from the ingest service (${(e as Error).message}); whether its points landed is unknown`);
    }
    if (reply.status === 204) {
      totals.latencies.push(performance.now() - t0);
      return Date.now();
    }
    if ((reply.status === 429 || reply.status === 503) && attempt < 5) {
      totals.retries++;
      await sleep(Math.min(1_000, 1_000 * Number(reply.headers['retry-after'] ?? 1)));
      continue;
    }
    throw new Fail(`${what}: ingest answered ${reply.status} ${reply.body.slice(0, 300)}`);
  }
}

/** Runs fn over items with at most `limit` in flight. */
async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

function tickBody(tsMs: number, kind: string): Buffer {
  const lines: string[] = [];
  for (let i = 0; i < TICK_SERIES; i++) lines.push(`${kind},src=t${i} v=1 ${tsMs}`);
  return Buffer.from(lines.join('\n') + '\n');
}

// ---- liveness of the services run.sh started ----------------------------------------------------

function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** The Telegraf agents of this run (started and stopped by run()). */
let agents: Agent[] = [];

function checkServices(): void {
  for (const [name, v] of [['Flink job', 'E2E_FLINK_PID'], ['ingest service', 'E2E_INGEST_PID']]) {
    const pid = Number(process.env[v]);
    if (pid && !alive(pid)) throw new Fail(`the ${name} (pid ${pid}) exited; see its log in ${setting('E2E_WORK')}`);
  }
  for (const a of agents) {
    if (a.process.exitCode !== null || a.process.signalCode !== null) throw new Fail(`the Telegraf agent (outputs.${a.output}) exited: ${tail(a.logFile)}`);
  }
  for (const l of loaders) {
    if (l.process.exitCode !== null || l.process.signalCode !== null) throw new Fail(`the loader of InfluxDB ${l.replica.name} exited: ${tail(l.logFile)}`);
  }
}

/** The InfluxDB replicas' loaders (started and stopped by run()). */
let loaders: R.Loader[] = [];

/** Whether the group has committed, on every partition of the topic, at least the given end offsets. */
async function caughtUp(admin: ReturnType<Kafka['admin']>, group: string, topic: string, ends: { partition: number; offset: string }[]): Promise<boolean> {
  const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
  return ends.every((e) => Number(committed?.partitions.find((p) => p.partition === e.partition)?.offset ?? -1) >= Number(e.offset));
}

/**
 * Points the Telegraf agents delivered, by "host ts": counted the moment the ingest service answered
 * the agent's write 204 (the observer in telegraf.ts), into the same totals as the direct hosts' points.
 */
class TelegrafDeliveries {
  private readonly acked = new Map<string, number>();
  private readonly waiting = new Map<string, { points: number; resolve: (at: number) => void }>();
  readonly unexpected: string[] = [];

  constructor(private readonly totals: Totals) {}

  onAcked = (points: WrittenPoint[]): void => {
    const now = Date.now();
    for (const p of points) {
      const numeric = NUMERIC_FIELDS[p.measurement];
      if (!numeric || !p.host) {
        this.unexpected.push(`${p.measurement} host=${p.host}`);
        continue;
      }
      this.totals.points++;
      for (const f of p.numeric) {
        this.totals.perField.set(`${p.measurement}.${f}`, (this.totals.perField.get(`${p.measurement}.${f}`) ?? 0) + 1);
        this.totals.fieldValues++;
      }
      this.totals.nonNumeric += p.nonNumeric;
      const key = `${p.host} ${p.tsMs}`;
      const n = (this.acked.get(key) ?? 0) + 1;
      this.acked.set(key, n);
      const w = this.waiting.get(key);
      if (w && n >= w.points) {
        this.waiting.delete(key);
        w.resolve(now);
      }
    }
  };

  /** Resolves with the wall time the last of `points` points of `host` at `tsMs` was acknowledged by ingest. */
  delivered(host: string, tsMs: number, points: number, timeoutMs: number): Promise<number> {
    const key = `${host} ${tsMs}`;
    if ((this.acked.get(key) ?? 0) >= points) return Promise.resolve(Date.now());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(key);
        reject(new Fail(`${key}: Telegraf accepted the report but delivered ${this.acked.get(key) ?? 0} of its ${points} points to ingest within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(key, { points, resolve: (at) => { clearTimeout(timer); resolve(at); } });
    });
  }
}

// ---- run ----------------------------------------------------------------------------------------

interface AlertRow {
  host: string;
  rule: string;
  severity: string;
  state: string;
  reason: string;
  at: number; // window end, ms
  seenAt?: number; // wall ms the event was read from the alerts topic
}

const alertKey = (a: { host: string; rule: string; severity: string; state: string; at: number }, t0: number) =>
  `${a.host} ${a.rule} ${a.state} ${a.severity} at +${(a.at - t0) / 1000} s`;

async function run(): Promise<void> {
  const started = Date.now();
  const replicas = tier();
  const u = users();
  const kafkaAdmin = kafka().admin();
  await kafkaAdmin.connect();
  const deadline = Number(setting('E2E_DEADLINE_MS'));
  const hosts = Number(setting('E2E_HOSTS', '300'));
  if (!Number.isInteger(hosts) || hosts < 151 || hosts > 2000) throw new Fail(`E2E_HOSTS must be 151..2000 (the spike hosts go up to 150), got ${process.env.E2E_HOSTS}`);
  const base = new URL(setting('E2E_INGEST_URL'));
  // One keep-alive connection per host, as each Telegraf agent holds its own.
  const agent = new http.Agent({ keepAlive: true, maxSockets: hosts, maxFreeSockets: hosts });
  const until = (what: string) => {
    if (Date.now() > deadline) throw new Fail(`overall time limit reached while ${what}`);
    checkServices();
  };

  // Alert events on the Kafka topic, collected while the fleet runs. Kafka's own console consumer:
  // the job's producer compresses with LZ4, which kafkajs cannot read.
  const alertEvents: AlertRow[] = [];
  const consumer = spawn('java', ['-Xmx128m', `-Dlog4j2.configurationFile=${setting('E2E_KAFKA_LOG4J')}`, '-cp', `${setting('E2E_KAFKA_LIBS')}/*`,
    'org.apache.kafka.tools.consumer.ConsoleConsumer', '--bootstrap-server', setting('E2E_KAFKA'), '--topic', setting('E2E_ALERTS_TOPIC'), '--from-beginning'],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  const stopConsumer = () => consumer.exitCode === null && consumer.kill('SIGTERM');
  process.on('SIGTERM', () => { stopConsumer(); process.exit(143); });
  readline.createInterface({ input: consumer.stdout }).on('line', (line) => {
    if (!line.startsWith('{')) return; // the tool's own error lines
    const e = JSON.parse(line);
    alertEvents.push({ host: e.host, rule: e.rule, severity: e.severity, state: e.state, reason: e.reason, at: Number(e.ts), seenAt: Date.now() });
  });
  let consumerErr = '';
  consumer.stderr.on('data', (c: Buffer) => { consumerErr = (consumerErr + c.toString()).slice(-2000); });

  const totals: Totals = { requests: 0, points: 0, fieldValues: 0, nonNumeric: 0, retries: 0, perField: new Map(), latencies: [] };
  const deliveries = new TelegrafDeliveries(totals);
  try {
    // 0. The Telegraf agents: each sends its output's start-up calls (outputs.influxdb: CREATE DATABASE).
    const telegraf = setting('E2E_TELEGRAF');
    for (const output of ['influxdb', 'influxdb_v2'] as const) {
      agents.push(await startAgent(telegraf, output, base, setting('E2E_API_KEY'), setting('E2E_WORK'), deliveries.onAcked));
    }
    log(`telegraf: ${agents.map((a) => `outputs.${a.output} agent (pid ${a.process.pid}) listening on ${a.listener.host}`).join(', ')}`);
    // The loaders: one per replica, each with its own consumer group, from the start of the aggregates topic.
    for (const r of replicas) loaders.push(await R.startLoader(telegraf, r, setting('E2E_WORK'), u));
    log(`loaders: ${loaders.map((l) => `InfluxDB ${l.replica.name} (pid ${l.process.pid}, group ${l.replica.group})`).join(', ')}; Telegraf inputs.kafka_consumer -> outputs.influxdb as the write-only user`);

    // 1. Probe: one point a minute in the past plus ticks after it; its window in InfluxDB shows
    // that ingest → Kafka → Flink → InfluxDB is up, so the fleet's delays do not include job start.
    const probeStart = Date.now();
    const tp = Math.floor(Date.now() / WINDOW_MS) * WINDOW_MS - 60_000;
    const headers = { Authorization: `Token ${setting('E2E_API_KEY')}`, 'Content-Type': 'text/plain' };
    const none: Totals = { requests: 0, points: 0, fieldValues: 0, nonNumeric: 0, retries: 0, perField: new Map(), latencies: [] };
    await sendAcked(agent, base, 'probe', { path: '/write?db=e2e&precision=ms', body: Buffer.from(`e2e_probe,src=p v=1 ${tp}\n`), headers }, none);
    await sendAcked(agent, base, 'probe ticks', { path: '/write?db=e2e&precision=ms', body: tickBody(tp + 2 * WINDOW_MS, 'e2e_tick'), headers }, none);
    for (;;) {
      until('waiting for the probe window on both replicas (is the Flink job running? see flink.log, loader-*.log)');
      if ((await influxQuery('SELECT "v_count" FROM "e2e_probe"', replicas[0])).length && (await influxQuery('SELECT "v_count" FROM "e2e_probe"', replicas[1])).length) break;
      await sleep(500);
    }
    log(`pipeline up: probe window queryable on both replicas ${((Date.now() - probeStart) / 1000).toFixed(1)} s after its 204 (includes the job's start)`);

    // 2. The fleet, in real time from a window boundary.
    const t0 = Math.ceil((Date.now() + 1_000) / WINDOW_MS) * WINDOW_MS;
    const sampled = new Set(Array.from({ length: Math.ceil(hosts / 25) }, (_, i) => hostName(i * 25)));
    const samples: { host: string; window: number; ackAt: number }[] = [];
    const firstSeen = new Map<string, number>(); // "host window" → wall ms the window was first queryable
    let polling = true;
    const hostRegex = [...sampled].join('|');
    const poller = (async () => {
      while (polling) {
        const t = Date.now();
        // Replica A; nothing while it is down (its windows are seen once it is back and loaded).
        const got = await R.query(replicas[0], database(), u, `SELECT "usage_active_count" FROM "cpu" WHERE "host" =~ /^(${hostRegex})$/ AND time >= ${t0}ms GROUP BY "host"`, { downOk: true }).catch(() => []);
        for (const s of got) {
          for (const row of s.values) {
            const key = `${s.tags?.host} ${row[0]}`;
            if (!firstSeen.has(key)) firstSeen.set(key, t); // t: the poll was sent no later than this
          }
        }
        await sleep(POLL_MS - (Date.now() - t));
      }
    })();
    const hostList = Array.from({ length: hosts }, (_, h) => h);
    const faults = new Faults(replicas, kafkaAdmin, setting('E2E_AGGREGATES_TOPIC'), path.join(setting('E2E_WORK'), 'backup-A'), database(), t0);
    // The driver's posts to the Telegraf listeners (their latency is not ingest's).
    const telegrafPosts: Totals = { requests: 0, points: 0, fieldValues: 0, nonNumeric: 0, retries: 0, perField: new Map(), latencies: [] };
    let maxLagMs = 0;
    const roundMs: number[] = [];
    const selfMetricTotals: Totals = { requests: 0, points: 0, fieldValues: 0, nonNumeric: 0, retries: 0, perField: new Map(), latencies: [] };
    log(`fleet: ${hosts} hosts x ${ROUNDS} rounds, 1 report (4 points) per host per round, ${ROUND_MS / 1000} s apart; ${WINDOW_MS / 1000} s windows`);
    for (let r = 0; r < ROUNDS + TICK_ROUNDS; r++) {
      const ts = t0 + r * ROUND_MS;
      await sleep(ts - Date.now());
      until(`sending round ${r}`);
      maxLagMs = Math.max(maxLagMs, Date.now() - ts);
      faults.at(r);
      if (r >= ROUNDS) {
        await sendAcked(agent, base, `tick round ${r}`, { path: '/write?db=e2e&precision=ms', body: tickBody(ts, 'e2e_tick'), headers }, none);
        continue;
      }
      const roundStart = Date.now();
      await pool(hostList, hosts, async (h) => {
        const output = telegrafOutputOf(h);
        if (output) {
          // Posted to the agent, then awaited until the agent's writes carrying it were answered 204 by
          // ingest: the round barrier holds for these hosts too, and their points are counted there.
          const a = agents.find((x) => x.output === output)!;
          await sendAcked(agent, a.listener, `${hostName(h)} round ${r} (to its Telegraf agent)`, report(h, r, ts), telegrafPosts);
          a.posted += Object.keys(NUMERIC_FIELDS).length;
          const ackAt = await deliveries.delivered(hostName(h), ts, Object.keys(NUMERIC_FIELDS).length, 10_000);
          if (sampled.has(hostName(h))) samples.push({ host: hostName(h), window: Math.floor(ts / WINDOW_MS) * WINDOW_MS, ackAt });
          return;
        }
        const ackAt = await sendAcked(agent, base, `${hostName(h)} round ${r} (${protocolOf(h)})`, report(h, r, ts), totals);
        totals.requests++;
        for (const [m, fields] of Object.entries(NUMERIC_FIELDS)) {
          totals.points++;
          for (const f of fields) {
            totals.perField.set(`${m}.${f}`, (totals.perField.get(`${m}.${f}`) ?? 0) + 1);
            totals.fieldValues++;
          }
        }
        totals.nonNumeric += NON_NUMERIC_PER_REQUEST;
        if (sampled.has(hostName(h))) samples.push({ host: hostName(h), window: Math.floor(ts / WINDOW_MS) * WINDOW_MS, ackAt });
      });
      roundMs.push(Date.now() - roundStart);
      // Grafana's pipeline panels: a misconfigured agent's write (wrong key: 401, nothing stored), then the
      // service's own /metrics as the host's Telegraf scrapes and writes them back (scripts/e2e/grafana-panels.ts).
      const refused = await request(agent, new URL('/write?db=e2e&precision=ms', base), 'POST', { Authorization: 'Token e2e-wrong-key', 'Content-Type': 'text/plain' }, Buffer.from(`e2e_refused v=1 ${ts}\n`));
      if (refused.status !== 401) throw new Fail(`a write with a wrong API key answered ${refused.status}, expected 401`);
      const scraped = await request(agent, new URL('/metrics', base), 'GET', {});
      if (scraped.status !== 200) throw new Fail(`ingest /metrics answered ${scraped.status}`);
      const selfMetrics = scrapeToLineProtocol(scraped.body, 'e2e-ingest-0', new URL('/metrics', base).href, ts);
      if (selfMetrics) await sendAcked(agent, base, `round ${r} self-metrics`, { path: '/write?db=e2e&precision=ms', body: Buffer.from(selfMetrics), headers }, selfMetricTotals);
    }
    const fleetSeconds = (Date.now() - t0) / 1000;
    agent.destroy();
    // Telegraf: stop the agents (SIGTERM: Telegraf flushes its outputs on exit) and check what they did.
    const telegrafFailures: string[] = [];
    const telegrafSummary: string[] = [];
    let telegrafWrites = 0;
    for (const a of agents) {
      const code = await stopAgent(a);
      const reqs = a.observer.requests;
      const writes = reqs.filter((q) => !q.path.startsWith('/query'));
      const delivered = writes.reduce((n, q) => n + q.points, 0);
      telegrafWrites += writes.length;
      const writePath = a.output === 'influxdb' ? '/write' : '/api/v2/write';
      const scheme = a.output === 'influxdb' ? 'Basic' : 'Token';
      if (code !== 0) telegrafFailures.push(`telegraf outputs.${a.output}: exit ${code === undefined ? 'none within 15 s of SIGTERM (killed)' : code}`);
      for (const q of reqs) if (q.status !== (q.path.startsWith('/query') ? 200 : 204)) telegrafFailures.push(`telegraf outputs.${a.output}: ${q.method} ${q.path} answered ${q.status}${q.query ? ` (${q.query})` : ''}`);
      for (const q of writes) {
        if (!q.path.startsWith(writePath)) telegrafFailures.push(`telegraf outputs.${a.output}: wrote to ${q.path}, expected ${writePath}`);
        if (q.contentEncoding !== 'gzip') telegrafFailures.push(`telegraf outputs.${a.output}: a write without gzip (${q.contentEncoding ?? 'identity'})`);
        if (q.authScheme !== scheme) telegrafFailures.push(`telegraf outputs.${a.output}: authorization ${q.authScheme ?? 'none'}, expected ${scheme}`);
      }
      if (delivered !== a.posted) telegrafFailures.push(`telegraf outputs.${a.output}: ${a.posted} points accepted by its listener, ${delivered} delivered to ingest`);
      const created = reqs.filter((q) => q.query === 'CREATE DATABASE "telegraf"' && q.status === 200).length;
      if (a.output === 'influxdb' && created === 0) telegrafFailures.push('telegraf outputs.influxdb: no CREATE DATABASE "telegraf" answered 200 at start');
      const logged = problems(a);
      for (const line of logged.lines) telegrafFailures.push(`telegraf outputs.${a.output} logged: ${line.slice(0, 300)}`);
      telegrafSummary.push(`outputs.${a.output}: ${writes.length} gzip writes to ${writePath} (${scheme} auth) carrying ${delivered} points, all 204` +
        (a.output === 'influxdb' ? `; CREATE DATABASE answered 200 ${created}x` : '') + `; exit ${code} after SIGTERM; no error or warning logged (${logged.slowFlushes} writes outlasted the 200 ms flush interval)`);
    }
    agents = [];
    for (const u of deliveries.unexpected.slice(0, 5)) telegrafFailures.push(`telegraf delivered a point the fleet never sent: ${u}`);

    // 3. Counts: Σ <field>_count per measurement and field must equal what was acknowledged.
    const measurements = Object.keys(NUMERIC_FIELDS);
    const countQuery = `SELECT sum(/_count$/) FROM ${measurements.map((m) => `"${m}"`).join(',')}`;
    const counted = new Map<string, number>();
    const countedB = new Map<string, number>();
    const readCounts = async (into: Map<string, number>, replica: R.Replica) => {
      into.clear();
      for (const s of await influxQuery(countQuery, replica)) {
        s.columns.forEach((c, i) => {
          if (c.startsWith('sum_') && s.values[0]?.[i] != null) into.set(`${s.name}.${c.slice(4, -'_count'.length)}`, Number(s.values[0][i]));
        });
      }
    };
    const same = (m: Map<string, number>) => m.size === totals.perField.size && [...totals.perField].every(([k, v]) => m.get(k) === v);
    const sameCounts = () => same(counted);
    // Both replicas are back (restarts awaited) and their loaders catch up from their own offsets.
    await faults.settled();
    for (;;) {
      await readCounts(counted, replicas[0]);
      await readCounts(countedB, replicas[1]);
      if (sameCounts() && same(countedB)) break;
      if (Date.now() > deadline - 60_000) break; // leave time for the restore run and the report
      checkServices();
      await sleep(500);
    }
    const countedTotal = [...counted.values()].reduce((a, b) => a + b, 0);
    const countedTotalB = [...countedB.values()].reduce((a, b) => a + b, 0);

    // 4. Alerts: exactly these events, in InfluxDB and on the alerts topic; nothing for other hosts.
    const expected: string[] = [];
    for (const h of CRITICAL_HOSTS) {
      expected.push(alertKey({ host: hostName(h), rule: 'cpu', state: 'firing', severity: 'critical', at: t0 + (CRITICAL_ROUNDS[0] * ROUND_MS) + 2 * WINDOW_MS }, t0));
      expected.push(alertKey({ host: hostName(h), rule: 'cpu', state: 'resolved', severity: 'critical', at: t0 + CRITICAL_ROUNDS[1] * ROUND_MS + WINDOW_MS }, t0));
    }
    for (const h of WARNING_HOSTS) {
      expected.push(alertKey({ host: hostName(h), rule: 'cpu', state: 'firing', severity: 'warning', at: t0 + WARNING_ROUNDS[0] * ROUND_MS + 5 * WINDOW_MS }, t0));
      expected.push(alertKey({ host: hostName(h), rule: 'cpu', state: 'resolved', severity: 'warning', at: t0 + WARNING_ROUNDS[1] * ROUND_MS + WINDOW_MS }, t0));
    }
    expected.sort();
    const influxAlerts = async (replica?: R.Replica): Promise<AlertRow[]> => {
      const rows: AlertRow[] = [];
      for (const s of await influxQuery('SELECT * FROM "alerts"', replica)) {
        const col = (n: string) => s.columns.indexOf(n);
        for (const v of s.values) rows.push({ host: String(v[col('host')]), rule: String(v[col('rule')]), severity: String(v[col('severity')]), state: String(v[col('state')]), reason: String(v[col('reason')]), at: Number(v[col('time')]) });
      }
      return rows;
    };
    const covers = (rows: AlertRow[]) => expected.every((k) => rows.some((a) => alertKey(a, t0) === k));
    let inInflux: AlertRow[] = [];
    for (;;) {
      inInflux = await influxAlerts();
      if ((covers(inInflux) && covers(alertEvents)) || Date.now() > deadline - 10_000) break;
      await sleep(500);
    }
    await sleep(2_000); // one more flush interval: an unexpected alert from the same windows would show now
    inInflux = await influxAlerts();
    const inInfluxB = await influxAlerts(replicas[1]);
    polling = false;
    await poller;

    // 5. The replicas hold the same points: every row of every measurement, compared by digest.
    const dumpA = await R.dump(replicas[0], database(), u);
    const dumpB = await R.dump(replicas[1], database(), u);
    const replicaFailures: string[] = [];
    if (dumpA.digest !== dumpB.digest || dumpA.rows !== dumpB.rows) replicaFailures.push(`replicas differ after the kills: A ${dumpA.rows} rows (${dumpA.digest}), B ${dumpB.rows} rows (${dumpB.digest})`);
    if (!same(countedB)) replicaFailures.push(`counts on replica B: sum of <field>_count ${countedTotalB}, acknowledged ${totals.fieldValues}`);
    const alertKeysB = inInfluxB.map((a) => alertKey(a, t0)).sort();
    if (JSON.stringify(alertKeysB) !== JSON.stringify(inInflux.map((a) => alertKey(a, t0)).sort())) replicaFailures.push(`alerts on replica B (${alertKeysB.length}) differ from A's (${inInflux.length})`);

    // 6. Alerts while both replicas were down: on the topic on time.
    const bothDown = alertEvents.filter((a) => a.at >= faults.bothDownFrom && a.at < faults.aBackAt);
    const lateness = bothDown.map((a) => (a.seenAt ?? Infinity) - a.at).sort((x, y) => x - y);
    if (bothDown.length === 0) replicaFailures.push(`no alert fell in the time both replicas were down (+${(faults.bothDownFrom - t0) / 1000} s .. +${(faults.aBackAt - t0) / 1000} s)`);
    for (const a of bothDown) if ((a.seenAt ?? Infinity) - a.at > ALERT_ON_TIME_MS) replicaFailures.push(`alert ${alertKey(a, t0)} on the topic ${(((a.seenAt ?? Infinity) - a.at) / 1000).toFixed(1)} s after its window's end while both replicas were down (limit ${ALERT_ON_TIME_MS / 1000} s)`);

    // 7. The restore run: wipe B, restore it from A's mid-run backup, reset B's group to the backup's
    // time and let its loader catch up; B must end identical to A.
    const restoreLines: string[] = [];
    if (faults.backupTime) {
      const b = replicas[1];
      const loaderB = loaders.find((l) => l.replica === b)!;
      await R.stopLoader(loaderB);
      loaders = loaders.filter((l) => l !== loaderB);
      R.stop(b, true);
      R.start(b);
      await R.setup(b, database(), u, false);
      const resetTo = R.restore(b, faults.backupDir, database(), setting('E2E_AGGREGATES_TOPIC'), RESTORE_MARGIN_S);
      await R.grant(b, database(), u);
      const fromBackup = await R.dump(b, database(), u);
      const restoredAt = Date.now();
      loaders.push(await R.startLoader(setting('E2E_TELEGRAF'), b, setting('E2E_WORK'), u));
      let after = fromBackup;
      for (;;) {
        after = await R.dump(b, database(), u);
        if (after.digest === dumpA.digest || Date.now() > deadline - 10_000) break;
        checkServices();
        await sleep(500);
      }
      const countedR = new Map<string, number>();
      await readCounts(countedR, b);
      if (after.digest !== dumpA.digest) replicaFailures.push(`restored B: ${after.rows} rows (${after.digest}) after its loader caught up, A ${dumpA.rows} (${dumpA.digest})`);
      if (!same(countedR)) replicaFailures.push('restored B: its counts do not balance');
      restoreLines.push(`restore: A backed up at ${faults.backupTime} (+${((Date.parse(faults.backupTime) - t0) / 1000).toFixed(0)} s, fleet still running; A's loader had committed everything written before +${((faults.caughtUpAt - t0) / 1000).toFixed(1)} s); B wiped, restored from it: ${fromBackup.rows} rows; B's group ${b.group} reset to ${resetTo} (backup time - ${RESTORE_MARGIN_S} s); its loader caught up in ${((Date.now() - restoredAt) / 1000).toFixed(1)} s: ${after.rows} rows (${after.digest}) ${after.digest === dumpA.digest ? '= A exactly' : 'DIFFERENT from A'}, sum of <field>_count ${[...countedR.values()].reduce((x, y) => x + y, 0)}`);
    } else {
      replicaFailures.push(`no backup of A was taken (${faults.backupError ?? 'its loader never caught up'})`);
    }

    // ---- verdict and summary --------------------------------------------------------------------
    const failures: string[] = [...telegrafFailures, ...replicaFailures];
    for (const [k, v] of totals.perField) {
      const got = counted.get(k);
      if (got !== v) failures.push(`count ${k}: acknowledged ${v} values, InfluxDB sum of ${k.split('.')[1]}_count = ${got ?? 'none'}${got !== undefined ? ` (${got - v > 0 ? '+' : ''}${got - v})` : ''}`);
    }
    for (const k of counted.keys()) if (!totals.perField.has(k)) failures.push(`count: InfluxDB has ${k}_count, which the fleet never sent`);
    const influxKeys = inInflux.map((a) => alertKey(a, t0)).sort();
    const kafkaKeys = [...new Set(alertEvents.map((a) => alertKey(a, t0)))].sort();
    const diff = (got: string[]) => [
      ...expected.filter((k) => !got.includes(k)).map((k) => `missing "${k}"`),
      ...got.filter((k) => !expected.includes(k)).map((k) => `unexpected "${k}"`),
    ];
    for (const d of diff(influxKeys)) failures.push(`alerts in InfluxDB: ${d}`);
    for (const d of diff(kafkaKeys)) failures.push(`alerts on Kafka topic: ${d}`);
    if (consumer.exitCode !== null) failures.push(`the alerts topic's console consumer exited (${consumer.exitCode}): ${consumerErr.trim().slice(-300)}`);
    for (const a of [...inInflux, ...alertEvents]) if (a.state === 'resolved' && a.reason !== 'threshold') failures.push(`alert ${alertKey(a, t0)} resolved for "${a.reason}", not by the threshold`);

    const delays: number[] = [];
    const afterLast: number[] = [];
    const lastAck = new Map<string, number>();
    let unseen = 0;
    for (const s of samples) {
      const key = `${s.host} ${s.window}`;
      lastAck.set(key, Math.max(lastAck.get(key) ?? 0, s.ackAt));
      const seen = firstSeen.get(key);
      if (seen === undefined) unseen++;
      else delays.push(seen - s.ackAt);
    }
    const worstPerWindow = new Map<number, number>(); // window start → worst delay after its last point
    for (const [key, ack] of lastAck) {
      const seen = firstSeen.get(key);
      if (seen === undefined) continue;
      afterLast.push(seen - ack);
      const w = Number(key.split(' ')[1]);
      worstPerWindow.set(w, Math.max(worstPerWindow.get(w) ?? 0, seen - ack));
    }
    if (unseen) failures.push(`delay: ${unseen} of ${samples.length} sampled points' windows never became queryable while polling`);
    delays.sort((a, b) => a - b);
    afterLast.sort((a, b) => a - b);
    totals.latencies.sort((a, b) => a - b);
    const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

    const byProto = PROTOCOLS.map((p) => `${hostList.filter((h) => protocolOf(h) === p).length} ${p}`).join(', ');
    log(`fleet sent in ${fleetSeconds.toFixed(1)} s (${ROUNDS} rounds + ${TICK_ROUNDS} tick rounds; a round of ${hosts} requests took p50 ${pct(roundMs.sort((a, b) => a - b), 50)} ms, max ${roundMs[roundMs.length - 1]} ms; max lag behind schedule ${(maxLagMs / 1000).toFixed(2)} s): hosts ${byProto}; ${hostList.filter(gzipped).length} direct hosts gzip`);
    log(`telegraf: ${telegrafSummary.join('; ')}`);
    log(`acknowledged (204): ${totals.requests} direct requests + ${telegrafWrites} Telegraf writes, ${totals.points} points, ${totals.fieldValues} numeric field values (+ ${totals.nonNumeric} string/boolean values, which are not aggregated; e2e_probe/e2e_tick points not counted); retries after 429/503: ${totals.retries}`);
    log(`ingest latency (send -> 204): p50 ${totals.latencies.length ? pct(totals.latencies, 50).toFixed(1) : '-'} ms, p99 ${totals.latencies.length ? pct(totals.latencies, 99).toFixed(1) : '-'} ms`);
    log(`InfluxDB: sum of <field>_count over every series and window of ${measurements.join(', ')} = ${countedTotal} (${sameCounts() ? `equals the acknowledged numeric field values exactly, for each of the ${totals.perField.size} measurement.field pairs` : 'MISMATCH'})`);
    log(`replicas: B SIGKILLed at +${(faults.killedB - t0) / 1000} s, A at +${(faults.bothDownFrom - t0) / 1000} s; A restarted (up at +${((faults.aBackAt - t0) / 1000).toFixed(1)} s), B (up at +${((faults.bBackAt - t0) / 1000).toFixed(1)} s); then A ${dumpA.rows} rows (${dumpA.digest}), B ${dumpB.rows} rows (${dumpB.digest}) ${dumpA.digest === dumpB.digest ? 'identical' : 'DIFFERENT'}; sum of <field>_count A ${countedTotal}, B ${countedTotalB} (acknowledged ${totals.fieldValues}); alerts A ${inInflux.length}, B ${inInfluxB.length}; loader log errors while their InfluxDB was down: ${loaders.map((l) => `${l.replica.name} ${R.loaderErrors(l)}`).join(', ')}`);
    log(`alerts while both replicas were down (+${(faults.bothDownFrom - t0) / 1000} s .. +${((faults.aBackAt - t0) / 1000).toFixed(1)} s): ${bothDown.length} events on the Kafka topic, ${(lateness[lateness.length - 1] / 1000).toFixed(2)} s at most after their window's end (p50 ${(pct(lateness, 50) / 1000).toFixed(2)} s; limit ${ALERT_ON_TIME_MS / 1000} s)`);
    for (const l of restoreLines) log(l);
    log(`alerts: InfluxDB ${inInflux.length} rows, Kafka ${alertEvents.length} events; expected ${expected.length}: ${CRITICAL_HOSTS.map(hostName).join(', ')} critical at +20 s, resolved at +30 s; ${WARNING_HOSTS.map(hostName).join(', ')} warning at +30 s, resolved at +40 s; no other host or rule`);
    log(`delay 204 -> aggregate queryable in InfluxDB (${delays.length} sampled points of ${sampled.size} hosts, polled every ${POLL_MS} ms): p50 ${sec(pct(delays, 50))}, p99 ${sec(pct(delays, 99))}; from a window's last point: p50 ${sec(pct(afterLast, 50))}, p99 ${sec(pct(afterLast, 99))} (a point waits for its ${WINDOW_MS / 1000} s window to end plus the ${OUT_OF_ORDERNESS_MS / 1000} s out-of-orderness bound)`);
    log(`  worst per window after its last point: ${[...worstPerWindow].sort((a, b) => a[0] - b[0]).map(([w, d]) => `+${(w - t0) / 1000}s ${sec(d)}`).join(', ')}`);
    // Every provisioned dashboard panel's query, macros substituted, as the reader on replica A: each must return data.
    const panels = await queryPanels((q) => R.query(replicas[0], database(), u, q), { fromMs: t0 - 2 * WINDOW_MS, toMs: Date.now() }, WINDOW_MS);
    for (const p of panels.filter((x) => x.values === 0)) failures.push(`grafana: ${p.query.dashboard} "${p.query.panel}" returned no data${p.error ? ` (${p.error})` : ''}: ${p.query.query}`);
    log(`grafana: ${panels.length} panels queried, ${panels.filter((x) => x.values > 0).length} returned data (${[...new Set(panels.map((x) => x.query.dashboard))].join(', ')}; ${selfMetricTotals.latencies.length} scrapes of ingest /metrics written back through the pipeline)`);
    fs.writeFileSync(path.join(setting('E2E_WORK'), 'summary.json'), JSON.stringify({
      hosts, rounds: ROUNDS, requests: totals.requests, telegrafWrites, telegraf: telegrafSummary, points: totals.points, fieldValues: totals.fieldValues, countedFieldValues: countedTotal,
      alertsInflux: influxKeys, alertsKafka: kafkaKeys, delayMs: { p50: pct(delays, 50), p99: pct(delays, 99), afterLastP50: pct(afterLast, 50), afterLastP99: pct(afterLast, 99) },
      ingestLatencyMs: { p50: pct(totals.latencies, 50), p99: pct(totals.latencies, 99) }, seconds: (Date.now() - started) / 1000,
    }, null, 2));
    if (failures.length) throw new Fail(`${failures.length} check(s) failed:\n  ${failures.slice(0, 30).join('\n  ')}`);
    log('all checks passed');
  } finally {
    for (const a of agents) await stopAgent(a, 5_000);
    for (const l of loaders) await R.stopLoader(l, 5_000);
    loaders = [];
    await kafkaAdmin.disconnect().catch(() => undefined);
    // Wait for the consumer's JVM (bounded), so no process of ours outlives the driver.
    const exited = new Promise((ok) => (consumer.exitCode !== null ? ok(undefined) : consumer.once('exit', ok)));
    stopConsumer();
    if (!(await Promise.race([exited.then(() => true), sleep(5_000).then(() => false)]))) consumer.kill('SIGKILL');
  }
}

/**
 * Kills, restarts and the mid-run backup of the replicas at their rounds. Restarts and the backup
 * run in the background, so the fleet's rounds keep their schedule.
 */
class Faults {
  killedB = 0;
  bothDownFrom = 0;
  aBackAt = Infinity;
  bBackAt = Infinity;
  backupTime: string | undefined;
  backupError: string | undefined;
  caughtUpAt = 0;
  private restartA: Promise<void> | undefined;
  private readonly pending: Promise<void>[] = [];
  private readonly errors: string[] = [];

  constructor(
    private readonly replicas: R.Replica[],
    private readonly admin: ReturnType<Kafka['admin']>,
    private readonly topic: string,
    readonly backupDir: string,
    private readonly db: string,
    private readonly t0: number,
  ) {}

  at(round: number): void {
    const [a, b] = this.replicas;
    const background = (p: Promise<void>) => this.pending.push(p.catch((e) => { this.errors.push((e as Error).message); }));
    if (round === KILL_B_ROUND) {
      R.kill(b);
      this.killedB = Date.now();
    }
    if (round === KILL_A_ROUND) {
      R.kill(a);
      this.bothDownFrom = Date.now();
    }
    if (round === RESTART_A_ROUND) {
      this.restartA = R.startAsync(a).then(() => { this.aBackAt = Date.now(); });
      background(this.restartA);
    }
    if (round === RESTART_B_ROUND) background(R.startAsync(b).then(() => { this.bBackAt = Date.now(); }));
    if (round === BACKUP_A_ROUND) background(this.backupWhenCaughtUp());
  }

  /** Back up A once its loader has committed everything on the topic a moment ago (bounded). */
  private async backupWhenCaughtUp(): Promise<void> {
    await this.restartA;
    const a = this.replicas[0];
    const until = Date.now() + 60_000;
    while (Date.now() < until) {
      const since = Date.now();
      const ends = await this.admin.fetchTopicOffsets(this.topic);
      const wait = Date.now() + 3_000;
      let ok = false;
      while (!ok && Date.now() < wait) {
        ok = await caughtUp(this.admin, a.group, this.topic, ends);
        if (!ok) await sleep(200);
      }
      if (ok) {
        this.caughtUpAt = since;
        this.backupTime = R.backup(a, this.db, this.backupDir);
        return;
      }
    }
    this.backupError = `A's loader did not catch up within 60 s of A's restart (+${((this.aBackAt - this.t0) / 1000).toFixed(1)} s)`;
  }

  /** Every restart and the backup done; throws what failed. */
  async settled(): Promise<void> {
    await Promise.all(this.pending);
    if (this.errors.length) throw new Fail(this.errors.join('; '));
  }
}

async function main(): Promise<void> {
  const cmd = process.argv[2];
  if (cmd === 'prepare') await prepare();
  else if (cmd === 'run') await run();
  else if (cmd === 'teardown') await teardown();
  else throw new Fail('usage: tsx scripts/e2e/e2e.ts prepare|run|teardown (run by scripts/e2e/run.sh)');
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    const what = e instanceof Fail ? e.message : (e as Error).stack ?? String(e);
    // teardown is best effort after the verdict: not a FAIL of the run
    process.stderr.write(process.argv[2] === 'teardown' ? `e2e: teardown: ${what}\n` : `e2e: FAIL: ${what}\n`);
    process.exit(1);
  },
);
