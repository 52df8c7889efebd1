#!/usr/bin/env node
// The one load generator of `npm run bench:ingest`: plain Node, raw TCP sockets, written so that it is not
// the bottleneck (its ceiling is what it reaches against the bare node:http server).
//
//   node scripts/bench/ingest-load.mjs --url http://127.0.0.1:8080/write?db=bench --connections 100 \
//        --duration 10 [--requests N] [--points 10] [--key bench-key-0001] [--label name]
//
// Every connection is a keep-alive HTTP/1.1 connection with one request outstanding (no pipelining):
// it sends the next request when the previous answer is complete. Whole requests (headers + body) are
// built once up front, so the loop only does socket.write(prebuiltBuffer) and a minimal response scan;
// node:http's client (header objects, IncomingMessage streams, Agent bookkeeping) would cost more CPU
// per request than the servers we measure. Prints one JSON line: requests/s, points/s, p50/p99, errors.
import { readdirSync, readFileSync } from 'node:fs';
import * as net from 'node:net';
import { parseArgs } from 'node:util';

const { values: a } = parseArgs({
  options: {
    url: { type: 'string' },
    connections: { type: 'string', default: '100' },
    duration: { type: 'string', default: '10' },
    requests: { type: 'string' },
    points: { type: 'string', default: '10' },
    series: { type: 'string', default: '1000' },
    key: { type: 'string' },
    label: { type: 'string' },
    warmup: { type: 'string', default: '1' },
    // CPU accounting over exactly the measured interval: the target's process group, and one more
    // process (the Kafka broker) reported apart. Linux /proc only.
    'cpu-group': { type: 'string' },
    'cpu-pid': { type: 'string' },
  },
});
const die = (m) => { process.stderr.write(`ingest-load: ${m}\n`); process.exit(2); };
if (!a.url) die('--url is required');
const url = new URL(a.url);
if (!['127.0.0.1', 'localhost'].includes(url.hostname)) die('loopback targets only');
const connections = Number(a.connections);
const durationMs = Number(a.duration) * 1000;
const maxRequests = a.requests ? Number(a.requests) : Infinity;
const points = Number(a.points);
const seriesCount = Number(a.series);
const warmupMs = Number(a.warmup) * 1000;
if (![connections, durationMs, points, seriesCount].every((n) => Number.isInteger(n) && n > 0)) die('bad numeric option');

// ---- payloads: the same line protocol for every target (Telegraf-like: sorted tags, 3 fields, ns ts) ----
const POOL = 512;
const requests = [];
const nowNs = BigInt(Date.now()) * 1_000_000n;
let s = 0;
for (let b = 0; b < POOL; b++) {
  let body = '';
  for (let p = 0; p < points; p++, s++) {
    const series = s % seriesCount;
    const host = `server-${String(series % 10_000).padStart(5, '0')}`;
    const v = ((series * 7919) % 1000) / 10;
    body += `cpu,host=${host},region=eu-west-1 usage_user=${v},usage_system=${v / 2},procs=${series % 500}i ${nowNs + BigInt(s)}\n`;
  }
  const bodyBuf = Buffer.from(body);
  const head =
    `POST ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: text/plain; charset=utf-8\r\n` +
    (a.key ? `Authorization: Token ${a.key}\r\n` : '') +
    `Content-Length: ${bodyBuf.length}\r\nConnection: keep-alive\r\n\r\n`;
  requests.push(Buffer.concat([Buffer.from(head), bodyBuf]));
}

// ---- measurement ----
const latencies = new Float64Array(Number.isFinite(maxRequests) ? maxRequests : 20_000_000);
const statuses = Object.create(null);
let done = 0; // answered inside the measured window
let sent = 0;
let errors = 0;
let measuring = false;
let stop = false;
let t0 = 0;
let tEnd = 0;
let open = 0;

const CRLFCRLF = Buffer.from('\r\n\r\n');
const port = Number(url.port || 80);

function connection(id) {
  let i = id;
  let started = 0;
  let buf = null; // unparsed response bytes (usually none: a 204 arrives in one read)
  let close = false;
  const sock = net.connect({ host: url.hostname, port, noDelay: true });
  open++;
  const next = () => {
    if (stop || sent >= maxRequests) { sock.end(); return; }
    sent++;
    started = performance.now();
    sock.write(requests[i++ % POOL]);
  };
  const complete = (status) => {
    const ms = performance.now() - started;
    if (measuring) {
      latencies[done++] = ms;
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status < 200 || status > 299) errors++;
    }
    if (close) { sock.destroy(); return; } // the 'close' handler reconnects
    next();
  };
  sock.on('connect', next);
  sock.on('data', (chunk) => {
    buf = buf ? Buffer.concat([buf, chunk]) : chunk;
    for (;;) {
      const h = buf.indexOf(CRLFCRLF);
      if (h === -1) return;
      const head = buf.toString('latin1', 0, h);
      const status = Number(head.slice(9, 12));
      const lower = head.toLowerCase();
      close = lower.includes('\r\nconnection: close');
      let end = h + 4;
      const cl = lower.match(/\r\ncontent-length: *(\d+)/);
      if (cl) end += Number(cl[1]);
      else if (lower.includes('transfer-encoding: chunked')) {
        const z = buf.indexOf('\r\n0\r\n\r\n', h + 2);
        if (z === -1) return;
        end = z + 7;
      }
      if (buf.length < end) return;
      buf = buf.length === end ? null : buf.subarray(end);
      complete(status);
      if (!buf) return;
    }
  });
  sock.on('error', () => {
    if (measuring) { errors++; statuses.socket = (statuses.socket ?? 0) + 1; }
  });
  sock.on('close', () => {
    open--;
    if (!stop) setTimeout(() => connection(i), close ? 0 : 10); // server closed (or failed): reconnect
  });
}

/** user+system CPU seconds of the processes of group `pgid` (or of process `pid`), from /proc. */
const HZ = 100; // USER_HZ: the unit of /proc/<pid>/stat times on every Linux architecture we run on
function cpuSeconds({ pgid, pid }) {
  let ticks = 0;
  for (const p of pid ? [pid] : readdirSync('/proc').filter((d) => /^[0-9]+$/.test(d))) {
    let stat;
    try { stat = readFileSync(`/proc/${p}/stat`, 'utf8'); } catch { continue; } // exited meanwhile
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from 3 (state) on; comm may hold spaces
    if (pid || f[2] === pgid) ticks += Number(f[11]) + Number(f[12]); // utime, stime (fields 14, 15)
  }
  return ticks / HZ;
}
const cpuTargets = [a['cpu-group'] && { pgid: a['cpu-group'] }, a['cpu-pid'] && { pid: a['cpu-pid'] }];
let cpu0 = [];

for (let c = 0; c < connections; c++) connection(c);
// A short warm-up (JIT, connection setup, batchers filling) is excluded from the figures.
setTimeout(() => {
  measuring = true;
  t0 = performance.now();
  cpu0 = cpuTargets.map((t) => t && cpuSeconds(t));
  setTimeout(() => {
    stop = true;
    measuring = false;
    tEnd = performance.now();
    const cpu1 = cpuTargets.map((t) => t && cpuSeconds(t));
    report(cpu1.map((c, i) => (c === undefined || c === '' ? undefined : c - cpu0[i])));
  }, durationMs);
}, warmupMs);

function report([cpuTarget, cpuOther]) {
  const secs = (tEnd - t0) / 1000;
  const sorted = latencies.subarray(0, done).sort();
  const pct = (p) => (done ? sorted[Math.min(done - 1, Math.floor((p / 100) * done))] : NaN);
  const ok = done - errors;
  const out = {
    label: a.label ?? url.href, url: url.href, connections, points, seconds: +secs.toFixed(2), requests: done,
    rps: Math.round(done / secs), pps: Math.round((ok * points) / secs), p50: +pct(50).toFixed(2), p99: +pct(99).toFixed(2),
    errors, statuses, load: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
  };
  // microseconds of CPU per request answered in the measured interval
  if (cpuTarget !== undefined && done) out.cpuUsPerRequest = Math.round((cpuTarget * 1e6) / done);
  if (cpuOther !== undefined && done) out.brokerCpuUsPerRequest = Math.round((cpuOther * 1e6) / done);
  process.stdout.write(JSON.stringify(out) + '\n');
  setTimeout(() => process.exit(0), 50);
}
