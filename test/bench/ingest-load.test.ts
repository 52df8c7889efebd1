/**
 * The benchmark's load generator (scripts/bench/ingest-load.mjs) against a real node:http server on
 * 127.0.0.1: Telegraf's shape (gzip bodies of N points) spread over several load processes, and CPU per
 * point counted over acknowledged (2xx) points only. Small and bounded: 2 × 1 s runs, 20 connections.
 */
import { execFile } from 'node:child_process';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';

const LOAD = path.join(__dirname, '../../scripts/bench/ingest-load.mjs');

interface Seen { bodies: number; badBodies: number; sockets: Set<unknown>; encodings: Set<string> }

/** A server that gunzips and counts lines; `fail(n)` picks the requests answered 500. */
async function server(points: number, fail: (n: number) => boolean): Promise<{ url: string; seen: Seen; close: () => Promise<void> }> {
  const seen: Seen = { bodies: 0, badBodies: 0, sockets: new Set(), encodings: new Set() };
  let n = 0;
  const s = http.createServer((req, res) => {
    seen.sockets.add(req.socket);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.encodings.add(String(req.headers['content-encoding']));
      const raw = Buffer.concat(chunks);
      const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw).toString() : raw.toString();
      const lines = body.split('\n').filter(Boolean);
      seen.bodies++;
      if (lines.length !== points || !lines.every((l) => /^cpu,host=server-\d{5},region=eu-west-1 usage_user=/.test(l))) seen.badBodies++;
      res.writeHead(fail(n++) ? 500 : 204);
      res.end();
    });
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/write?db=bench`,
    seen,
    close: () => new Promise((r) => { s.closeAllConnections(); s.close(() => r()); }),
  };
}

function load(args: string[]): Promise<Record<string, any>> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [LOAD, ...args], { timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`${err.message}\n${stderr}`));
      resolve(JSON.parse(stdout));
    });
  });
}

test('Telegraf shape over 2 load processes: gzip bodies of 100 points, every connection used, CPU per acknowledged point', async () => {
  const srv = await server(100, () => false);
  try {
    const r = await load(['--url', srv.url, '--points', '100', '--gzip', '--connections', '20', '--procs', '2', '--duration', '1', '--warmup', '0.5',
      '--cpu-pid', String(process.pid)]); // this process serves the requests: its CPU is the target's
    expect(srv.seen.encodings).toEqual(new Set(['gzip']));
    expect(srv.seen.badBodies).toBe(0);
    expect(srv.seen.sockets.size).toBe(20); // 10 connections from each load process, all kept alive
    expect(r).toMatchObject({ procs: 2, connections: 20, points: 100, gzip: true, errors: 0, statuses: { 204: r.requests } });
    expect(r.requests).toBeGreaterThan(0);
    expect(r.requests).toBeLessThanOrEqual(srv.seen.bodies); // warm-up requests are served, not counted
    expect(r.pps / ((r.requests * 100) / r.seconds)).toBeCloseTo(1, 2); // `seconds` is printed rounded
    expect(r.p50).toBeGreaterThan(0);
    expect(r.p99).toBeGreaterThanOrEqual(r.p50);
    expect(r.brokerCpuUsPerPoint).toBeCloseTo(r.brokerCpuUsPerRequest / 100, 0);
    expect(r.unansweredAtExit).toBeUndefined(); // every request sent was answered before the generator exited
  } finally {
    await srv.close();
  }
}, 40_000);

test('errors are counted and points/s and CPU per point count only acknowledged points', async () => {
  const srv = await server(10, (n) => n % 2 === 1); // every other request fails
  try {
    const r = await load(['--url', srv.url, '--points', '10', '--connections', '4', '--duration', '1', '--warmup', '0.5', '--cpu-pid', String(process.pid)]);
    expect(srv.seen.encodings).toEqual(new Set(['undefined']));
    expect(srv.seen.badBodies).toBe(0);
    expect(r.errors).toBeGreaterThan(0);
    expect(r.statuses[500]).toBe(r.errors);
    const ok = r.requests - r.errors;
    expect(r.statuses[204]).toBe(ok);
    expect(r.pps / ((ok * 10) / r.seconds)).toBeCloseTo(1, 2); // 2xx points only
    // per acknowledged point: CPU / (ok × points), so above CPU per request / points
    expect(r.brokerCpuUsPerPoint).toBeGreaterThan(r.brokerCpuUsPerRequest / 10);
  } finally {
    await srv.close();
  }
}, 40_000);
