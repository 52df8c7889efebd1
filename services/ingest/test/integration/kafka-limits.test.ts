/**
 * Nothing accepted may stall the pipeline, against the real local broker:
 * - the 2.1 MB incompressible string point is refused with 400 (InfluxDB's 64 KiB string limit);
 * - a topic that does not exist: /health says `spooling` and why, one log line names the topic and the
 *   fix, the sink-state metrics say so; once created, the spool drains;
 * - a record the broker refuses as too large (the topic's max.message.bytes is smaller than planned) is
 *   set aside in the dead-letter file, counted and logged, and the 20 points after it reach Kafka —
 *   both when it sits in the spool and when it is sent directly;
 * - the start check: the topic's smaller max.message.bytes becomes the bound, so a new oversized point
 *   gets 400 instead of a 204 it could never honour.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { ConfigResourceTypes } from 'kafkajs';
import pino from 'pino';
import { loadConfig } from '../../src/config';
import { parseDeadLetters } from '../../src/dead-letter';
import { installKafkaCodecs } from '../../src/kafka-codec';
import { startWorker, type RunningWorker } from '../../src/worker';
import { AUTH, KEY, request } from '../helpers';
import { BROKER, ensureKafka, kafka, pointsOf, readTopic } from './kafka-helpers';

beforeAll(async () => {
  installKafkaCodecs(); // as main does
  await ensureKafka();
}, 300_000);

const uniq = () => `it-limits-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;

interface Srv {
  port: number;
  worker: RunningWorker;
  dir: string;
  logs: Array<Record<string, unknown>>;
  metrics(): Promise<string>;
  close(): Promise<void>;
}

/** An in-process worker on the real broker whose log lines are kept for assertions. */
async function start(topic: string, env: Record<string, string> = {}): Promise<Srv> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ingest-limits-'));
  const logs: Array<Record<string, unknown>> = [];
  const stream = new Writable({ write(chunk, _enc, cb) { for (const l of String(chunk).split('\n')) if (l) logs.push(JSON.parse(l)); cb(); } });
  const config = loadConfig({
    INGEST_API_KEYS: KEY, PORT: '0', INGEST_HOST: '127.0.0.1', INGEST_WORKERS: '1', INGEST_SPOOL_DIR: path.join(dir, 'spool'),
    KAFKA_BROKERS: BROKER, KAFKA_TOPIC: topic, KAFKA_SEND_TIMEOUT_MS: '3000', LOG_LEVEL: 'info', ...env,
  });
  const worker = await startWorker(config, { slot: 0, log: pino({ level: 'info' }, stream) });
  return {
    port: worker.port, worker, dir, logs,
    metrics: async () => (await request(worker.port, { method: 'GET', path: '/metrics' })).body,
    close: async () => {
      await worker.drain();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function createTopic(topic: string, configEntries: Array<{ name: string; value: string }> = []): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: 3, configEntries }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

async function setMaxMessageBytes(topic: string, bytes: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [{ name: 'max.message.bytes', value: String(bytes) }] }] });
  } finally {
    await admin.disconnect();
  }
}

async function waitFor(what: string, cond: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

/** A point with an incompressible string field of `bytes` characters. */
const bigPoint = (bytes: number) => `big,host=a s="${randomBytes(Math.ceil((bytes * 3) / 4)).toString('base64').slice(0, bytes)}"`;
const small = (i: number) => `later,host=h${i % 5} seq=${i}i`;

async function write(port: number, body: string) {
  return request(port, { path: '/write?db=it', headers: AUTH, body });
}

/**
 * The distinct seqs in the topic once all of 1..n are there. Isolating a refused record resends the
 * partitions that had landed (at-least-once), so a seq may appear twice, never more.
 */
async function seqsIn(topic: string, n: number): Promise<number[]> {
  let seqs: number[] = [];
  await waitFor(`${n} points in ${topic}`, async () => {
    seqs = pointsOf(await readTopic(topic)).map((p) => Number(JSON.parse(p.value).f.seq.i));
    return new Set(seqs).size >= n;
  });
  for (const s of new Set(seqs)) expect(seqs.filter((x) => x === s).length).toBeLessThanOrEqual(2);
  return [...new Set(seqs)].sort((a, b) => a - b);
}

const spoolSegments = (srv: Srv) => readdirSync(path.join(srv.dir, 'spool', 'slot-0')).filter((f) => f.endsWith('.spool'));
const deadLetters = (srv: Srv) => {
  const f = path.join(srv.dir, 'spool', 'slot-0', 'dead-letter.jsonl');
  return existsSync(f) ? parseDeadLetters(readFileSync(f, 'utf8')) : [];
};

test('the issue\'s 2.1 MB incompressible string point gets 400 naming the line and the limit; the 20 later points reach Kafka', async () => {
  const topic = uniq();
  await createTopic(topic);
  const srv = await start(topic);
  try {
    const res = await write(srv.port, `${small(0)}\n${bigPoint(2_100_000)}`);
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ code: 'INGEST_ERR_POINT_TOO_LARGE', line: 2, field: 'field "s"', limit: 65_536 });
    expect(res.json().message).toMatch(/^line 2, column 14: field "s": the string value has 2100000 bytes, over the limit of 65536$/);
    for (let i = 1; i <= 20; i++) expect((await write(srv.port, small(i))).status).toBe(204);
    expect(await seqsIn(topic, 20)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  } finally {
    await srv.close();
  }
});

test('missing topic: spooling said once with the fix; created with a small max.message.bytes: the too-large spooled point goes to dead-letter, the 20 later ones reach Kafka', async () => {
  const topic = uniq();
  const srv = await start(topic);
  try {
    // The broker is up, the topic is not: writes are taken into the spool, and the service says why.
    expect((await write(srv.port, bigPoint(30_000))).status).toBe(204);
    for (let i = 1; i <= 20; i++) expect((await write(srv.port, small(i))).status).toBe(204);
    const health = await request(srv.port, { method: 'GET', path: '/health' });
    expect(health.status).toBe(200); // ready: the spool has room
    expect(health.json()).toEqual({ status: 'spooling', reason: expect.stringMatching(new RegExp(`^topic "${topic}" does not exist on 127\\.0\\.0\\.1:9092: create it \\(locally \`npm run kafka:start\` creates the planned topics`)) });
    const m = await srv.metrics();
    expect(m).toMatch(/^ingest_sink_spooling_reason\{reason="topic-missing"\} 1$/m);
    expect(m).toMatch(/^ingest_sink_mode\{mode="spooling"\} 1$/m);
    expect(m).toMatch(/^ingest_kafka_up 0$/m);
    await new Promise((r) => setTimeout(r, 1500)); // several replay attempts fail meanwhile
    const said = srv.logs.filter((l) => l.reason === 'topic-missing');
    expect(said).toHaveLength(1); // once, not once per retry
    expect(said[0].msg).toContain(`topic "${topic}" does not exist`);

    // The topic appears, but refuses records over 4000 bytes: the big point can never be delivered.
    await createTopic(topic, [{ name: 'max.message.bytes', value: '4000' }]);
    expect(await seqsIn(topic, 20)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    await waitFor('direct sends', async () => /^ingest_kafka_up 1$/m.test(await srv.metrics()));
    expect(spoolSegments(srv)).toEqual([]);
    const dead = deadLetters(srv);
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ key: 'big,host=a', reason: expect.stringMatching(/^MESSAGE_TOO_LARGE: /), value: { m: 'big' } });
    const after = await srv.metrics();
    expect(after).toMatch(/^ingest_dead_letter_records_total\{reason="MESSAGE_TOO_LARGE"\} 1$/m);
    expect(srv.logs.filter((l) => typeof l.msg === 'string' && l.msg.startsWith('Kafka refused a point of series "big,host=a"'))).toHaveLength(1);
    expect((await request(srv.port, { method: 'GET', path: '/health' })).json()).toEqual({ status: 'ok' });

    // Checked against the topic's real config: its 4000 bytes are now the bound, so a new big point
    // is refused up front instead of being accepted into a dead end.
    expect(after).toMatch(/^ingest_kafka_max_message_bytes 4000$/m);
    expect(srv.logs.some((l) => l.level === 50 && /has max\.message\.bytes=4000, below KAFKA_MAX_MESSAGE_BYTES=1048576/.test(String(l.msg)))).toBe(true);
    const refused = await write(srv.port, bigPoint(30_000));
    expect(refused.status).toBe(400);
    expect(refused.json()).toMatchObject({ code: 'INGEST_ERR_POINT_TOO_LARGE', line: 1, field: 'point' });
  } finally {
    await srv.close();
  }
});

test('missing topic: the replay attempts leave no connection to the broker open', async () => {
  const sockets = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
  const before = sockets();
  const topic = uniq();
  const srv = await start(topic);
  try {
    expect((await write(srv.port, small(1))).status).toBe(204);
    await waitFor('the missing topic said', async () => srv.logs.some((l) => l.reason === 'topic-missing'), 10_000);
    await new Promise((r) => setTimeout(r, 2000)); // replay attempts keep failing on the missing topic meanwhile
  } finally {
    await srv.close();
  }
  // Each attempt's producer connected, then failed on the topic lookup; before the fix none was closed.
  await waitFor('the sockets closed', async () => sockets() <= before, 5_000);
  expect(sockets()).toBeLessThanOrEqual(before);
});

test('a record the broker refuses when sent directly (topic shrunk after start) goes to dead-letter; the 20 later points reach Kafka', async () => {
  const topic = uniq();
  await createTopic(topic);
  const srv = await start(topic);
  try {
    await setMaxMessageBytes(topic, 4000); // behind the service's back: its bound is still 1 MiB
    expect((await write(srv.port, bigPoint(30_000))).status).toBe(204);
    for (let i = 1; i <= 20; i++) expect((await write(srv.port, small(i))).status).toBe(204);
    expect(await seqsIn(topic, 20)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(deadLetters(srv).map((d) => d.key)).toEqual(['big,host=a']);
    expect(await srv.metrics()).toMatch(/^ingest_dead_letter_records_total\{reason="MESSAGE_TOO_LARGE"\} 1$/m);
    expect(spoolSegments(srv)).toEqual([]);
  } finally {
    await srv.close();
  }
});
