import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import * as net from 'node:net';
import * as path from 'node:path';
import { Kafka, logLevel, type IHeaders } from 'kafkajs';
import { installKafkaCodecs } from '../../src/kafka-codec';

export const BROKER = '127.0.0.1:9092';
const SCRIPTS = path.resolve(__dirname, '../../../../scripts/kafka');

function reachable(): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(9092, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

/** Starts the local broker when it is not running (standalone runs); the integration script starts it before us. */
export async function ensureKafka(): Promise<void> {
  if (!(await reachable())) await kafkaStart();
}

// Asynchronous on purpose: the server under test runs in this process, and a synchronous exec would
// freeze it (and time its clients out) for as long as the script runs.
const run = promisify(execFile);

export async function kafkaStart(): Promise<void> {
  const { stderr } = await run('bash', [path.join(SCRIPTS, 'start.sh')], { timeout: 300_000 });
  process.stderr.write(stderr);
}

export async function kafkaStop(): Promise<void> {
  const { stderr } = await run('bash', [path.join(SCRIPTS, 'stop.sh')], { timeout: 120_000 });
  process.stderr.write(stderr);
}

// The tests' own consumers read what the service wrote: zstd by default, which kafkajs cannot decode alone.
installKafkaCodecs();

export const kafka = new Kafka({ clientId: 'ingest-it', brokers: [BROKER], logLevel: logLevel.NOTHING });

export async function createTopic(topic: string, partitions = 3): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

export interface Consumed {
  partition: number;
  offset: string;
  /** null in point-json-lines-v1 records. */
  key: string | null;
  value: string;
  headers: IHeaders;
}

/** One point as found in the topic: its record's partition, key and format, and its own value. */
export interface ConsumedPoint extends Consumed {
  format: string;
}

/**
 * The points of the records, in topic order: a point-json-lines-v1 record gives one entry per line, a
 * point-json-v1 record one entry. Throws on any other format.
 */
export function pointsOf(records: Consumed[]): ConsumedPoint[] {
  return records.flatMap((r) => {
    const format = r.headers['ms-format']?.toString() ?? '';
    if (format === 'point-json-v1') return [{ ...r, format }];
    if (format === 'point-json-lines-v1') return r.value.split('\n').map((value) => ({ ...r, value, format }));
    throw new Error(`unexpected record format "${format}" at ${r.partition}@${r.offset}`);
  });
}

/** Every record of the topic, read up to the end offsets as they are now (bounded by timeoutMs); see pointsOf. */
export async function readTopic(topic: string, timeoutMs = 60_000): Promise<Consumed[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const want = new Map(ends.map((e) => [e.partition, BigInt(e.high)]));
  const total = [...want.values()].reduce((a, b) => a + b, 0n);
  const out: Consumed[] = [];
  if (total === 0n) return out;
  const consumer = kafka.consumer({ groupId: `it-${topic}-${Date.now()}`, maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`read ${out.length} of ${total} records within ${timeoutMs} ms`)), timeoutMs);
    void consumer.run({
      eachMessage: async ({ partition, message }) => {
        out.push({ partition, offset: message.offset, key: message.key?.toString() ?? null, value: message.value!.toString(), headers: message.headers ?? {} });
        if (BigInt(out.length) >= total) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await consumer.disconnect();
  // per partition in offset order
  return out.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
}
