/**
 * The e2e run's InfluxDB tier (scripts/e2e/e2e.ts): two replicas, each its own `influxd` (scripts/influx/start.sh
 * with INFLUX_PORT/INFLUX_HOME, authentication on) fed by its own Telegraf loader (config from
 * lib/influx/loader-config.ts, the same generator the hosts use) with its own consumer group. Users per
 * replica: an admin (setup only), the loader's write-only user, and a read-only user every query of the
 * run goes through. Also: SIGKILL and restart of a replica's influxd, backup and restore through
 * scripts/influx/backup.sh and restore.sh (the procedure the hosts use), and a dump to compare replicas.
 * Loopback only.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { PIPELINE_STATS_MEASUREMENT, telegrafLoaderConfig } from '../../lib/influx/loader-config';
import { INFLUX_USERS } from '../../lib/influx/read-access';
import { INFLUX_RETENTION_POLICY, loaderConsumerGroup } from '../../lib/topics';

export interface Users {
  admin: string;
  loader: string;
  reader: string;
}

export interface Replica {
  name: 'A' | 'B';
  /** Replica index of shard 0: the consumer group is loaderConsumerGroup(0, index) plus the run id. */
  index: number;
  port: number;
  home: string;
  url: string;
  rpc: string;
  group: string;
}

export interface Series {
  name: string;
  tags?: Record<string, string>;
  columns: string[];
  values: unknown[][];
}

const ROOT = process.cwd(); // run.sh runs the driver from the repository root
const PASSWORD_ENV = 'E2E_LOADER_PASSWORD';
/** The users every node has: the same names as the Influx stack's (lib/influx/read-access.ts). */
export const USER = INFLUX_USERS;

export function replicas(runId: string, work: string, ports: [number, number]): Replica[] {
  return (['A', 'B'] as const).map((name, index) => ({
    name,
    index,
    port: ports[index],
    home: path.join(work, `influx-${name}`),
    url: `http://127.0.0.1:${ports[index]}`,
    rpc: `127.0.0.1:${ports[index] + 2}`,
    // One group per node (the hosts' rule), made unique to the run on the shared broker.
    group: `${loaderConsumerGroup(0, index)}-e2e-${runId}`,
  }));
}

export function newUsers(): Users {
  const pw = () => randomBytes(12).toString('hex');
  return { admin: pw(), loader: pw(), reader: pw() };
}

interface Reply {
  status: number;
  body: string;
}

function call(url: URL, method: string, auth?: [string, string], body?: string): Promise<Reply> {
  if (url.hostname !== '127.0.0.1') throw new Error(`refusing non-loopback URL ${url.href}`);
  const headers: http.OutgoingHttpHeaders = {};
  if (auth) headers.Authorization = `Basic ${Buffer.from(`${auth[0]}:${auth[1]}`).toString('base64')}`;
  if (body !== undefined) {
    headers['Content-Type'] = 'text/plain';
    headers['Content-Length'] = Buffer.byteLength(body);
  }
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, method, path: url.pathname + url.search, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(15_000, () => req.destroy(new Error('no answer within 15 s')));
    req.on('error', reject);
    req.end(body);
  });
}

/** An InfluxQL statement as `user`; throws with the statement and answer unless InfluxDB ran it. */
export async function statement(r: Replica, q: string, auth?: [string, string]): Promise<void> {
  const u = new URL('/query', r.url);
  u.searchParams.set('q', q);
  const a = await call(u, 'POST', auth);
  if (a.status !== 200 || /"error"/.test(a.body)) throw new Error(`InfluxDB ${r.name}: "${q.replace(/PASSWORD '[^']*'/, "PASSWORD '…'")}" answered ${a.status}: ${a.body.slice(0, 200)}`);
}

/**
 * Auth on, nothing there yet: the admin first (InfluxDB allows only that without credentials), then
 * the loader's and the reader's users; with `database`, also the database with its retention policy
 * and the grants (a restored node gets its database from the backup, then grant()).
 */
export async function setup(r: Replica, db: string, users: Users, database: boolean): Promise<void> {
  await statement(r, `CREATE USER "${USER.admin}" WITH PASSWORD '${users.admin}' WITH ALL PRIVILEGES`);
  const admin: [string, string] = [USER.admin, users.admin];
  await statement(r, `CREATE USER "${USER.loader}" WITH PASSWORD '${users.loader}'`, admin);
  await statement(r, `CREATE USER "${USER.reader}" WITH PASSWORD '${users.reader}'`, admin);
  if (database) {
    await statement(r, `CREATE DATABASE "${db}" WITH DURATION 30d REPLICATION 1 NAME "${INFLUX_RETENTION_POLICY}"`, admin);
    await grant(r, db, users);
  }
}

export async function grant(r: Replica, db: string, users: Users): Promise<void> {
  const admin: [string, string] = [USER.admin, users.admin];
  await statement(r, `GRANT WRITE ON "${db}" TO "${USER.loader}"`, admin);
  await statement(r, `GRANT READ ON "${db}" TO "${USER.reader}"`, admin);
}

/** What each user may do, checked against the real server: [what, expected status, got status]. */
export async function authChecks(r: Replica, db: string, users: Users): Promise<string[]> {
  const failures: string[] = [];
  const q = new URL('/query', r.url);
  q.searchParams.set('db', db);
  q.searchParams.set('q', 'SHOW MEASUREMENTS');
  const w = new URL('/write', r.url);
  w.searchParams.set('db', db);
  w.searchParams.set('rp', INFLUX_RETENTION_POLICY);
  w.searchParams.set('precision', 'ms');
  const line = `e2e_auth_check v=1 ${Date.now() - 3_600_000}`;
  const expect = async (what: string, want: number, got: Promise<Reply>) => {
    const a = await got;
    // InfluxDB answers a query it refuses with 200 and an "error" in some versions; count that as refused.
    const status = a.status === 200 && /"error":"error authorizing/.test(a.body) ? 403 : a.status;
    if (status !== want) failures.push(`InfluxDB ${r.name}: ${what} answered ${a.status} ${a.body.slice(0, 120)}, expected ${want}`);
  };
  await expect('a query without credentials', 401, call(q, 'GET'));
  await expect('a query by the loader (write-only)', 403, call(q, 'GET', [USER.loader, users.loader]));
  await expect('a write by the reader (read-only)', 403, call(w, 'POST', [USER.reader, users.reader], line));
  await expect('a query by the reader', 200, call(q, 'GET', [USER.reader, users.reader]));
  return failures;
}

/** A query as the read-only user; [] when the replica is down (a killed replica is expected to be). */
export async function query(r: Replica, db: string, users: Users, q: string, opts: { downOk?: boolean } = {}): Promise<Series[]> {
  const u = new URL('/query', r.url);
  u.searchParams.set('db', db);
  u.searchParams.set('epoch', 'ms');
  u.searchParams.set('q', q);
  let a: Reply;
  try {
    a = await call(u, 'GET', [USER.reader, users.reader]);
  } catch (e) {
    if (opts.downOk) return [];
    throw new Error(`InfluxDB ${r.name} query "${q}": ${(e as Error).message}`);
  }
  if (a.status !== 200) throw new Error(`InfluxDB ${r.name} query "${q}" answered ${a.status}: ${a.body.slice(0, 200)}`);
  const res = JSON.parse(a.body).results?.[0];
  if (res?.error) throw new Error(`InfluxDB ${r.name} query "${q}": ${res.error}`);
  return res?.series ?? [];
}

/**
 * Every point of every measurement, canonical: rows, and a digest to compare replicas by. Not the Flink
 * job's statistics (docs/flink-job.md): the job writes them every few seconds as long as it runs, so two
 * dumps taken apart differ, and each node's loader adds its own `loader` tag and `loader_lag_ms`.
 */
export async function dump(r: Replica, db: string, users: Users): Promise<{ rows: number; digest: string }> {
  const lines: string[] = [];
  for (const s of await query(r, db, users, 'SELECT * FROM /.*/')) {
    if (s.name === PIPELINE_STATS_MEASUREMENT) continue;
    for (const v of s.values) lines.push(`${s.name} ${JSON.stringify(s.columns.map((c, i) => [c, v[i]]).filter(([, x]) => x !== null))}`);
  }
  lines.sort();
  return { rows: lines.length, digest: createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16) };
}

function script(name: string, env: Record<string, string>, args: string[] = []): void {
  const res = spawnSync('bash', [path.join(ROOT, 'scripts/influx', name), ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
  if (res.status !== 0) throw new Error(`scripts/influx/${name} ${args.join(' ')} failed (${res.status ?? res.signal}): ${(res.stderr + res.stdout).trim().slice(-600)}`);
}

const influxEnv = (r: Replica) => ({ INFLUX_PORT: String(r.port), INFLUX_HOME: r.home, INFLUX_AUTH: 'true', INFLUX_WAIT_S: '45' });

export function start(r: Replica): void {
  script('start.sh', influxEnv(r));
}

/** Asynchronous start (the fleet's rounds go on meanwhile). */
export function startAsync(r: Replica): Promise<void> {
  return new Promise((ok, fail) => {
    const p = spawn('bash', [path.join(ROOT, 'scripts/influx/start.sh')], { env: { ...process.env, ...influxEnv(r) }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (c: Buffer) => { err = (err + c.toString()).slice(-1000); });
    const timer = setTimeout(() => p.kill('SIGKILL'), 60_000);
    p.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) ok();
      else fail(new Error(`restarting InfluxDB ${r.name} failed (${code}): ${err.trim()}`));
    });
  });
}

/** SIGKILL the replica's influxd: no shutdown of any kind, as a lost instance. */
export function kill(r: Replica): number {
  const pidFile = path.join(r.home, 'influxd.pid');
  const pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
  process.kill(pid, 'SIGKILL');
  fs.rmSync(pidFile, { force: true });
  return pid;
}

export function stop(r: Replica, purge = false): void {
  script('stop.sh', influxEnv(r), purge ? ['--purge'] : []);
}

export function backup(r: Replica, db: string, out: string): string {
  const res = spawnSync('bash', [path.join(ROOT, 'scripts/influx/backup.sh'), '--rpc', r.rpc, '--db', db, '--out', out], { encoding: 'utf8', timeout: 60_000 });
  if (res.status !== 0) throw new Error(`backup of ${r.name} failed: ${(res.stderr + res.stdout).trim().slice(-600)}`);
  return res.stdout.trim();
}

/** scripts/influx/restore.sh with Kafka's ConsumerGroupCommand from the cached jars; returns the reset time. */
export function restore(r: Replica, from: string, db: string, topic: string, marginS: number): string {
  const kafkaTool = `java -Xmx128m -Dlog4j2.configurationFile=${process.env.E2E_KAFKA_LOG4J} -cp ${process.env.E2E_KAFKA_LIBS}/* org.apache.kafka.tools.consumer.group.ConsumerGroupCommand`;
  const res = spawnSync('bash', [path.join(ROOT, 'scripts/influx/restore.sh'), '--backup', from, '--rpc', r.rpc, '--db', db,
    '--bootstrap', process.env.E2E_KAFKA ?? '', '--group', r.group, '--topic', topic, '--margin-s', String(marginS)],
  { env: { ...process.env, KAFKA_CONSUMER_GROUPS: kafkaTool }, encoding: 'utf8', timeout: 120_000 });
  if (res.status !== 0) throw new Error(`restore of ${r.name} failed: ${(res.stderr + res.stdout).trim().slice(-800)}`);
  return res.stdout.trim();
}

// ---- loaders --------------------------------------------------------------------------------------

export interface Loader {
  replica: Replica;
  process: ChildProcess;
  logFile: string;
}

export function writeLoaderConfig(r: Replica, work: string, db: string, kafka: string, topic: string): string {
  const conf = path.join(work, `loader-${r.name}.conf`);
  fs.writeFileSync(conf, telegrafLoaderConfig({
    brokers: [kafka],
    topics: [topic],
    consumerGroup: r.group,
    influxUrl: r.url,
    database: db,
    retentionPolicy: INFLUX_RETENTION_POLICY,
    username: USER.loader,
    passwordEnv: PASSWORD_ENV,
    // Scaled with the run's 5 s windows (production: the default 1 s).
    flushInterval: '500ms',
    maxUndeliveredMessages: 10_000,
    metricBatchSize: 5_000,
  }), { mode: 0o600 });
  return conf;
}

export async function startLoader(telegraf: string, r: Replica, work: string, users: Users): Promise<Loader> {
  const conf = path.join(work, `loader-${r.name}.conf`);
  const logFile = path.join(work, `loader-${r.name}.log`);
  const fd = fs.openSync(logFile, 'a');
  const proc = spawn(telegraf, ['--config', conf, '--strict-env-handling'], { stdio: ['ignore', fd, fd], env: { ...process.env, [PASSWORD_ENV]: users.loader } });
  fs.closeSync(fd);
  await new Promise((ok) => setTimeout(ok, 500));
  if (proc.exitCode !== null) throw new Error(`loader ${r.name} exited at start (${proc.exitCode}): ${fs.readFileSync(logFile, 'utf8').slice(-600)}`);
  return { replica: r, process: proc, logFile };
}

/** SIGTERM, bounded; SIGKILL after the grace. */
export async function stopLoader(l: Loader, graceMs = 10_000): Promise<void> {
  const p = l.process;
  if (p.exitCode !== null || p.signalCode !== null) return;
  const exited = new Promise((ok) => p.once('exit', ok));
  p.kill('SIGTERM');
  if (!(await Promise.race([exited.then(() => true), new Promise((ok) => setTimeout(() => ok(false), graceMs))]))) p.kill('SIGKILL');
}

/** Telegraf's error lines of a loader's log ("E! ..."): expected while its InfluxDB is down, counted. */
export function loaderErrors(l: Loader): number {
  try {
    return fs.readFileSync(l.logFile, 'utf8').split('\n').filter((x) => / E! /.test(x)).length;
  } catch {
    return 0;
  }
}
