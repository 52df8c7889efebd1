/**
 * Saturation without errors, against the real local broker: more data in flight than the worker's
 * queue bound (INGEST_MAX_PENDING_BYTES) holds. With no wait, the requests that find the queue full
 * are refused 503; with INGEST_OVERLOAD_WAIT_MS they wait for room and every one is answered 204,
 * every point in the topic.
 */
import * as path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import pino from 'pino';
import { loadConfig } from '../../src/config';
import { installKafkaCodecs } from '../../src/kafka-codec';
import { startWorker } from '../../src/worker';
import { AUTH, KEY, request } from '../helpers';
import { BROKER, createTopic, ensureKafka, pointsOf, readTopic } from './kafka-helpers';

beforeAll(async () => {
  installKafkaCodecs();
  await ensureKafka();
}, 300_000);

const REQUESTS = 60;
const POINTS = 500;

/** 60 concurrent requests of 500 points (~35 kB of records each) into a 64 KiB queue. */
async function saturate(overloadWaitMs: string): Promise<{ statuses: number[]; topic: string; waits: number }> {
  const topic = `it-backpressure-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
  await createTopic(topic);
  const dir = mkdtempSync(path.join(tmpdir(), 'ingest-backpressure-'));
  const config = loadConfig({
    INGEST_API_KEYS: KEY, PORT: '0', INGEST_HOST: '127.0.0.1', INGEST_WORKERS: '1', INGEST_SPOOL_DIR: path.join(dir, 'spool'),
    KAFKA_BROKERS: BROKER, KAFKA_TOPIC: topic, INGEST_MAX_PENDING_BYTES: String(64 * 1024), INGEST_OVERLOAD_WAIT_MS: overloadWaitMs,
    INGEST_RATE_REQUESTS_PER_SEC: '100000', INGEST_RATE_POINTS_PER_SEC: '10000000', LOG_LEVEL: 'silent',
  });
  const worker = await startWorker(config, { slot: 0, log: pino({ level: 'silent' }) });
  try {
    const body = (r: number) => Array.from({ length: POINTS }, (_, i) => `bp,host=h${r},series=s${i} value=${i}i ${1_700_000_000_000_000_000 + i}`).join('\n');
    const answers = await Promise.all(Array.from({ length: REQUESTS }, (_, r) => request(worker.port, { path: '/write', headers: AUTH, body: body(r), timeoutMs: 25_000 })));
    const metrics = (await request(worker.port, { method: 'GET', path: '/metrics' })).body;
    const waits = Number(/^ingest_overload_waits_total (\d+)$/m.exec(metrics)?.[1] ?? 0);
    return { statuses: answers.map((a) => a.status), topic, waits };
  } finally {
    await worker.drain();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('without a wait, requests that find the queue full are refused 503 (the reproduction)', async () => {
  const { statuses } = await saturate('0');
  expect(statuses.filter((s) => s === 503).length).toBeGreaterThan(0);
  expect(statuses.every((s) => s === 204 || s === 503)).toBe(true);
}, 120_000);

test('with INGEST_OVERLOAD_WAIT_MS they wait for room: every request 204, every point in the topic', async () => {
  const { statuses, topic, waits } = await saturate('10000');
  expect(statuses.filter((s) => s !== 204)).toEqual([]);
  expect(waits).toBeGreaterThan(0);
  expect(pointsOf(await readTopic(topic)).length).toBe(REQUESTS * POINTS);
}, 120_000);
