/**
 * Load tool: `npm run loadtest -- --url http://127.0.0.1:8080/write?db=load --connections 100 --requests 20000`
 *
 * Keeps --connections keep-alive connections busy, each sending its next request when the previous one
 * is answered, until --requests were sent or --duration seconds passed (both bound every run; the
 * duration defaults to 60 s). Each request carries --points line-protocol points (default 10) spread
 * over --series series, like Telegraf's output. Prints requests/s, points/s, success rate and latency
 * percentiles. Only loopback targets unless --allow-remote is given.
 */
import * as http from 'node:http';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';

const { values: args } = parseArgs({
  options: {
    url: { type: 'string' },
    connections: { type: 'string', default: '100' },
    requests: { type: 'string' },
    duration: { type: 'string' },
    points: { type: 'string', default: '10' },
    series: { type: 'string', default: '1000' },
    key: { type: 'string', default: process.env.INGEST_LOADTEST_KEY },
    gzip: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    'allow-remote': { type: 'boolean', default: false },
  },
});

function die(msg: string): never {
  process.stderr.write(`loadtest: ${msg}\n`);
  process.exit(2);
}

const num = (name: string, v: string | undefined, min: number, max: number): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) die(`--${name} must be an integer from ${min} to ${max}`);
  return n;
};

if (!args.url) die('--url is required, e.g. --url http://127.0.0.1:8080/write?db=load');
const url = new URL(args.url);
if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname) && !args['allow-remote']) {
  die(`${url.hostname} is not loopback; pass --allow-remote to load a remote host`);
}
const connections = num('connections', args.connections, 1, 10_000);
const maxRequests = args.requests ? num('requests', args.requests, 1, 100_000_000) : args.duration ? Infinity : 10_000;
const durationMs = num('duration', args.duration ?? '60', 1, 3600) * 1000;
const pointsPerRequest = num('points', args.points, 1, 100_000);
const seriesCount = num('series', args.series, 1, 10_000_000);
const json = url.pathname.endsWith('/api/v1/metrics');

/** A pool of request bodies built up front, so the loop measures the server, not payload generation. */
function makeBodies(n: number): Buffer[] {
  const bodies: Buffer[] = [];
  const now = BigInt(Date.now()) * 1_000_000n;
  let s = 0;
  for (let b = 0; b < n; b++) {
    const points: string[] = [];
    const jsonPoints: unknown[] = [];
    for (let p = 0; p < pointsPerRequest; p++, s++) {
      const series = s % seriesCount;
      const host = `server-${String(series % 10_000).padStart(5, '0')}`;
      const metric = `m${Math.floor(series / 10_000)}`;
      const ts = now + BigInt(b * pointsPerRequest + p);
      const v = ((series * 7919) % 1000) / 10;
      if (json) jsonPoints.push({ measurement: 'cpu', tags: { host, metric }, fields: { usage_user: v, usage_system: v / 2, procs: { i: String(series % 500) } }, time: String(ts) });
      else points.push(`cpu,host=${host},metric=${metric} usage_user=${v},usage_system=${v / 2},procs=${series % 500}i ${ts}`);
    }
    const body = Buffer.from(json ? JSON.stringify({ points: jsonPoints }) : points.join('\n') + '\n');
    bodies.push(args.gzip ? gzipSync(body) : body);
  }
  return bodies;
}

async function main() {
  const bodies = makeBodies(256);
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
  const headers: http.OutgoingHttpHeaders = { 'Content-Type': json ? 'application/json' : 'text/plain; charset=utf-8' };
  if (args.key) headers.Authorization = `Token ${args.key}`;
  if (args.gzip) headers['Content-Encoding'] = 'gzip';

  const latencies = new Float64Array(Number.isFinite(maxRequests) ? maxRequests : 5_000_000);
  const statuses = new Map<string, number>();
  let sent = 0;
  let done = 0;
  const started = performance.now();
  const deadline = started + durationMs;

  const one = (body: Buffer) =>
    new Promise<string>((resolve) => {
      const req = http.request(
        { agent, host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port || 80, method: 'POST', path: url.pathname + url.search, headers: { ...headers, 'Content-Length': body.length } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(String(res.statusCode)));
          res.on('error', () => resolve('error'));
        },
      );
      req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
      req.on('error', (e) => resolve(e.message === 'timeout' ? 'timeout' : 'error'));
      req.end(body);
    });

  const loop = async () => {
    while (sent < maxRequests && performance.now() < deadline && done < latencies.length) {
      const i = sent++;
      const t0 = performance.now();
      const status = await one(bodies[i % bodies.length]);
      latencies[done++] = performance.now() - t0;
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: connections }, loop));
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();

  const sorted = latencies.slice(0, done).sort();
  const pct = (p: number) => (done ? sorted[Math.min(done - 1, Math.floor((p / 100) * done))] : NaN);
  const ok = statuses.get('204') ?? 0;
  const result = {
    url: url.href, connections, pointsPerRequest, seconds: +elapsed.toFixed(2), requests: done,
    requestsPerSec: +(done / elapsed).toFixed(0), pointsPerSec: +((ok * pointsPerRequest) / elapsed).toFixed(0),
    successRate: done ? +(ok / done).toFixed(4) : 0,
    latencyMs: { p50: +pct(50).toFixed(2), p90: +pct(90).toFixed(2), p99: +pct(99).toFixed(2), max: +pct(100).toFixed(2) },
    statuses: Object.fromEntries(statuses),
  };
  if (args.json) console.log(JSON.stringify(result));
  else {
    console.log(`${result.requests} requests in ${result.seconds} s over ${connections} connections, ${pointsPerRequest} points each`);
    console.log(`  requests/s ${result.requestsPerSec}   points/s ${result.pointsPerSec}   success ${(result.successRate * 100).toFixed(2)} %`);
    console.log(`  latency ms  p50 ${result.latencyMs.p50}   p90 ${result.latencyMs.p90}   p99 ${result.latencyMs.p99}   max ${result.latencyMs.max}`);
    console.log(`  statuses ${JSON.stringify(result.statuses)}`);
  }
}

void main();
