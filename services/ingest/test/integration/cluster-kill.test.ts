/**
 * The real service (the esbuild bundle, 2 cluster workers) against the real broker: a worker killed with
 * SIGKILL mid-load loses nothing that was answered 204 — every such point is in Kafka or the spool — and
 * the primary replaces it. SIGTERM then drains and exits 0.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseSegment } from '../../src/spool';
import { AUTH, KEY, request } from '../helpers';
import { children, freePort, waitFor } from './cluster-helpers';
import { BROKER, createTopic, ensureKafka, pointsOf, readTopic } from './kafka-helpers';

const ROOT = path.resolve(__dirname, '../..');

beforeAll(async () => {
  await ensureKafka();
  execFileSync('node', ['build.mjs'], { cwd: ROOT, stdio: 'inherit' });
}, 300_000);

test('SIGKILL of a worker mid-load: every 204-acknowledged point is in Kafka or the spool', async () => {
  const topic = `it-kill-${Date.now()}`;
  await createTopic(topic);
  const dir = mkdtempSync(path.join(tmpdir(), 'ingest-kill-'));
  const port = await freePort();
  const svc: ChildProcess = spawn(process.execPath, [path.join(ROOT, 'dist/ingest.js')], {
    env: {
      ...process.env, PORT: String(port), INGEST_HOST: '127.0.0.1', INGEST_WORKERS: '2', INGEST_API_KEYS: KEY,
      KAFKA_BROKERS: BROKER, KAFKA_TOPIC: topic, INGEST_SPOOL_DIR: path.join(dir, 'spool'), LOG_LEVEL: process.env.IT_LOG_LEVEL ?? 'warn',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => svc.on('exit', (code) => resolve(code)));
  try {
    await waitFor('the service', async () => (await request(port, { method: 'GET', path: '/health' }).catch(() => undefined))?.status === 200, 30_000);
    await waitFor('two workers', () => children(svc.pid!).length === 2, 10_000);

    let stop = false;
    const started = Date.now();
    const acked: string[] = [];
    let failures = 0;
    const writers = Array.from({ length: 8 }, async (_, w) => {
      let seq = 0;
      for (let n = 0; !stop && n < 5000 && Date.now() - started < 60_000; n++) {
        const lines = Array.from({ length: 10 }, () => `kill,writer=w${w} seq=${seq++}i`);
        const res = await request(port, { headers: AUTH, body: lines.join('\n'), timeoutMs: 15_000 }).catch(() => undefined);
        if (res?.status === 204) acked.push(...lines);
        else failures++;
      }
    });

    await new Promise((r) => setTimeout(r, 1500));
    const [victim] = children(svc.pid!);
    process.kill(victim, 'SIGKILL');
    await waitFor('a replacement worker', () => children(svc.pid!).length === 2 && !children(svc.pid!).includes(victim), 10_000);
    await new Promise((r) => setTimeout(r, 1500));
    stop = true;
    await Promise.all(writers);

    console.log(`load stopped after ${Date.now() - started} ms`);
    svc.kill('SIGTERM');
    expect(await exited).toBe(0);

    const inKafka = pointsOf(await readTopic(topic)).map((p) => JSON.parse(p.value));
    const spoolDir = path.join(dir, 'spool');
    const inSpool = existsSync(spoolDir)
      ? readdirSync(spoolDir).flatMap((slot) =>
          readdirSync(path.join(spoolDir, slot)).filter((f) => f.endsWith('.spool')).flatMap((f) => parseSegment(readFileSync(path.join(spoolDir, slot, f))).toRecords()),
        ).map((r) => JSON.parse(r.value))
      : [];
    const have = new Set([...inKafka, ...inSpool].map((v) => `kill,writer=${v.t.writer} seq=${v.f.seq.i}i`));
    const missing = acked.filter((l) => !have.has(l));
    console.log(`kill test: ${acked.length} points acknowledged, ${failures} requests failed around the kill, ${inKafka.length} in Kafka, ${inSpool.length} in the spool, ${missing.length} missing`);
    expect(acked.length).toBeGreaterThan(1000);
    expect(missing).toEqual([]);
  } finally {
    if (svc.exitCode === null) svc.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
