/**
 * No accepted connection goes unanswered across a worker's death. The real service (the esbuild bundle,
 * 2 cluster workers, a short request timeout) under load from clients that open a new connection per
 * request and clients that keep theirs alive; one worker is SIGKILLed three times. Every request must
 * end within the request timeout plus a margin — answered, or its connection closed or reset (the
 * client then retries) — and never by the client giving up on a silent server.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { AUTH, KEY, request } from '../helpers';
import { children, freePort, waitFor } from './cluster-helpers';
import { BROKER, createTopic, ensureKafka } from './kafka-helpers';

const ROOT = path.resolve(__dirname, '../..');
const REQUEST_TIMEOUT_MS = 3000;
/** The client waits this long past the service's own request timeout before calling a request unanswered. */
const CLIENT_DEADLINE_MS = REQUEST_TIMEOUT_MS + 3000;

beforeAll(async () => {
  await ensureKafka();
  execFileSync('node', ['build.mjs'], { cwd: ROOT, stdio: 'inherit' });
}, 300_000);

type Outcome = 'answered' | 'closed' | 'unanswered';

/** One write; 'closed' when the connection was reset or closed without an answer, 'unanswered' when nothing happened in time. */
function write(port: number, agent: http.Agent | false, body: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/write', headers: AUTH, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve('answered'));
      res.on('error', () => resolve('closed'));
    });
    const timer = setTimeout(() => {
      resolve('unanswered');
      req.destroy();
    }, CLIENT_DEADLINE_MS);
    req.on('error', () => resolve('closed'));
    req.on('close', () => clearTimeout(timer));
    req.end(body);
  });
}

test('SIGKILL of a worker under load: every request is answered or its connection closed within the request timeout', async () => {
  const topic = `it-answer-${Date.now()}`;
  await createTopic(topic);
  const dir = mkdtempSync(path.join(tmpdir(), 'ingest-answer-'));
  const port = await freePort();
  const svc: ChildProcess = spawn(process.execPath, [path.join(ROOT, 'dist/ingest.js')], {
    env: {
      ...process.env, PORT: String(port), INGEST_HOST: '127.0.0.1', INGEST_WORKERS: '2', INGEST_API_KEYS: KEY,
      INGEST_RATE_REQUESTS_PER_SEC: '1000000', INGEST_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS), INGEST_HEADERS_TIMEOUT_MS: '2000',
      KAFKA_BROKERS: BROKER, KAFKA_TOPIC: topic, INGEST_SPOOL_DIR: path.join(dir, 'spool'), LOG_LEVEL: process.env.IT_LOG_LEVEL ?? 'warn',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => svc.on('exit', (code) => resolve(code)));
  const outcomes: Record<Outcome, number> = { answered: 0, closed: 0, unanswered: 0 };
  const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 8 });
  try {
    await waitFor('the service', async () => (await request(port, { method: 'GET', path: '/health', timeoutMs: 2000 }).catch(() => undefined))?.status === 200, 30_000, 50);
    await waitFor('two workers', () => children(svc.pid!).length === 2, 10_000, 50);

    let stop = false;
    const started = Date.now();
    // 16 clients with a fresh connection per request (many connections being handed to workers at any
    // moment) and 8 on keep-alive connections; bounded in count and time.
    const clients = Array.from({ length: 24 }, async (_, c) => {
      for (let n = 0; !stop && n < 20_000 && Date.now() - started < 60_000; n++) {
        outcomes[await write(port, c < 16 ? false : keepAlive, `answer,client=c${c} seq=${n}i`)]++;
      }
    });

    for (let kill = 0; kill < 3; kill++) {
      await new Promise((r) => setTimeout(r, 1000));
      const [victim] = children(svc.pid!);
      process.kill(victim, 'SIGKILL');
      await waitFor('a replacement worker', () => children(svc.pid!).length === 2 && !children(svc.pid!).includes(victim), 10_000, 50);
      // The replacement must be serving (it listens before it reports ready) before the next kill.
      await waitFor('the service again', async () => (await request(port, { method: 'GET', path: '/health', timeoutMs: 2000 }).catch(() => undefined))?.status === 200, 10_000, 50);
    }
    await new Promise((r) => setTimeout(r, 1000));
    stop = true;
    await Promise.all(clients);
    console.log(`answer test: ${JSON.stringify(outcomes)} in ${Date.now() - started} ms`);

    expect(outcomes.answered).toBeGreaterThan(1000);
    expect(outcomes.unanswered).toBe(0);
    svc.kill('SIGTERM');
    expect(await exited).toBe(0);
  } finally {
    keepAlive.destroy();
    if (svc.exitCode === null) svc.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a port another process holds is refused at start, not shared through SO_REUSEPORT', async () => {
  const holder = net.createServer();
  // The holder opts into SO_REUSEPORT too: without the primary's plain bind, our workers would join it.
  await new Promise<void>((resolve) => holder.listen({ port: 0, host: '127.0.0.1', reusePort: true }, () => resolve()));
  const { port } = holder.address() as net.AddressInfo;
  try {
    const svc = spawn(process.execPath, [path.join(ROOT, 'dist/ingest.js')], {
      env: { ...process.env, PORT: String(port), INGEST_HOST: '127.0.0.1', INGEST_WORKERS: '2', INGEST_API_KEYS: KEY, INGEST_JSONL_PATH: path.join(tmpdir(), `answer-${port}.jsonl`), LOG_LEVEL: 'fatal' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    svc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => svc.on('exit', (c) => resolve(c)));
    expect(code).toBe(1);
    expect(out).toContain(`cannot serve on 127.0.0.1:${port}`);
    expect(out).toContain('EADDRINUSE');
  } finally {
    holder.close();
  }
});

// The distribution's node on a machine that has not run scripts/node/ensure.sh (Node 20 here and on CI).
const olderNode = ['/usr/bin/node', '/usr/local/bin/node'].find((n) => {
  try {
    return Number(execFileSync(n, ['-p', 'process.versions.node.split(".")[0]'], { encoding: 'utf8' })) < Number(process.versions.node.split('.')[0]);
  } catch {
    return false;
  }
});
(olderNode ? test : test.skip)('the bundle refuses to start on an older Node, saying which it needs', () => {
  let out = '';
  let status = 0;
  try {
    execFileSync(olderNode!, [path.join(ROOT, 'dist/ingest.js')], { env: { ...process.env, INGEST_AUTH: 'none' }, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', timeout: 10_000 });
  } catch (e) {
    ({ status, stderr: out } = e as { status: number; stderr: string });
  }
  expect(status).toBe(2);
  expect(out).toMatch(/^ingest: needs Node\.js [0-9]+ or later, running on v[0-9]+/);
});
