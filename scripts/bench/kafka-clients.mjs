#!/usr/bin/env node
// One Kafka client producing the ingest service's records to the local broker, for
// scripts/bench/kafka-clients.sh (which runs kafkajs and @platformatic/kafka side by side).
//   node kafka-clients.mjs --client kafkajs|platformatic --topic T --partitions 3 --records 100000 \
//        [--batch 300] [--points-per-record 10] [--modules DIR]
// What both produce is what the service sends (docs/wire-format.md, point-json-lines-v1): records of
// `--points-per-record` JSON points joined by LF, header ms-format, partition chosen by the caller, an
// idempotent producer, acks=all, gzip at level 1 (both codecs set to the service's level, so the
// clients differ only in their own work), one send of `--batch` records in flight at a time (the
// service's sink); kafkajs with the service's build-time patches (patchKafkajs). Prints one JSON line: records/s and CPU µs per record (process.cpuUsage: every
// thread of this process, zlib's pool included) over the timed sends after a warm-up.
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { constants, gzip, gzipSync } from 'node:zlib';

const { values: a } = parseArgs({
  options: {
    client: { type: 'string' },
    topic: { type: 'string' },
    partitions: { type: 'string', default: '3' },
    records: { type: 'string', default: '100000' },
    batch: { type: 'string', default: '300' },
    'points-per-record': { type: 'string', default: '10' },
    modules: { type: 'string' }, // node_modules holding both clients
    broker: { type: 'string', default: '127.0.0.1:9092' },
  },
});
const die = (m) => { process.stderr.write(`kafka-clients: ${m}\n`); process.exit(2); };
if (!['kafkajs', 'platformatic'].includes(a.client)) die('--client kafkajs|platformatic');
if (!a.topic || !a.modules) die('--topic and --modules are required');
if (!/^127\.0\.0\.1:\d+$/.test(a.broker)) die('loopback broker only');
const partitions = Number(a.partitions);
const total = Number(a.records);
const batch = Number(a.batch);
const perRecord = Number(a['points-per-record']);
const require = createRequire(`${a.modules}/`);

// ---- the records: point-json-lines-v1 values, distinct per record ----
const nowMs = Date.now();
const values = [];
for (let r = 0; r < 1024; r++) {
  const lines = [];
  for (let p = 0; p < perRecord; p++) {
    const s = r * perRecord + p;
    const v = ((s * 7919) % 1000) / 10;
    lines.push(`{"v":1,"m":"cpu","t":{"host":"server-${String(s % 10_000).padStart(5, '0')}","region":"eu-west-1"},"f":{"usage_user":${v},"usage_system":${v / 2},"procs":{"i":"${s % 500}"}},"ts":"${BigInt(nowMs) * 1_000_000n + BigInt(s)}","rcv":${nowMs},"db":"bench"}`);
  }
  values.push(lines.join('\n'));
}
const GZIP = { level: constants.Z_BEST_SPEED };

/**
 * kafkajs as the service runs it: services/ingest/build.mjs swaps two kafkajs internals for the
 * service's faster equivalents (src/kafka-record.ts, src/kafka-group.ts) when bundling; here the same
 * two modules are replaced in require's cache before kafkajs loads them (Node strips the TypeScript types).
 */
function patchKafkajs() {
  const srcDir = new URL('../../services/ingest/src/', import.meta.url).pathname;
  const swap = (id, exportsOf) => {
    const file = require.resolve(id);
    require(file);
    require.cache[file].exports = exportsOf(require.cache[file].exports);
  };
  swap('kafkajs/src/protocol/recordBatch/record/v0', (orig) => require(`${srcDir}kafka-record.ts`).fastRecordEncoder(orig));
  swap('kafkajs/src/producer/groupMessagesPerPartition', () => require(`${srcDir}kafka-group.ts`).groupMessagesPerPartition);
}

async function kafkajsClient() {
  patchKafkajs();
  const { Kafka, logLevel, CompressionTypes, CompressionCodecs } = require('kafkajs');
  // The service's codec (services/ingest/src/kafka-sink.ts): level 1, synchronous for batches ≤ 1 MiB.
  CompressionCodecs[CompressionTypes.GZIP] = () => ({
    compress: async (e) => gzipSync(e.buffer, GZIP),
    decompress: () => { throw new Error('not used'); },
  });
  const producer = new Kafka({ brokers: [a.broker], logLevel: logLevel.NOTHING }).producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const headers = { 'ms-format': 'point-json-lines-v1' };
  return {
    send: (msgs) => producer.send({ topic: a.topic, acks: -1, compression: CompressionTypes.GZIP, messages: msgs.map((m) => ({ partition: m.partition, key: null, value: m.value, headers })) }),
    close: () => producer.disconnect(),
  };
}

async function platformaticClient() {
  const { Producer, ProduceAcks, compressionsAlgorithms, stringSerializers } = require('@platformatic/kafka');
  // Same codec level as the service's kafkajs codec.
  compressionsAlgorithms.gzip.compressSync = (d) => gzipSync(Buffer.isBuffer(d) ? d : d.buffer, GZIP);
  compressionsAlgorithms.gzip.compress = (d) => new Promise((res, rej) => gzip(Buffer.isBuffer(d) ? d : d.buffer, GZIP, (e, out) => (e ? rej(e) : res(out))));
  const producer = new Producer({
    clientId: 'bench-kafka-clients', bootstrapBrokers: [a.broker], idempotent: true, acks: ProduceAcks.ALL, compression: 'gzip',
    serializers: stringSerializers,
  });
  const headers = new Map([['ms-format', 'point-json-lines-v1']]);
  return {
    send: (msgs) => producer.send({ messages: msgs.map((m) => ({ topic: a.topic, partition: m.partition, value: m.value, headers })) }),
    close: () => producer.close(),
  };
}

const client = a.client === 'kafkajs' ? await kafkajsClient() : await platformaticClient();
let next = 0;
const sendBatch = () => {
  const msgs = new Array(batch);
  for (let i = 0; i < batch; i++, next++) msgs[i] = { partition: next % partitions, value: values[next % values.length] };
  return client.send(msgs);
};
const warm = Math.max(batch, Math.floor(total / 10));
while (next < warm) await sendBatch();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const start = next;
while (next - start < total) await sendBatch();
const secs = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const sent = next - start;
await client.close();
process.stdout.write(JSON.stringify({
  client: a.client, records: sent, pointsPerRecord: perRecord, batch, seconds: +secs.toFixed(2),
  recordsPerSec: Math.round(sent / secs), cpuUsPerRecord: +((cpu.user + cpu.system) / sent).toFixed(2),
  cpuUsPerPoint: +((cpu.user + cpu.system) / sent / perRecord).toFixed(3),
}) + '\n');
process.exit(0);
