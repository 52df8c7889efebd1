/**
 * The bounded on-disk spool that holds accepted records while Kafka is unreachable, and gives them back
 * in the order they were accepted.
 *
 * Layout: `<dir>/<12-digit seq>.spool` segments, one record per line as `JSON(key) TAB value` (the value
 * is JSON without raw newlines or tabs, the JSON-encoded key has none either, so the first tab splits).
 * A sibling `<seq>.ack` holds how many records of that segment Kafka has acknowledged, so a restart
 * resends at most one chunk. A final line without its newline was never fsynced, so never acknowledged
 * to a client: it is dropped on read.
 */
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { readFile, unlink, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { IngestError } from './errors';
import { GroupCommitFile } from './group-commit';
import { BatchWriter, type PointBatch } from './point-batch';

const SEGMENT_RE = /^([0-9]{12})\.spool$/;

export interface SpoolOptions {
  readonly dir: string;
  readonly maxBytes: number;
  readonly segmentBytes?: number;
}

export class Spool {
  /** Sequence numbers of segments on disk, oldest first; the last one may be open for writing. */
  private readonly segments: number[] = [];
  private readonly sizes = new Map<number, number>();
  private writer: { seq: number; file: GroupCommitFile } | undefined;
  private opening: Promise<{ seq: number; file: GroupCommitFile }> | undefined;
  private readonly segmentBytes: number;
  /** Bytes in all segments (including ones partly replayed). */
  bytes = 0;

  constructor(private readonly opts: SpoolOptions) {
    this.segmentBytes = opts.segmentBytes ?? 8 * 1024 * 1024;
    mkdirSync(opts.dir, { recursive: true });
    for (const name of readdirSync(opts.dir).sort()) {
      const m = SEGMENT_RE.exec(name);
      if (!m) continue;
      const seq = Number(m[1]);
      const size = statSync(path.join(opts.dir, name)).size;
      this.segments.push(seq);
      this.sizes.set(seq, size);
      this.bytes += size;
    }
  }

  get isEmpty(): boolean {
    return this.segments.length === 0;
  }

  /** false from the first refused append until a replay frees space: a spool that just refused a
   *  request counts as full (for /health and for refusing before the body is read). */
  get hasRoom(): boolean {
    return !this.refused && this.bytes < this.opts.maxBytes;
  }

  private refused = false;

  /** The segment directory; the dead-letter file lives here too (dead-letter.ts). */
  get dir(): string {
    return this.opts.dir;
  }

  get maxBytes(): number {
    return this.opts.maxBytes;
  }

  private file(seq: number, ext = 'spool'): string {
    return path.join(this.opts.dir, `${String(seq).padStart(12, '0')}.${ext}`);
  }

  /** Appends the points in order; resolves once they are fsynced. Throws SPOOL_FULL when over the bound. */
  async append(batches: readonly PointBatch[]): Promise<void> {
    const data = segmentLines(batches);
    const bytes = data.length;
    if (this.bytes + bytes > this.opts.maxBytes) {
      this.refused = true;
      throw new IngestError('INGEST_ERR_SPOOL_FULL', undefined, undefined, 5);
    }
    this.bytes += bytes; // reserved synchronously so concurrent appends cannot overshoot the bound
    // The append is queued synchronously on an open segment; a segment that replay froze (closed) in
    // between is skipped, so no append ever lands in a file replay has already read.
    let w = this.writer;
    while (!w || w.file.closed || w.file.size >= this.segmentBytes) w = await this.openNext();
    this.sizes.set(w.seq, (this.sizes.get(w.seq) ?? 0) + bytes);
    await w.file.append(data, bytes);
  }

  private async openNext(): Promise<{ seq: number; file: GroupCommitFile }> {
    if (this.opening) return this.opening;
    this.opening = (async () => {
      const old = this.writer;
      const seq = (this.segments.length ? this.segments[this.segments.length - 1] : 0) + 1;
      const file = await GroupCommitFile.open(this.file(seq));
      this.segments.push(seq);
      this.sizes.set(seq, 0);
      this.writer = { seq, file };
      if (old && !old.file.closed) void old.file.close().catch(() => undefined); // drains pending appends first
      return this.writer;
    })().finally(() => (this.opening = undefined));
    return this.opening;
  }

  /**
   * Hands every spooled record, oldest first, to `send` in chunks; a segment is deleted once all its
   * records were sent. Resolves when the spool is empty; rejects with send's error (the position is
   * kept, so the next call resumes there). Appends during replay are replayed too, in order.
   */
  async replay(
    send: (points: PointBatch) => Promise<void>,
    chunkRecords: number | (() => number) = 5000,
    /** Called when the replay reaches the segment being written: the writer should stop appending now,
     *  or under steady load the replay chases the tail forever. */
    onTail?: () => void,
  ): Promise<void> {
    const chunkSize = typeof chunkRecords === 'number' ? () => chunkRecords : chunkRecords;
    while (this.segments.length) {
      const seq = this.segments[0];
      if (this.writer?.seq === seq) {
        onTail?.();
        // Freeze the active segment: later appends go to a new one; wait until its bytes are on disk.
        const w = this.writer;
        this.writer = undefined;
        await w.file.close();
      }
      const records = parseSegment(await readFile(this.file(seq)));
      let acked = 0;
      try {
        acked = Number(await readFile(this.file(seq, 'ack'), 'utf8')) || 0;
      } catch {
        /* no ack file: nothing of this segment was sent yet */
      }
      for (let i = acked; i < records.count; ) {
        const chunk = records.slice(i, i + chunkSize());
        await send(chunk);
        i += chunk.count;
        await writeFile(this.file(seq, 'ack'), String(i));
      }
      await unlink(this.file(seq));
      await unlink(this.file(seq, 'ack')).catch(() => undefined);
      this.segments.shift();
      this.bytes -= this.sizes.get(seq) ?? 0;
      this.sizes.delete(seq);
      this.refused = false;
    }
  }

  async close(): Promise<void> {
    if (this.opening) await this.opening.catch(() => undefined);
    if (this.writer) await this.writer.file.close();
    this.writer = undefined;
  }
}

const TAB = 9, LF = 10, QUOTE = 34, BSLASH = 92;

/** The segment lines of `batches`: `JSON(key) TAB value LF` per point, bytes copied from the batches. */
export function segmentLines(batches: readonly PointBatch[]): Buffer {
  let size = 0;
  for (const b of batches) size += 6 * b.keys.length + b.values.length + 4 * b.count;
  const out = Buffer.allocUnsafe(size);
  let o = 0;
  for (const b of batches) {
    for (let i = 0; i < b.count; i++) {
      const ks = b.keyStart(i), ke = b.keyEnds[i];
      let plain = true;
      for (let j = ks; j < ke; j++) { const c = b.keys[j]; if (c < 0x20 || c === QUOTE || c === BSLASH) { plain = false; break; } }
      if (plain) { // JSON.stringify of valid UTF-8 without quotes, backslashes or controls: the bytes in quotes
        out[o++] = QUOTE;
        o += b.keys.copy(out, o, ks, ke);
        out[o++] = QUOTE;
      } else {
        o += out.write(JSON.stringify(b.key(i)), o);
      }
      out[o++] = TAB;
      o += b.values.copy(out, o, b.valueStart(i), b.valueEnds[i]);
      out[o++] = LF;
    }
  }
  return out.subarray(0, o);
}

export function parseSegment(data: Buffer | string): PointBatch {
  const buf = typeof data === 'string' ? Buffer.from(data) : data;
  const w = new BatchWriter(Math.min(buf.length + 64, 1 << 20));
  let start = 0;
  for (;;) {
    const nl = buf.indexOf(LF, start);
    if (nl === -1) break; // torn tail: never fsynced, never acknowledged
    const tab = buf.indexOf(TAB, start);
    if (tab > start && tab < nl) {
      let key: unknown;
      try {
        key = JSON.parse(buf.toString('utf8', start, tab));
      } catch {
        key = undefined; // a damaged line (disk fault) is skipped, never allowed to block the replay
      }
      if (typeof key === 'string') {
        w.ensureValue(nl - tab);
        w.pos += buf.copy(w.buf, w.pos, tab + 1, nl);
        w.endValue();
        w.putKeyString(key);
      }
    }
    start = nl + 1;
  }
  return w.finish();
}

export function spoolExists(dir: string): boolean {
  return existsSync(dir);
}
