import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import pino from 'pino';
import { loadConfig } from '../src/config';
import { requestContext, type PointRecord, type Precision } from '../src/record';
import { startWorker, type RunningWorker } from '../src/worker';
import { installKafkaCodecs } from '../src/kafka-codec';

export const KEY = 'test-key-0001';
export const AUTH = { Authorization: `Token ${KEY}` };

export interface TestServer {
  readonly url: string;
  readonly port: number;
  readonly worker: RunningWorker;
  readonly dir: string;
  /** Parsed lines of the JSONL sink file. */
  lines(): Array<Record<string, unknown>>;
  close(): Promise<void>;
}

/** An in-process worker on a random loopback port with the JSONL sink in a fresh temp dir. */
export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  installKafkaCodecs(); // as main does before any worker starts
  const dir = mkdtempSync(path.join(tmpdir(), 'ingest-test-'));
  const jsonl = path.join(dir, 'points.jsonl');
  const config = loadConfig({
    INGEST_API_KEYS: KEY,
    PORT: '0',
    INGEST_HOST: '127.0.0.1',
    INGEST_WORKERS: '1',
    INGEST_JSONL_PATH: jsonl,
    INGEST_SPOOL_DIR: path.join(dir, 'spool'),
    LOG_LEVEL: 'silent',
    ...env,
  });
  const worker = await startWorker(config, { slot: 0, log: pino({ level: process.env.IT_LOG_LEVEL ?? 'silent' }) });
  return {
    url: `http://127.0.0.1:${worker.port}`,
    port: worker.port,
    worker,
    dir,
    lines: () => (existsSync(jsonl) ? readFileSync(jsonl, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : []),
    close: async () => {
      await worker.drain();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Fixed request context for parser tests: server time 1700000000000 ms. */
export function ctx(precision: Precision = 'ns', db?: string) {
  return requestContext(precision, db, 1_700_000_000_000);
}

export function values(records: PointRecord[]): Array<Record<string, unknown>> {
  return records.map((r) => JSON.parse(r.value));
}

import * as http from 'node:http';
import * as net from 'node:net';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  json: () => Record<string, unknown>;
}

/** One request on its own connection (no pooling, so a server-side close cannot affect other tests). */
export function request(
  port: number,
  opts: { method?: string; path?: string; headers?: http.OutgoingHttpHeaders; body?: string | Buffer; timeoutMs?: number },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: opts.method ?? 'POST', path: opts.path ?? '/write', headers: opts.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode!, headers: res.headers, body, json: () => JSON.parse(body) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    // Every test request is bounded in time: a hung answer fails the test instead of stalling it.
    req.setTimeout(opts.timeoutMs ?? 30_000, () => req.destroy(new Error('request timed out')));
    req.end(opts.body);
  });
}

/** Writes raw bytes to a socket and collects what comes back until the server closes (or `ms` pass). */
export function rawExchange(port: number, write: (s: net.Socket) => void, ms: number): Promise<{ data: string; closed: boolean }> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    let data = '';
    const timer = setTimeout(() => {
      s.destroy();
      resolve({ data, closed: false });
    }, ms);
    s.on('data', (d) => (data += d.toString('latin1')));
    s.on('close', () => {
      clearTimeout(timer);
      resolve({ data, closed: true });
    });
    s.on('error', () => undefined);
    s.on('connect', () => write(s));
  });
}
