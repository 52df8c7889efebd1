/**
 * For the Flink job's integration tests (IngestCodecIT): the ingest service itself — one in-process
 * worker with its real Kafka sink and the codecs main installs — takes a line-protocol file in
 * requests of N lines (`/write?db=it`, each must be answered 204) and drains into KAFKA_TOPIC on the
 * local broker, compressed with KAFKA_COMPRESSION. Exits non-zero unless every request was accepted and
 * every send used that codec.
 *
 *   KAFKA_TOPIC=t KAFKA_COMPRESSION=zstd tsx scripts/flink/ingest-produce.ts <lines-file> <lines-per-request>
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import pino from 'pino';
import { loadConfig } from '../../services/ingest/src/config';
import { installKafkaCodecs } from '../../services/ingest/src/kafka-codec';
import { startWorker } from '../../services/ingest/src/worker';

const [file, perRequestArg] = process.argv.slice(2);
const perRequest = Number(perRequestArg);
const compression = process.env.KAFKA_COMPRESSION ?? 'zstd';
const topic = process.env.KAFKA_TOPIC;
if (!file || !(perRequest > 0) || !topic) throw new Error('usage: KAFKA_TOPIC=… ingest-produce.ts <lines-file> <lines-per-request>');

const TYPES = { gzip: CompressionTypes.GZIP, zstd: CompressionTypes.ZSTD } as const;

function post(port: number, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/write?db=it' }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function main(): Promise<void> {
  installKafkaCodecs();
  // Count what the producer compressed with each codec: the run proves it used the one asked for.
  const used = new Map<CompressionTypes.GZIP | CompressionTypes.ZSTD, number>();
  for (const type of Object.values(TYPES)) {
    const inner = CompressionCodecs[type]();
    CompressionCodecs[type] = () => ({ ...inner, compress: (e: { buffer: Buffer }) => (used.set(type, (used.get(type) ?? 0) + 1), inner.compress(e)) });
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'ingest-produce-'));
  const config = loadConfig({
    INGEST_AUTH: 'none', PORT: '0', INGEST_HOST: '127.0.0.1', INGEST_WORKERS: '1', INGEST_SPOOL_DIR: path.join(dir, 'spool'),
    KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092', KAFKA_TOPIC: topic, KAFKA_COMPRESSION: compression, LOG_LEVEL: 'warn',
  });
  const worker = await startWorker(config, { slot: 0, log: pino({ level: 'warn' }) });
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  try {
    for (let i = 0; i < lines.length; i += perRequest) {
      const status = await post(worker.port, lines.slice(i, i + perRequest).join('\n'));
      if (status !== 204) throw new Error(`request at line ${i + 1} answered ${status}`);
    }
  } finally {
    await worker.drain();
    rmSync(dir, { recursive: true, force: true });
  }
  const counts = Object.fromEntries(Object.entries(TYPES).map(([name, t]) => [name, used.get(t) ?? 0]));
  console.log(`ingest-produce: ${lines.length} points into ${topic}, compressed batches by codec: ${JSON.stringify(counts)}`);
  const others = Object.entries(counts).filter(([name, n]) => name !== compression && n > 0);
  if (!(counts[compression] > 0) || others.length) throw new Error(`expected only ${compression} batches, got ${JSON.stringify(counts)}`);
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
