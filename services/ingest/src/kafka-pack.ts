/**
 * Kafka messages from accepted points, in one of the two record formats of docs/wire-format.md:
 *
 * - `point-json-lines-v1` (default): the points of one send that belong to one partition travel in ONE
 *   record, their values joined by LF, in acceptance order. Per-record work (kafkajs' message and record
 *   objects, the broker's per-record validation, the consumer's per-record bookkeeping) is paid once per
 *   partition and send instead of once per point; at 10 points per request that per-record work was the
 *   larger half of a worker's Kafka CPU.
 * - `point-json-v1`: one record per point, keyed by its series key (for consumers that need per-point keys).
 *
 * The partition is either one for the whole send (`sticky`, the default: the send's partition is passed
 * in) or the series key's murmur2 (`series`: one series in one partition, as Kafka's default partitioner).
 */
import type { Message } from 'kafkajs';
import { partitionForBytes } from './partitioner';
import type { PointBatch } from './point-batch';
import { FORMAT_HEADER, FORMAT_LINES_HEADER } from './record';

export type RecordFormat = typeof FORMAT_HEADER | typeof FORMAT_LINES_HEADER;

/** The producer's batch codecs (`KAFKA_COMPRESSION`, kafka-codec.ts). */
export const KAFKA_COMPRESSIONS = ['gzip', 'zstd', 'none'] as const;
export type KafkaCompression = (typeof KAFKA_COMPRESSIONS)[number];

/** One headers object per format, shared by every message (kafkajs only reads it). */
const HEADERS: Record<RecordFormat, { 'ms-format': string }> = {
  [FORMAT_HEADER]: { 'ms-format': FORMAT_HEADER },
  [FORMAT_LINES_HEADER]: { 'ms-format': FORMAT_LINES_HEADER },
};

const LF = 10;

/**
 * Upper bound (bytes of the LF-joined values) of one `point-json-lines-v1` record: far below the
 * brokers' default max.message.bytes (1 MiB, checked after compression, but `KAFKA_COMPRESSION=none`
 * must fit too), and small enough that a consumer never holds a large record. A single point above it
 * still travels alone.
 */
export const MAX_LINES_RECORD_BYTES = 256 * 1024;

/**
 * One record per point, keyed by series; in `sticky` when given, else in the murmur2 partition of its
 * key over `partitions` (left to the producer's partitioner while the partition count is unknown).
 */
export function perPointMessages(batches: readonly PointBatch[], partitions: number, sticky?: number): Message[] {
  const headers = HEADERS[FORMAT_HEADER];
  const out: Message[] = [];
  for (const b of batches) {
    for (let i = 0; i < b.count; i++) {
      const partition = sticky ?? (partitions > 0 ? partitionForBytes(b.keys, b.keyStart(i), b.keyEnds[i], partitions) : undefined);
      out.push({ partition, key: b.keyBuffer(i), value: b.valueBuffer(i), headers });
    }
  }
  return out;
}

/** Points from..to-1 of one batch: a contiguous byte range of its values. */
interface Segment {
  readonly batch: PointBatch;
  readonly from: number;
  readonly to: number;
}

/** One record value from consecutive segments, LF between them; a single whole batch is used as it is. */
function joinSegments(segs: readonly Segment[]): Buffer {
  if (segs.length === 1) {
    const { batch, from, to } = segs[0];
    return from === 0 && to === batch.count ? batch.values : batch.values.subarray(batch.valueStart(from), batch.valueEnds[to - 1]);
  }
  let total = segs.length - 1;
  for (const s of segs) total += s.batch.rangeBytes(s.from, s.to);
  const buf = Buffer.allocUnsafe(total);
  let off = 0;
  for (let k = 0; k < segs.length; k++) {
    const { batch, from, to } = segs[k];
    if (k > 0) buf[off++] = LF;
    off += batch.values.copy(buf, off, batch.valueStart(from), batch.valueEnds[to - 1]);
  }
  return buf;
}

/** Accumulates the segments of one partition's records, closing a record before it would pass `max`. */
class RecordPacker {
  private segs: Segment[] = [];
  /** Bytes of the open record (-1: none open). */
  private bytes = -1;
  private batch: PointBatch | undefined;
  private from = 0;
  private to = 0;

  constructor(private readonly partition: number, private readonly max: number, private readonly out: Message[]) {}

  /** Adds point i of `b` (points of one batch must come in order). */
  add(b: PointBatch, i: number): void {
    const v = b.valueBytes(i);
    if (this.bytes >= 0 && this.bytes + 1 + v > this.max) this.close();
    if (this.batch !== b || this.to !== i) {
      this.cut();
      this.batch = b;
      this.from = i;
    }
    this.to = i + 1;
    this.bytes += 1 + v;
  }

  /** Adds a whole batch when it fits the open record; false when it must go point by point. */
  addWhole(b: PointBatch): boolean {
    if (this.bytes + 1 + b.values.length > this.max) return false;
    this.cut();
    this.segs.push({ batch: b, from: 0, to: b.count });
    this.bytes += 1 + b.values.length;
    return true;
  }

  private cut(): void {
    if (this.batch && this.to > this.from) this.segs.push({ batch: this.batch, from: this.from, to: this.to });
    this.batch = undefined;
  }

  close(): void {
    this.cut();
    if (this.segs.length) this.out.push({ partition: this.partition, key: null, value: joinSegments(this.segs), headers: HEADERS[FORMAT_LINES_HEADER] });
    this.segs = [];
    this.bytes = -1;
  }
}

/**
 * The points of `batches` grouped by partition, each group's values LF-joined into records of at most
 * `maxBytes`. The partition is `sticky` for every record when given, else the murmur2 of the series key
 * over `partitions`. Messages carry their partition, so kafkajs' partitioner is not consulted; within a
 * partition they keep the order of the points. With `sticky`, a batch that fits goes in as one byte
 * range (a send of one request's batch is its values buffer itself, no copy).
 */
export function packedMessages(batches: readonly PointBatch[], partitions: number, sticky?: number, maxBytes = MAX_LINES_RECORD_BYTES): Message[] {
  const out: Message[] = [];
  if (sticky !== undefined) {
    const packer = new RecordPacker(sticky, maxBytes, out);
    for (const b of batches) {
      if (b.count === 0 || packer.addWhole(b)) continue;
      for (let i = 0; i < b.count; i++) packer.add(b, i);
    }
    packer.close();
    return out;
  }
  const open: Array<RecordPacker | undefined> = new Array(partitions);
  for (const b of batches) {
    for (let i = 0; i < b.count; i++) {
      const p = partitionForBytes(b.keys, b.keyStart(i), b.keyEnds[i], partitions);
      (open[p] ??= new RecordPacker(p, maxBytes, out)).add(b, i);
    }
  }
  for (let p = 0; p < partitions; p++) open[p]?.close();
  return out;
}

// ---- the record batch bound ------------------------------------------------------------------------
// kafkajs writes all messages of one send that share a partition into ONE record batch, and the broker
// refuses a batch above the topic's max.message.bytes (checked after compression). These bounds are
// upper estimates of the v2 batch format (https://kafka.apache.org/documentation/#recordbatch).

/** The v2 record batch header. */
export const BATCH_HEADER_BYTES = 61;
/** One record's framing at most: length, attributes, timestamp and offset deltas, key/value lengths, header count. */
export const RECORD_FRAMING_BYTES = 32;
/** gzip stores incompressible input in blocks of up to 16 KiB with 5 bytes each, plus ~20 bytes of header and trailer. */
const GZIP_BLOCK_BYTES = 16 * 1024;
const GZIP_BLOCK_OVERHEAD = 5;
const GZIP_FIXED_OVERHEAD = 32;
/**
 * zstd's worst case is larger: libzstd's ZSTD_COMPRESSBOUND(n) = n + n/256 + (n < 128 KiB ? (128 KiB - n) / 2048 : 0),
 * frame header and block headers included; the last term is at most 64.
 */
const ZSTD_GROWTH_DIVISOR = 256;
const ZSTD_FIXED_OVERHEAD = 64;

/** The `ms-format` header of a record in this format, as it is framed (two 1-byte varint lengths). */
export function headerBytes(format: RecordFormat): number {
  return 2 + 'ms-format'.length + format.length;
}

/**
 * Most uncompressed record bytes one batch may carry so that, even if the codec only grows it, the
 * batch stays within `maxMessageBytes` (`none` keeps gzip's bound, as before zstd existed).
 */
export function batchRecordBytesLimit(maxMessageBytes: number, compression: KafkaCompression): number {
  if (compression === 'zstd') {
    const room = maxMessageBytes - BATCH_HEADER_BYTES - ZSTD_FIXED_OVERHEAD;
    return Math.floor((room * ZSTD_GROWTH_DIVISOR) / (ZSTD_GROWTH_DIVISOR + 1)) - 1;
  }
  const room = maxMessageBytes - BATCH_HEADER_BYTES - GZIP_FIXED_OVERHEAD;
  return Math.floor((room * GZIP_BLOCK_BYTES) / (GZIP_BLOCK_BYTES + GZIP_BLOCK_OVERHEAD));
}

/** A message's bytes in its batch (UTF-8 key and value plus framing and headers). */
export function messageBytes(m: Message, format: RecordFormat): number {
  return RECORD_FRAMING_BYTES + headerBytes(format) + byteLength(m.key) + byteLength(m.value);
}

function byteLength(b: Buffer | string | null | undefined): number {
  return b == null ? 0 : typeof b === 'string' ? Buffer.byteLength(b) : b.length;
}

/**
 * Sticky sends larger than one partition's batch bound: instead of several produce requests in a row
 * (rounds, one round trip each), the messages past the bound continue in the next partition (`next()`),
 * so the whole send is ONE produce request with a batch per partition, each within `limit`. Messages
 * keep their order (a partition's share is a contiguous run of them). The first partition is the one
 * already set on the messages. A single message above the bound keeps a partition to itself.
 */
export function spillSticky(messages: Message[], bytesOf: (m: Message) => number, limit: number, next: () => number): void {
  if (messages.length === 0) return;
  let partition = messages[0].partition!;
  let bytes = 0;
  for (const m of messages) {
    const b = bytesOf(m);
    if (bytes > 0 && bytes + b > limit) {
      partition = next();
      bytes = 0;
    }
    m.partition = partition;
    bytes += b;
  }
}

/**
 * Splits one send's messages into consecutive sends ("rounds") so that no partition's batch in a round
 * exceeds `limit` bytes. Messages of one partition keep their order across rounds (round r of a
 * partition holds only messages after those of round r-1), so sending the rounds in order keeps it.
 * Nearly always there is one round: a send is ~4 x KAFKA_BATCH_BYTES spread over the partitions.
 */
export function splitRounds(messages: Message[], partitionOf: (m: Message) => number, bytesOf: (m: Message) => number, limit: number): Message[][] {
  const costs = messages.map(bytesOf);
  let total = 0;
  for (const c of costs) total += c;
  if (total <= limit) return [messages];
  const rounds: Message[][] = [];
  const at = new Map<number, { round: number; bytes: number }>();
  for (let i = 0; i < messages.length; i++) {
    const p = partitionOf(messages[i]);
    let s = at.get(p);
    if (!s) at.set(p, (s = { round: 0, bytes: 0 }));
    else if (s.bytes + costs[i] > limit) s = { round: s.round + 1, bytes: 0 };
    at.set(p, s);
    s.bytes += costs[i];
    (rounds[s.round] ??= []).push(messages[i]);
  }
  return rounds;
}
