/**
 * The codecs the Kafka producer compresses with, installed explicitly by the worker (main.ts): kafkajs
 * keeps codecs in one process-wide table, so replacing its built-in gzip or adding zstd is a process
 * decision, not a side effect of importing the sink.
 *
 * gzip at level 1 instead of kafkajs' default (zlib level 6): on our JSON records the batch comes out
 * ~10 % larger but compressing costs about half the CPU. Still gzip (codec 1): brokers and consumers
 * decode every level alike. Batches up to SYNC_COMPRESS_MAX_BYTES are compressed synchronously: node's async
 * zlib costs more CPU in stream set-up and thread-pool hand-offs than level 1 needs for the work (~0.3 ms
 * per 100 kB here; it was the largest single item in a worker's profile); bigger ones go to the thread pool.
 *
 * zstd (Kafka codec 4, KIP-110: brokers from Kafka 2.1, produce requests v7+, which kafkajs speaks) from
 * Node's own zlib (`zstdCompress*`, Node ≥ 22.15 / 23.8, documented as Stability 1 "experimental" on
 * Node 24 but bundled libzstd, so no native dependency): a standard zstd frame, which kafka-clients
 * decodes with zstd-jni. Several times cheaper than gzip-1 per byte and smaller on the brokers' disks.
 */
import { promisify } from 'node:util';
import { gzip, gzipSync, unzip, zstdCompress, zstdCompressSync, zstdDecompress, constants as zlibConstants } from 'node:zlib';
import { CompressionCodecs, CompressionTypes } from 'kafkajs';

export const SYNC_COMPRESS_MAX_BYTES = 1024 * 1024;
const GZIP_OPTIONS = { level: zlibConstants.Z_BEST_SPEED };
/**
 * zstd level 1, the fastest regular level. On our records in isolation (1,000 parsed points, one batch)
 * it cost 0.22 µs and 7.7 B per point against gzip-1's 0.91 µs and 16.3 B; level 3 saved 3 % of the
 * bytes for a third more CPU (docs/benchmarks.md, "sixth pass").
 */
export const ZSTD_LEVEL = 1;
const ZSTD_OPTIONS = { params: { [zlibConstants.ZSTD_c_compressionLevel]: ZSTD_LEVEL } };

interface Codec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}

function codec(sync: (b: Buffer) => Buffer, async: (b: Buffer) => Promise<Buffer>, decompress: (b: Buffer) => Promise<Buffer>): () => Codec {
  const c: Codec = {
    compress: async (encoder) => {
      const buf = encoder.buffer;
      return buf.length <= SYNC_COMPRESS_MAX_BYTES ? sync(buf) : async(buf);
    },
    decompress,
  };
  return () => c;
}

export function installGzipCodec(): void {
  const gzipAsync = promisify((buf: Buffer, cb: (e: Error | null, out: Buffer) => void) => gzip(buf, GZIP_OPTIONS, cb));
  CompressionCodecs[CompressionTypes.GZIP] = codec((b) => gzipSync(b, GZIP_OPTIONS), gzipAsync, promisify(unzip));
}

export function installZstdCodec(): void {
  // A Node built without zstd (the distributions may configure their own) has no such function: then
  // the table keeps kafkajs' throwing entry and the sink's start names the missing codec.
  if (typeof zstdCompressSync !== 'function') return;
  const zstdAsync = promisify((buf: Buffer, cb: (e: Error | null, out: Buffer) => void) => zstdCompress(buf, ZSTD_OPTIONS, cb));
  CompressionCodecs[CompressionTypes.ZSTD] = codec((b) => zstdCompressSync(b, ZSTD_OPTIONS), zstdAsync, promisify(zstdDecompress));
}

/** Both codecs the sink may be configured with (KAFKA_COMPRESSION), before any producer exists. */
export function installKafkaCodecs(): void {
  installGzipCodec();
  installZstdCodec();
}
