/**
 * The gzip codec is a process decision made in main (installGzipCodec), not a side effect of importing
 * the sink; once installed, batches are gzip at level 1 that any gzip decoder reads.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { CompressionCodecs, CompressionTypes } from 'kafkajs';

test('importing the Kafka sink leaves kafkajs\' codec alone; installGzipCodec installs level-1 gzip', async () => {
  const builtIn = CompressionCodecs[CompressionTypes.GZIP];
  await import('../src/kafka-sink');
  expect(CompressionCodecs[CompressionTypes.GZIP]).toBe(builtIn);

  const { installGzipCodec } = await import('../src/kafka-codec');
  installGzipCodec();
  expect(CompressionCodecs[CompressionTypes.GZIP]).not.toBe(builtIn);
  const input = Buffer.from(Array.from({ length: 2000 }, (_, i) => `{"v":1,"m":"cpu","f":{"usage":${i % 97}}}`).join('\n'));
  const codec = CompressionCodecs[CompressionTypes.GZIP]() as unknown as { compress(e: { buffer: Buffer }): Promise<Buffer>; decompress(b: Buffer): Promise<Buffer> };
  const out = await codec.compress({ buffer: input });
  expect(gunzipSync(out).equals(input)).toBe(true);
  expect(out.equals(gzipSync(input, { level: 1 }))).toBe(true);
  expect((await codec.decompress(out)).equals(input)).toBe(true);
});
