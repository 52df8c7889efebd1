/**
 * The gzip codec the Kafka producer compresses with, installed explicitly by the worker (main.ts):
 * kafkajs keeps codecs in one process-wide table, so replacing its built-in one is a process decision,
 * not a side effect of importing the sink.
 *
 * gzip at level 1 instead of kafkajs' default (zlib level 6): on our JSON records the batch comes out
 * ~10 % larger but compressing costs about half the CPU. Still gzip (codec 1): brokers and consumers
 * decode every level alike. Batches up to SYNC_GZIP_MAX_BYTES are compressed synchronously: node's async
 * zlib costs more CPU in stream set-up and thread-pool hand-offs than level 1 needs for the work (~0.3 ms
 * per 100 kB here; it was the largest single item in a worker's profile); bigger ones go to the thread pool.
 */
import { promisify } from 'node:util';
import { gzip, gzipSync, unzip, constants as zlibConstants } from 'node:zlib';
import { CompressionCodecs, CompressionTypes } from 'kafkajs';

export const SYNC_GZIP_MAX_BYTES = 1024 * 1024;
const GZIP_OPTIONS = { level: zlibConstants.Z_BEST_SPEED };

export function installGzipCodec(): void {
  const gzipAsync = promisify((buf: Buffer, cb: (e: Error | null, out: Buffer) => void) => gzip(buf, GZIP_OPTIONS, cb));
  const gunzipAny = promisify(unzip);
  CompressionCodecs[CompressionTypes.GZIP] = () => ({
    compress: async (encoder: { buffer: Buffer }) => {
      const buf = encoder.buffer;
      return buf.length <= SYNC_GZIP_MAX_BYTES ? gzipSync(buf, GZIP_OPTIONS) : gzipAsync(buf);
    },
    decompress: (buffer: Buffer) => gunzipAny(buffer),
  });
}
