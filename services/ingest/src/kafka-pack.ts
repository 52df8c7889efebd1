/**
 * Kafka messages from accepted points, in one of the two record formats of docs/wire-format.md:
 *
 * - `point-json-lines-v1` (default): the points of one send that belong to one partition travel in ONE
 *   record, their values joined by LF, in acceptance order. Per-record work (kafkajs' message and record
 *   objects, the broker's per-record validation, the consumer's per-record bookkeeping) is paid once per
 *   partition and send instead of once per point; at 10 points per request that per-record work was the
 *   larger half of a worker's Kafka CPU. The partition is the series key's murmur2, as for `point-json-v1`,
 *   so one series still lands in one partition in acceptance order.
 * - `point-json-v1`: one record per point, keyed by its series key (for consumers that need per-point keys).
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

/** One record per point, keyed by series. */
export function perPointMessages(records: readonly PointRecord[]): Message[] {
  const headers = HEADERS[FORMAT_HEADER];
  const out: Message[] = new Array(records.length);
  for (let i = 0; i < records.length; i++) out[i] = { key: records[i].key, value: records[i].value, headers };
  return out;
}

/**
 * Records grouped by partition (murmur2 of the series key over `partitions`), each group's values
 * joined by LF into records of at most `maxChars`. Messages carry their partition, so kafkajs'
 * partitioner is not consulted; within a partition they keep the order of `records`.
 */
export function packedMessages(records: readonly PointRecord[], partitions: number, maxChars = MAX_LINES_RECORD_CHARS): Message[] {
  const headers = HEADERS[FORMAT_LINES_HEADER];
  const open: Array<{ values: string[]; chars: number } | undefined> = new Array(partitions);
  const out: Message[] = [];
  const close = (partition: number, group: { values: string[] }) => out.push({ partition, key: null, value: group.values.join('\n'), headers });
  for (const r of records) {
    const p = partitionFor(r.key, partitions);
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
