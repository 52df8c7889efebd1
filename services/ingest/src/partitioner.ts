/**
 * Kafka partitioner for the producer: the Java client's murmur2 (same partition for the same series key
 * as kafkajs' DefaultPartitioner and every Java producer), written for the hot path.
 *
 * Why not kafkajs' DefaultPartitioner: it computes murmur2 with a 64-bit Long emulation (an object per
 * multiply/xor, about a dozen per 4 key bytes) and filters the partition list for every message; under
 * load that was ~10 % of a worker's CPU. murmur2 only needs the low 32 bits, which Math.imul gives exactly.
 */
const SEED = 0x9747b28c;
const M = 0x5bd1e995;

/** murmur2 (Kafka's Utils.murmur2) of the UTF-8 bytes of `key`, as a signed 32-bit int. */
export function murmur2(key: string): number {
  // ASCII keys (nearly all series keys) are hashed straight from the string, without a Buffer.
  let ascii = true;
  for (let i = 0; i < key.length; i++) if (key.charCodeAt(i) > 127) { ascii = false; break; }
  if (ascii) return murmur2Of(key.length, (i) => key.charCodeAt(i));
  const data = Buffer.from(key, 'utf8');
  return murmur2Of(data.length, (i) => data[i]);
}

function murmur2Of(length: number, at: (i: number) => number): number {
  let h = (SEED ^ length) | 0;
  const length4 = length >> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = at(i4) | (at(i4 + 1) << 8) | (at(i4 + 2) << 16) | (at(i4 + 3) << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const tail = length & ~3;
  const rest = length & 3;
  if (rest > 0) {
    if (rest === 3) h ^= at(tail + 2) << 16;
    if (rest >= 2) h ^= at(tail + 1) << 8;
    h ^= at(tail);
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** `toPositive(murmur2(key)) % numPartitions`, as the Java client and kafkajs' DefaultPartitioner. */
export function partitionFor(key: string | Buffer, numPartitions: number): number {
  const h = typeof key === 'string' ? murmur2(key) : murmur2Bytes(key, 0, key.length);
  return (h & 0x7fffffff) % numPartitions;
}

/** partitionFor of the key bytes buf[start..end) (the series keys of a PointBatch). */
export function partitionForBytes(buf: Buffer, start: number, end: number, numPartitions: number): number {
  return (murmur2Bytes(buf, start, end) & 0x7fffffff) % numPartitions;
}

/** murmur2 of buf[start..end). */
export function murmur2Bytes(buf: Buffer, start: number, end: number): number {
  return murmur2Of(end - start, (i) => buf[start + i]);
}

/** kafkajs `createPartitioner` (every record of ours has a key; an explicit partition wins, as in kafkajs). */
export const SeriesKeyPartitioner = () => ({ partitionMetadata, message }: { partitionMetadata: unknown[]; message: { key?: unknown; partition?: number | null } }): number => {
  if (message.partition !== null && message.partition !== undefined) return message.partition;
  return partitionFor(String(message.key), partitionMetadata.length);
};

/**
 * The partition of each send under `KAFKA_PARTITIONER=sticky` (the default): all points of one send go to
 * one partition, the next send to the next one, round the topic. One send then makes one record batch
 * (not one per partition, each holding a point or two at one point per request), which is what Kafka's
 * own sticky partitioner does for records without a key (KIP-480). Each worker starts at a random
 * partition so that many workers spread over the partitions from the first send on.
 */
export class RotatingPartition {
  private last: number;

  constructor(start = Math.floor(Math.random() * 0x7fffffff)) {
    this.last = start - 1;
  }

  /** The partition for the next send over `numPartitions`. */
  next(numPartitions: number): number {
    this.last = (this.last + 1) % numPartitions;
    if (this.last < 0) this.last += numPartitions;
    return this.last;
  }
}
