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
import { partitionFor } from './partitioner';
import { FORMAT_HEADER, FORMAT_LINES_HEADER, type PointRecord } from './record';

export type RecordFormat = typeof FORMAT_HEADER | typeof FORMAT_LINES_HEADER;

/** One headers object per format, shared by every message (kafkajs only reads it). */
const HEADERS: Record<RecordFormat, { 'ms-format': string }> = {
  [FORMAT_HEADER]: { 'ms-format': FORMAT_HEADER },
  [FORMAT_LINES_HEADER]: { 'ms-format': FORMAT_LINES_HEADER },
};

/**
 * Upper bound (UTF-16 code units of the joined values, ≈ bytes) of one `point-json-lines-v1` record: far
 * below the brokers' default max.message.bytes (1 MiB, checked after compression, but `KAFKA_COMPRESSION=
 * none` must fit too), and small enough that a consumer never holds a large record. A single point above
 * it still travels alone.
 */
export const MAX_LINES_RECORD_CHARS = 256 * 1024;

/**
 * One record per point, keyed by series; in `partition` when given (sticky), else left to the producer's
 * partitioner (murmur2 of the key).
 */
export function perPointMessages(records: readonly PointRecord[], partition?: number): Message[] {
  const headers = HEADERS[FORMAT_HEADER];
  const out: Message[] = new Array(records.length);
  if (partition === undefined) for (let i = 0; i < records.length; i++) out[i] = { key: records[i].key, value: records[i].value, headers };
  else for (let i = 0; i < records.length; i++) out[i] = { partition, key: records[i].key, value: records[i].value, headers };
  return out;
}

/**
 * Records grouped by partition, each group's values joined by LF into records of at most `maxChars`.
 * The partition is `sticky` for every record when given, else the murmur2 of the series key over
 * `partitions`. Messages carry their partition, so kafkajs' partitioner is not consulted; within a
 * partition they keep the order of `records`.
 */
export function packedMessages(records: readonly PointRecord[], partitions: number, sticky?: number, maxChars = MAX_LINES_RECORD_CHARS): Message[] {
  const headers = HEADERS[FORMAT_LINES_HEADER];
  const open: Array<{ values: string[]; chars: number } | undefined> = new Array(partitions);
  const out: Message[] = [];
  const close = (partition: number, group: { values: string[] }) => out.push({ partition, key: null, value: group.values.join('\n'), headers });
  for (const r of records) {
    const p = sticky ?? partitionFor(r.key, partitions);
    let group = open[p];
    if (group && group.chars + 1 + r.value.length > maxChars) {
      close(p, group);
      group = undefined;
    }
    if (!group) open[p] = group = { values: [], chars: -1 };
    group.values.push(r.value);
    group.chars += 1 + r.value.length;
  }
  for (let p = 0; p < partitions; p++) if (open[p]) close(p, open[p]!);
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

/** The `ms-format` header of a record in this format, as it is framed (two 1-byte varint lengths). */
export function headerBytes(format: RecordFormat): number {
  return 2 + 'ms-format'.length + format.length;
}

/**
 * Most uncompressed record bytes one batch may carry so that, even if gzip only grows it, the batch
 * stays within `maxMessageBytes`.
 */
export function batchRecordBytesLimit(maxMessageBytes: number): number {
  const room = maxMessageBytes - BATCH_HEADER_BYTES - GZIP_FIXED_OVERHEAD;
  return Math.floor((room * GZIP_BLOCK_BYTES) / (GZIP_BLOCK_BYTES + GZIP_BLOCK_OVERHEAD));
}

/** A message's bytes in its batch (UTF-8 key and value plus framing and headers). */
export function messageBytes(m: Message, format: RecordFormat): number {
  const key = typeof m.key === 'string' ? Buffer.byteLength(m.key) : 0;
  return RECORD_FRAMING_BYTES + headerBytes(format) + key + Buffer.byteLength(m.value as string);
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
