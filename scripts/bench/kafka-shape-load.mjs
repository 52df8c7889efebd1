#!/usr/bin/env node
// Paced load for `npm run bench:kafka-shape`: --rate requests/s in total over --connections keep-alive
// connections, each sending its next request on a fixed schedule (interval = connections / rate), so the
// service sees the production arrival rate rather than as much as it can take. Raw TCP sockets, as
// scripts/bench/ingest-load.mjs. Each request carries --points line-protocol points of distinct series
// (Telegraf-like: cpu-total of one of --series hosts, 3 float fields with two decimals, ns timestamp).
// Prints one JSON line: requests answered, 204s, points acknowledged, errors, achieved rate, p50/p99.
//
//   node scripts/bench/kafka-shape-load.mjs --url http://127.0.0.1:18320/write?db=bench --rate 4000 \
//        --connections 400 --points 1 --duration 20 [--key K]
import * as net from 'node:net';
import { parseArgs } from 'node:util';

const { values: a } = parseArgs({
  options: {
    url: { type: 'string' },
    rate: { type: 'string' },
    connections: { type: 'string', default: '100' },
    points: { type: 'string', default: '1' },
    duration: { type: 'string', default: '20' },
    series: { type: 'string', default: '100000' },
    key: { type: 'string' },
  },
});
const die = (m) => { process.stderr.write(`kafka-shape-load: ${m}\n`); process.exit(2); };
if (!a.url) die('--url is required');
const url = new URL(a.url);
if (url.hostname !== '127.0.0.1') die('loopback targets only');
const rate = Number(a.rate), connections = Number(a.connections), points = Number(a.points);
const durationMs = Number(a.duration) * 1000, seriesCount = Number(a.series);
if (![rate, connections, points, durationMs, seriesCount].every((n) => Number.isFinite(n) && n > 0)) die('bad numeric option');
if (durationMs > 600_000 || rate > 50_000 || connections > 5_000) die('bounded: --duration <= 600, --rate <= 50000, --connections <= 5000');

// Distinct requests, built up front; values vary like real gauges so gzip sees realistic entropy.
const POOL = 8192;
const requests = [];
const baseNs = BigInt(Date.now()) * 1_000_000n;
let s = 0;
let seed = 42;
const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
for (let b = 0; b < POOL; b++) {
  let body = '';
  for (let p = 0; p < points; p++, s++) {
    const series = (s * 7919) % seriesCount;
    const host = `server-${String(series % 10_000).padStart(5, '0')}`;
    const cpu = `cpu${Math.floor(series / 10_000)}`;
    const user = (rnd() * 100).toFixed(2), sys = (rnd() * 20).toFixed(2), idle = (100 - Number(user)).toFixed(2);
    body += `cpu,cpu=${cpu},host=${host},region=eu-west-1 usage_user=${user},usage_system=${sys},usage_idle=${idle} ${baseNs + BigInt(s) * 1000n}\n`;
  }
  const bodyBuf = Buffer.from(body);
  const head =
    `POST ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: text/plain; charset=utf-8\r\n` +
    (a.key ? `Authorization: Token ${a.key}\r\n` : '') +
    `Content-Length: ${bodyBuf.length}\r\nConnection: keep-alive\r\n\r\n`;
  requests.push(Buffer.concat([Buffer.from(head), bodyBuf]));
}

const CRLFCRLF = Buffer.from('\r\n\r\n');
const intervalMs = (connections / rate) * 1000;
const latencies = [];
const statuses = Object.create(null);
let answered = 0, ok = 0, errors = 0, late = 0, next = 0;
const t0 = performance.now();
const tStop = t0 + durationMs;
let openConns = 0;

function connection(id) {
  let due = t0 + (id / connections) * intervalMs; // staggered: arrivals spread evenly over the interval
  let started = 0;
  let buf = null;
  const sock = net.connect({ host: url.hostname, port: Number(url.port), noDelay: true });
  openConns++;
  const send = () => {
    if (performance.now() >= tStop) { sock.end(); return; }
    started = performance.now();
    sock.write(requests[next++ % POOL]);
    due += intervalMs;
  };
  const schedule = () => {
    const wait = due - performance.now();
    if (wait <= 0) { if (wait < -intervalMs) late++; send(); } else setTimeout(send, wait);
  };
  sock.on('connect', schedule);
  sock.on('data', (chunk) => {
    buf = buf ? Buffer.concat([buf, chunk]) : chunk;
    for (;;) {
      const h = buf.indexOf(CRLFCRLF);
      if (h === -1) return;
      const head = buf.toString('latin1', 0, h);
      const status = Number(head.slice(9, 12));
      const cl = head.toLowerCase().match(/\r\ncontent-length: *(\d+)/);
      const end = h + 4 + (cl ? Number(cl[1]) : 0);
      if (buf.length < end) return;
      buf = buf.length === end ? null : buf.subarray(end);
      latencies.push(performance.now() - started);
      answered++;
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status === 204) ok++; else errors++;
      schedule();
      if (!buf) return;
    }
  });
  sock.on('error', () => { errors++; statuses.socket = (statuses.socket ?? 0) + 1; });
  sock.on('close', () => { if (--openConns === 0) report(); });
}

function report() {
  const secs = (performance.now() - t0) / 1000;
  latencies.sort((x, y) => x - y);
  const pct = (p) => (latencies.length ? +latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))].toFixed(2) : null);
  process.stdout.write(JSON.stringify({
    seconds: +secs.toFixed(2), targetRate: rate, achievedRate: Math.round(answered / secs), connections, pointsPerRequest: points,
    answered, acknowledged: ok, pointsAcknowledged: ok * points, errors, statuses, lateSends: late, p50: pct(50), p99: pct(99),
  }) + '\n');
  process.exit(0);
}

for (let c = 0; c < connections; c++) connection(c);
// A connection the server never answers must not hold the run: give up 10 s after the end.
setTimeout(() => { errors++; statuses.unanswered = openConns; report(); }, durationMs + 10_000).unref();
