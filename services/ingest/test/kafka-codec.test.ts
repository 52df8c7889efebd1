/**
 * The codecs are a process decision made in main (installKafkaCodecs), not a side effect of importing
 * the sink; once installed, batches are gzip at level 1 that any gzip decoder reads, and zstd frames
 * (Kafka codec 4) at ZSTD_LEVEL that any zstd decoder reads.
 */
import { gunzipSync, gzipSync, zstdCompressSync, zstdDecompressSync, constants as zlibConstants } from 'node:zlib';
import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import { loadConfig } from '../src/config';

type Codec = { compress(e: { buffer: Buffer }): Promise<Buffer>; decompress(b: Buffer): Promise<Buffer> };
const input = Buffer.from(Array.from({ length: 2000 }, (_, i) => `{"v":1,"m":"cpu","f":{"usage":${i % 97}}}`).join('\n'));

test('importing the Kafka sink leaves kafkajs\' codecs alone; installKafkaCodecs installs level-1 gzip and zstd', async () => {
  const builtInGzip = CompressionCodecs[CompressionTypes.GZIP];
  const builtInZstd = CompressionCodecs[CompressionTypes.ZSTD];
  const { KafkaSink } = await import('../src/kafka-sink');
  expect(CompressionCodecs[CompressionTypes.GZIP]).toBe(builtInGzip);
  expect(CompressionCodecs[CompressionTypes.ZSTD]).toBe(builtInZstd);
  expect(() => builtInZstd()).toThrow(/not implemented/); // what every send would meet
  // So a sink configured for zstd (the default) without the codec refuses to start, rather than spool forever.
  const kafka = loadConfig({ INGEST_AUTH: 'none', KAFKA_BROKERS: '127.0.0.1:9' }).kafka!;
  expect(kafka.compression).toBe('zstd');
  expect(() => new KafkaSink({ kafka } as never)).toThrow(/KAFKA_COMPRESSION=zstd: no zstd codec installed .*installKafkaCodecs/);

  const { installKafkaCodecs, ZSTD_LEVEL } = await import('../src/kafka-codec');
  installKafkaCodecs();
  expect(CompressionCodecs[CompressionTypes.GZIP]).not.toBe(builtInGzip);
  const gzip = CompressionCodecs[CompressionTypes.GZIP]() as unknown as Codec;
  const gz = await gzip.compress({ buffer: input });
  expect(gunzipSync(gz).equals(input)).toBe(true);
  expect(gz.equals(gzipSync(input, { level: 1 }))).toBe(true);
  expect((await gzip.decompress(gz)).equals(input)).toBe(true);

  const zstd = CompressionCodecs[CompressionTypes.ZSTD]() as unknown as Codec;
  const zs = await zstd.compress({ buffer: input });
  expect(zs.readUInt32LE(0)).toBe(0xfd2fb528); // a standard zstd frame (RFC 8878 magic number), what zstd-jni reads
  expect(zstdDecompressSync(zs).equals(input)).toBe(true);
  expect(zs.equals(zstdCompressSync(input, { params: { [zlibConstants.ZSTD_c_compressionLevel]: ZSTD_LEVEL } }))).toBe(true);
  expect((await zstd.decompress(zs)).equals(input)).toBe(true);
  expect(zs.length).toBeLessThan(gz.length);
});

test('a batch above the synchronous bound goes through the thread pool and comes out the same', async () => {
  const { installKafkaCodecs, SYNC_COMPRESS_MAX_BYTES } = await import('../src/kafka-codec');
  installKafkaCodecs();
  const big = Buffer.concat(Array.from({ length: Math.ceil((SYNC_COMPRESS_MAX_BYTES + 1) / input.length) }, () => input));
  expect(big.length).toBeGreaterThan(SYNC_COMPRESS_MAX_BYTES);
  for (const type of [CompressionTypes.GZIP, CompressionTypes.ZSTD] as const) {
    const c = CompressionCodecs[type]() as unknown as Codec;
    expect((await c.decompress(await c.compress({ buffer: big }))).equals(big)).toBe(true);
  }
});
