/**
 * KAFKA_COMPRESSION=zstd against the real local broker: the broker accepts the producer's zstd batches
 * (Kafka codec 4, KIP-110), keeps them as they are (compression.type=producer) and serves them back as
 * zstd; every acknowledged point is in the topic exactly as the service wrote it.
 */
import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import { AUTH, request, startTestServer } from '../helpers';
import { BROKER, createTopic, ensureKafka, pointsOf, readTopic } from './kafka-helpers';

beforeAll(() => ensureKafka(), 300_000);

type Codec = { compress(e: { buffer: Buffer }): Promise<Buffer>; decompress(b: Buffer): Promise<Buffer> };

test('zstd batches: produced through the service, stored and fetched as zstd, every point intact', async () => {
  const topic = `it-zstd-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
  await createTopic(topic, 3);
  const srv = await startTestServer({ KAFKA_BROKERS: BROKER, KAFKA_TOPIC: topic, KAFKA_COMPRESSION: 'zstd' }); // installs the codecs, as main does
  // kafkajs looks the codec up per batch: counting wrappers installed now see every send and fetch.
  const calls = { compress: 0, decompress: 0 };
  const zstd = CompressionCodecs[CompressionTypes.ZSTD]() as unknown as Codec;
  const gzip = CompressionCodecs[CompressionTypes.GZIP];
  CompressionCodecs[CompressionTypes.ZSTD] = () => ({
    compress: (e: { buffer: Buffer }) => (calls.compress++, zstd.compress(e)),
    decompress: (b: Buffer) => (calls.decompress++, zstd.decompress(b)),
  });
  CompressionCodecs[CompressionTypes.GZIP] = () => {
    throw new Error('gzip used although KAFKA_COMPRESSION=zstd');
  };
  const sent = new Set<string>();
  try {
    for (let r = 0; r < 40; r++) {
      const lines = Array.from({ length: 25 }, (_, i) => `zs,host=h${i % 5},req=r${r} seq=${i}i,val=${r * 0.5},s="text ${r}-${i}" ${1_700_000_000_000_000_000n + BigInt(r * 100 + i)}`);
      const res = await request(srv.port, { path: '/write?db=it', headers: AUTH, body: lines.join('\n') });
      expect(res.status).toBe(204);
      for (let i = 0; i < 25; i++) sent.add(`${r}/${i}`);
    }
  } finally {
    await srv.close();
  }
  expect(calls.compress).toBeGreaterThan(0);
  const points = pointsOf(await readTopic(topic));
  expect(calls.decompress).toBeGreaterThan(0); // the broker served zstd batches back
  const got = points.map((p) => JSON.parse(p.value));
  expect(got).toHaveLength(sent.size);
  for (const v of got) {
    const [r, i] = [Number(v.t.req.slice(1)), Number(v.f.seq.i)];
    expect(v).toEqual({ v: 1, m: 'zs', t: { host: `h${i % 5}`, req: `r${r}` }, f: { seq: { i: String(i) }, val: r * 0.5, s: `text ${r}-${i}` },
      ts: String(1_700_000_000_000_000_000n + BigInt(r * 100 + i)), rcv: v.rcv, db: 'it' });
    expect(sent.delete(`${r}/${i}`)).toBe(true);
  }
  expect(sent.size).toBe(0);
  CompressionCodecs[CompressionTypes.GZIP] = gzip;
});
