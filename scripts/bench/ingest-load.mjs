#!/usr/bin/env node
// The one load generator of `npm run bench:ingest`: plain Node, raw TCP sockets, written so that it is not
// the bottleneck (its ceiling is what it reaches against the bare node:http server).
//
//   node scripts/bench/ingest-load.mjs --url http://127.0.0.1:8080/write?db=bench --connections 1000 \
//        --duration 10 [--procs 2] [--requests N] [--points 10] [--gzip] [--key bench-key-0001] [--label name]
//
// Every connection is a keep-alive HTTP/1.1 connection with one request outstanding (no pipelining):
// it sends the next request when the previous answer is complete. Whole requests (headers + body, gzipped
// with --gzip as Telegraf sends them) are built once up front, so the loop only does
// socket.write(prebuiltBuffer) and a minimal response scan; node:http's client (header objects,
// IncomingMessage streams, Agent bookkeeping) would cost more CPU per request than the servers we measure.
// With --procs N the connections are spread over N child processes (one event loop per core saturates
// sooner than the servers do at many connections); this process coordinates the measured interval, reads
// /proc and merges the children's latency histograms. Prints one JSON line: requests/s, points/s,
// p50/p99, errors, CPU per request and per acknowledged point, and the generator's own CPU.
import { fork } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import * as net from 'node:net';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';

const { values: a } = parseArgs({
  options: {
    url: { type: 'string' },
    connections: { type: 'string', default: '100' },
    procs: { type: 'string', default: '1' },
    duration: { type: 'string', default: '10' },
    requests: { type: 'string' },
    points: { type: 'string', default: '10' },
    gzip: { type: 'boolean', default: false },
    series: { type: 'string', default: '1000' },
    key: { type: 'string' },
    label: { type: 'string' },
    warmup: { type: 'string', default: '2' },
    // CPU accounting over exactly the measured interval: the target's process group, and one more
    // process (the Kafka broker) reported apart. Linux /proc only.
    'cpu-group': { type: 'string' },
    'cpu-pid': { type: 'string' },
    child: { type: 'string' }, // internal: index of this child process (set by the parent)
  },
});
const die = (m) => { process.stderr.write(`ingest-load: ${m}\n`); process.exit(2); };
if (!a.url) die('--url is required');
const url = new URL(a.url);
if (!['127.0.0.1', 'localhost'].includes(url.hostname)) die('loopback targets only');
const connections = Number(a.connections);
const procs = Number(a.procs);
const durationMs = Number(a.duration) * 1000;
const maxRequests = a.requests ? Number(a.requests) : Infinity;
const points = Number(a.points);
const seriesCount = Number(a.series);
const warmupMs = Number(a.warmup) * 1000;
if (![connections, procs, durationMs, points, seriesCount].every((n) => Number.isInteger(n) && n > 0)) die('bad numeric option');
if (procs > connections) die('--procs must not exceed --connections');
if (procs > 1 && Number.isFinite(maxRequests)) die('--requests needs --procs 1');

// ---- latency histogram: log buckets 2 % wide from 1 µs, so children's results merge by addition ----
const H_BASE = 0.001; // ms
const H_STEP = Math.log(1.02);
const H_BUCKETS = 1100; // up to ≈ 30 min
const bucket = (ms) => (ms <= H_BASE ? 0 : Math.min(H_BUCKETS - 1, Math.ceil(Math.log(ms / H_BASE) / H_STEP)));
const bucketMs = (i) => H_BASE * Math.exp(i * H_STEP); // the bucket's upper bound: percentiles err high, ≤ 2 %

// ---- the load itself: `conns` connections in this process ----
function load(conns, childIndex) {
  // The same line protocol for every target (Telegraf-like: sorted tags, 3 fields, ns ts). Fewer bodies
  // at many points per request keep memory and set-up time bounded; each child starts elsewhere in the
  // series so children do not send identical bodies.
  const pool = Math.max(16, Math.min(512, Math.floor(200_000 / points)));
  const requests = [];
  const nowNs = BigInt(Date.now()) * 1_000_000n;
  let s = childIndex * pool * points;
  for (let b = 0; b < pool; b++) {
    let body = '';
    for (let p = 0; p < points; p++, s++) {
      const series = s % seriesCount;
      const host = `server-${String(series % 10_000).padStart(5, '0')}`;
      const v = ((series * 7919) % 1000) / 10;
      body += `cpu,host=${host},region=eu-west-1 usage_user=${v},usage_system=${v / 2},procs=${series % 500}i ${nowNs + BigInt(s)}\n`;
    }
    const bodyBuf = a.gzip ? gzipSync(body) : Buffer.from(body);
    const head =
      `POST ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      (a.gzip ? 'Content-Encoding: gzip\r\n' : '') +
      (a.key ? `Authorization: Token ${a.key}\r\n` : '') +
      `Content-Length: ${bodyBuf.length}\r\nConnection: keep-alive\r\n\r\n`;
    requests.push(Buffer.concat([Buffer.from(head), bodyBuf]));
  }

  const hist = new Float64Array(H_BUCKETS);
  const statuses = Object.create(null);
  let done = 0; // answered inside the measured window
  let errors = 0;
  let sent = 0;
  let inflight = 0; // sent, not yet answered (nor failed)
  let measuring = false;
  let stop = false;
  const CRLFCRLF = Buffer.from('\r\n\r\n');
  const port = Number(url.port || 80);

  function connection(id) {
    let i = id;
    let started = 0;
    let buf = null; // unparsed response bytes (usually none: a 204 arrives in one read)
    let close = false;
    let pending = false;
    const sock = net.connect({ host: url.hostname, port, noDelay: true });
    const next = () => {
      if (stop || sent >= maxRequests) { sock.end(); return; }
      sent++;
      inflight++;
      pending = true;
      started = performance.now();
      sock.write(requests[i++ % pool]);
    };
    const complete = (status) => {
      inflight--;
      pending = false;
      if (measuring) {
        hist[bucket(performance.now() - started)]++;
        done++;
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
      if (pending) { pending = false; inflight--; } // its request will not be answered
      if (!stop) setTimeout(() => connection(i), close ? 0 : 10); // server closed (or failed): reconnect
    });
  }
  // Connect gradually (100 per tick) so a thousand SYNs do not overflow the server's accept backlog.
  let c = 0;
  const opener = setInterval(() => {
    for (let n = 0; n < 100 && c < conns; n++, c++) connection(c * 7);
    if (c >= conns) clearInterval(opener);
  }, 5);
  return {
    start() { measuring = true; },
    finish() {
      measuring = false;
      stop = true;
      return { done, errors, statuses, hist: Array.from(hist) };
    },
    /** Resolves when every request sent has been answered (or `ms` passed): the next run starts on an idle target. */
    drain(ms) {
      return new Promise((resolve) => {
        const until = Date.now() + ms;
        const poll = setInterval(() => { if (inflight <= 0 || Date.now() > until) { clearInterval(poll); resolve(inflight); } }, 20);
      });
    },
  };
}

// ---- CPU accounting from /proc ----
const HZ = 100; // USER_HZ: the unit of /proc/<pid>/stat times on every Linux architecture we run on
/** user+system CPU seconds of the processes of group `pgid`, or of the listed pids, from /proc. */
function cpuSeconds({ pgid, pids }) {
  let ticks = 0;
  for (const p of pids ?? readdirSync('/proc').filter((d) => /^[0-9]+$/.test(d))) {
    let stat;
    try { stat = readFileSync(`/proc/${p}/stat`, 'utf8'); } catch { continue; } // exited meanwhile
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from 3 (state) on; comm may hold spaces
    if (pids || f[2] === pgid) ticks += Number(f[11]) + Number(f[12]); // utime, stime (fields 14, 15)
  }
  return ticks / HZ;
}

const DRAIN_MS = 60_000;

// ---- child: run its share, answer the parent's start/finish ----
if (a.child !== undefined) {
  const l = load(connections, Number(a.child));
  process.on('message', (m) => {
    if (m === 'start') l.start();
    else if (m === 'finish') process.send(l.finish());
    else if (m === 'drain') l.drain(DRAIN_MS).then((left) => process.send({ left }, () => process.exit(0)));
  });
  process.send('ready');
} else {
  await main();
}

async function main() {
  const parts = []; // { start(), finish(): Promise<result> }
  const loaderPids = [String(process.pid)];
  if (procs === 1) {
    const l = load(connections, 0);
    parts.push({ start: () => l.start(), finish: async () => l.finish(), drain: () => l.drain(DRAIN_MS) });
  } else {
    const args = process.argv.slice(2).filter((x, i, all) => !['--procs', '--connections'].includes(x) && !['--procs', '--connections'].includes(all[i - 1]));
    await Promise.all(
      Array.from({ length: procs }, (_, k) => {
        const share = Math.floor(connections / procs) + (k < connections % procs ? 1 : 0);
        const child = fork(new URL(import.meta.url), [...args, '--connections', String(share), '--child', String(k)], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
        loaderPids.push(String(child.pid));
        let result;
        let drained;
        const got = new Promise((resolve) => child.on('message', (m) => { if (m !== 'ready' && !result) resolve((result = m)); }));
        const left = new Promise((resolve) => child.on('message', (m) => { if (m?.left !== undefined) resolve((drained = m.left)); }));
        child.on('exit', (code) => { if (drained === undefined) die(`load process ${k} exited with ${code}`); });
        parts.push({ start: () => child.send('start'), finish: () => (child.send('finish'), got), drain: () => (child.send('drain'), left) });
        return new Promise((resolve) => child.once('message', resolve)); // 'ready': its bodies are built
      }),
    );
  }
  const cpuTargets = [a['cpu-group'] && { pgid: a['cpu-group'] }, a['cpu-pid'] && { pids: [a['cpu-pid']] }, { pids: loaderPids }];
  // A short warm-up (JIT, connection set-up, batchers filling) is excluded from the figures.
  await new Promise((r) => setTimeout(r, warmupMs));
  for (const p of parts) p.start();
  const t0 = performance.now();
  const cpu0 = cpuTargets.map((t) => t && cpuSeconds(t));
  await new Promise((r) => setTimeout(r, durationMs));
  const cpu1 = cpuTargets.map((t) => t && cpuSeconds(t));
  const secs = (performance.now() - t0) / 1000;
  const results = await Promise.all(parts.map((p) => p.finish()));
  const hist = new Float64Array(H_BUCKETS);
  const statuses = Object.create(null);
  let done = 0;
  let errors = 0;
  for (const r of results) {
    done += r.done;
    errors += r.errors;
    r.hist.forEach((n, i) => (hist[i] += n));
    for (const [k, n] of Object.entries(r.statuses)) statuses[k] = (statuses[k] ?? 0) + n;
  }
  const pct = (p) => {
    if (!done) return NaN;
    const want = Math.min(done, Math.floor((p / 100) * done) + 1);
    let seen = 0;
    for (let i = 0; i < H_BUCKETS; i++) if ((seen += hist[i]) >= want) return bucketMs(i);
    return NaN;
  };
  const [cpuTarget, cpuOther, cpuLoader] = cpu1.map((c, i) => (c === undefined || c === '' ? undefined : c - cpu0[i]));
  const ok = done - errors;
  const out = {
    label: a.label ?? url.href, url: url.href, connections, procs, points, gzip: a.gzip, seconds: +secs.toFixed(2), requests: done,
    rps: Math.round(done / secs), pps: Math.round((ok * points) / secs), p50: done ? +pct(50).toFixed(2) : null, p99: done ? +pct(99).toFixed(2) : null,
    errors, statuses, load: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
    // cores the generator itself used: near the machine's core count means it, not the target, was the limit
    loaderCores: +(cpuLoader / secs).toFixed(2),
  };
  // microseconds of CPU per request answered, and per point acknowledged (2xx), in the measured interval
  if (cpuTarget !== undefined && done) out.cpuUsPerRequest = Math.round((cpuTarget * 1e6) / done);
  if (cpuTarget !== undefined && ok) out.cpuUsPerPoint = +((cpuTarget * 1e6) / (ok * points)).toFixed(2);
  if (cpuOther !== undefined && done) out.brokerCpuUsPerRequest = Math.round((cpuOther * 1e6) / done);
  if (cpuOther !== undefined && ok) out.brokerCpuUsPerPoint = +((cpuOther * 1e6) / (ok * points)).toFixed(2);
  // Wait for the answers still owed (a queue of up to one request per connection), so that the next
  // run does not start on a target still working through this one's backlog.
  const left = (await Promise.all(parts.map((p) => p.drain()))).reduce((n, x) => n + x, 0);
  if (left) out.unansweredAtExit = left;
  process.stdout.write(JSON.stringify(out) + '\n');
  setTimeout(() => process.exit(0), 50);
}
