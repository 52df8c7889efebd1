/**
 * Real Telegraf agents in the e2e fleet (scripts/e2e/e2e.ts): one agent per InfluxDB output plugin,
 * `outputs.influxdb` (v1 /write, basic auth, its CREATE DATABASE call at start) and `outputs.influxdb_v2`
 * (/api/v2/write, token), both gzip. The driver posts each Telegraf host's report to its agent's
 * `inputs.influxdb_listener`; the agent batches and writes to the ingest service through a pass-through
 * observer here, which forwards every request byte for byte and counts the points of each write the
 * service answered 204, so those points are counted exactly as the load tool counts its own: at the 204.
 *
 * Telegraf binary: scripts/telegraf/build.sh (run.sh builds it or takes it from the cache).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as net from 'node:net';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';

export type TelegrafOutput = 'influxdb' | 'influxdb_v2';

/** Telegraf's influx serializer writes these for booleans; anything else unquoted is a number. */
const BOOLEAN = /^(t|T|true|True|TRUE|f|F|false|False|FALSE)$/;

export interface WrittenPoint {
  measurement: string;
  host: string | undefined;
  /** Timestamp in ms (Telegraf writes ns; the fleet's points are whole ms). */
  tsMs: number;
  numeric: string[];
  nonNumeric: number;
}

/**
 * The points of a line-protocol body as Telegraf's serializer writes them (escaped `\ `, `\,`, `\=` in
 * keys; quoted strings may hold spaces, commas and `\"`). Enough for what the fleet sends, not a full
 * parser: the ingest service's own parser is the one under test.
 */
export function parseLines(body: string): WrittenPoint[] {
  const out: WrittenPoint[] = [];
  for (const line of body.split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    // Split at unescaped spaces outside quotes: series key, fields, timestamp.
    const parts: string[] = [];
    let cur = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (c === '\\' && i + 1 < line.length) { cur += c + line[++i]; continue; }
      if (c === '"') quoted = !quoted;
      if (c === ' ' && !quoted) { parts.push(cur); cur = ''; continue; }
      cur += c;
    }
    parts.push(cur);
    if (parts.length !== 3) throw new Error(`unexpected line from Telegraf: ${line.slice(0, 200)}`);
    const [key, fieldsText, ts] = parts;
    const keyParts = splitUnescaped(key, ',');
    const tags = new Map(keyParts.slice(1).map((t) => { const [k, v] = splitUnescaped(t, '='); return [k, v] as const; }));
    const point: WrittenPoint = { measurement: keyParts[0], host: tags.get('host'), tsMs: Number(BigInt(ts) / 1_000_000n), numeric: [], nonNumeric: 0 };
    for (const field of splitUnescaped(fieldsText, ',')) {
      const eq = field.indexOf('=');
      const name = field.slice(0, eq);
      const value = field.slice(eq + 1);
      if (value.startsWith('"') || BOOLEAN.test(value)) point.nonNumeric++;
      else point.numeric.push(name);
    }
    out.push(point);
  }
  return out;
}

/** Splits at `sep` outside quotes and not escaped by a backslash. */
function splitUnescaped(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && i + 1 < s.length) { cur += c + s[++i]; continue; }
    if (c === '"') quoted = !quoted;
    if (c === sep && !quoted) { out.push(cur); cur = ''; continue; }
    cur += c;
  }
  out.push(cur);
  return out;
}

export interface ObservedRequest {
  output: TelegrafOutput;
  method: string;
  path: string;
  status: number;
  contentEncoding: string | undefined;
  authScheme: string | undefined;
  points: number;
  /** For /query: the statement Telegraf sent (its form body's q). */
  query?: string;
}

/**
 * Pass-through between one agent and the ingest service: forwards method, path, headers and body
 * unchanged and returns the service's answer unchanged; counts what the service acknowledged.
 */
export class Observer {
  readonly requests: ObservedRequest[] = [];
  private server: http.Server | undefined;
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

  constructor(
    private readonly output: TelegrafOutput,
    private readonly target: URL,
    private readonly onAcked: (points: WrittenPoint[]) => void,
  ) {
    if (target.hostname !== '127.0.0.1') throw new Error(`refusing non-loopback ingest URL ${target.href}`);
  }

  async listen(): Promise<URL> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.forward(req, Buffer.concat(chunks), res));
    });
    await new Promise<void>((ok) => this.server!.listen(0, '127.0.0.1', ok));
    return new URL(`http://127.0.0.1:${(this.server.address() as AddressInfo).port}`);
  }

  private forward(req: http.IncomingMessage, body: Buffer, res: http.ServerResponse): void {
    const headers = { ...req.headers, host: this.target.host };
    const up = http.request({ agent: this.agent, host: this.target.hostname, port: this.target.port, method: req.method, path: req.url, headers }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (c: Buffer) => chunks.push(c));
      answer.on('end', () => {
        const status = answer.statusCode ?? 0;
        const observed: ObservedRequest = {
          output: this.output, method: req.method ?? '', path: req.url ?? '', status, points: 0,
          contentEncoding: req.headers['content-encoding'], authScheme: req.headers.authorization?.split(' ', 1)[0],
        };
        try {
          if (req.url?.startsWith('/query')) {
            const form = new URLSearchParams(body.toString('utf8'));
            observed.query = form.get('q') ?? new URL(req.url, 'http://x').searchParams.get('q') ?? undefined;
          } else if (status === 204) {
            const text = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body).toString('utf8');
            const points = parseLines(text);
            observed.points = points.length;
            this.onAcked(points);
          }
        } finally {
          this.requests.push(observed);
          res.writeHead(status, answer.headers);
          res.end(Buffer.concat(chunks));
        }
      });
    });
    up.on('error', (e) => {
      this.requests.push({ output: this.output, method: req.method ?? '', path: req.url ?? '', status: 0, points: 0, contentEncoding: undefined, authScheme: undefined, query: e.message });
      res.destroy();
    });
    up.end(body);
  }

  async close(): Promise<void> {
    this.agent.destroy();
    if (this.server) await new Promise<void>((ok) => { this.server!.closeAllConnections(); this.server!.close(() => ok()); });
  }
}

/** A free loopback port (bound and released: Telegraf's listener takes it a moment later). */
async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = net.createServer().once('error', fail).listen(0, '127.0.0.1', () => {
      const p = (s.address() as AddressInfo).port;
      s.close(() => ok(p));
    });
  });
}

/**
 * The agent's config: a listener for the driver, one output to the observer. Flushes every 200 ms (the
 * fleet's 1 s rounds stand for Telegraf's 10 s interval, so its 10 s flush shrinks the same way).
 */
function config(output: TelegrafOutput, listenPort: number, observer: URL, apiKey: string): string {
  const out =
    output === 'influxdb'
      ? `[[outputs.influxdb]]
  urls = ["${observer.href.replace(/\/$/, '')}"]
  database = "telegraf"
  username = "e2e"
  password = "${apiKey}"
  content_encoding = "gzip"
  influx_uint_support = true
  timeout = "10s"
`
      : `[[outputs.influxdb_v2]]
  urls = ["${observer.href.replace(/\/$/, '')}"]
  token = "${apiKey}"
  organization = "e2e"
  bucket = "telegraf"
  content_encoding = "gzip"
  influx_uint_support = true
  timeout = "10s"
`;
  return `[agent]
  interval = "1s"
  flush_interval = "200ms"
  flush_jitter = "0s"
  metric_batch_size = 1000
  metric_buffer_limit = 100000
  omit_hostname = true
  skip_processors_after_aggregators = true

[[inputs.influxdb_listener]]
  service_address = "127.0.0.1:${listenPort}"

${out}`;
}

export interface Agent {
  output: TelegrafOutput;
  listener: URL;
  observer: Observer;
  process: ChildProcess;
  logFile: string;
  /** Points the driver posted to the listener and Telegraf answered 204 for. */
  posted: number;
}

export async function startAgent(binary: string, output: TelegrafOutput, ingest: URL, apiKey: string, work: string, onAcked: (points: WrittenPoint[]) => void): Promise<Agent> {
  const observer = new Observer(output, ingest, onAcked);
  const observerUrl = await observer.listen();
  const port = await freePort();
  const conf = path.join(work, `telegraf-${output}.conf`);
  fs.writeFileSync(conf, config(output, port, observerUrl, apiKey), { mode: 0o600 });
  const logFile = path.join(work, `telegraf-${output}.log`);
  const logFd = fs.openSync(logFile, 'a');
  const proc = spawn(binary, ['--config', conf, '--strict-env-handling'], { stdio: ['ignore', logFd, logFd] });
  fs.closeSync(logFd);
  const listener = new URL(`http://127.0.0.1:${port}`);
  const agent: Agent = { output, listener, observer, process: proc, logFile, posted: 0 };
  // Ready when the listener answers /ping (Telegraf starts outputs, and so sends CREATE DATABASE, first).
  const until = Date.now() + 20_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`telegraf (${output}) exited with ${proc.exitCode} at start: ${tail(logFile)}`);
    if (await ping(listener)) return agent;
    if (Date.now() > until) throw new Error(`telegraf (${output}) listener not up within 20 s: ${tail(logFile)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function ping(u: URL): Promise<boolean> {
  return new Promise((ok) => {
    const req = http.request({ host: u.hostname, port: u.port, path: '/ping', method: 'GET', timeout: 1_000 }, (res) => { res.resume(); ok(res.statusCode === 204); });
    req.on('error', () => ok(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

export function tail(file: string, lines = 10): string {
  try {
    return fs.readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** SIGTERM (Telegraf flushes its outputs on the way out); the exit code, or undefined if it had to be killed. */
export async function stopAgent(agent: Agent, graceMs = 15_000): Promise<number | null | undefined> {
  const p = agent.process;
  let code: number | null | undefined;
  if (p.exitCode === null && p.signalCode === null) {
    const exited = new Promise<number | null>((ok) => p.once('exit', (c) => ok(c)));
    p.kill('SIGTERM');
    code = await Promise.race([exited, new Promise<undefined>((ok) => setTimeout(() => ok(undefined), graceMs))]);
    if (code === undefined) p.kill('SIGKILL');
  } else code = p.exitCode;
  await agent.observer.close();
  return code;
}

/**
 * Telegraf's own error and warning lines ("E! ...", "W! ..."), apart from the one a busy machine causes:
 * a write that took longer than the (compressed) 200 ms flush interval; those are counted, not failed.
 */
export function problems(agent: Agent): { lines: string[]; slowFlushes: number } {
  let text = '';
  try {
    text = fs.readFileSync(agent.logFile, 'utf8');
  } catch {
    return { lines: [], slowFlushes: 0 };
  }
  const all = text.split('\n').filter((l) => / [EW]! /.test(l));
  const slow = (l: string) => / W! \[agent\] .* did not complete within its flush interval/.test(l);
  return { lines: all.filter((l) => !slow(l)), slowFlushes: all.filter(slow).length };
}
