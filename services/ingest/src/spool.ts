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
import type { PointRecord } from './record';

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

  /** Appends records in order; resolves once they are fsynced. Throws SPOOL_FULL when over the bound. */
  async append(records: readonly PointRecord[]): Promise<void> {
    let data = '';
    for (const r of records) data += JSON.stringify(r.key) + '\t' + r.value + '\n';
    const bytes = Buffer.byteLength(data);
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
    send: (records: PointRecord[]) => Promise<void>,
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
      const text = await readFile(this.file(seq), 'utf8');
      const records = parseSegment(text);
      let acked = 0;
      try {
        acked = Number(await readFile(this.file(seq, 'ack'), 'utf8')) || 0;
      } catch {
        /* no ack file: nothing of this segment was sent yet */
      }
      for (let i = acked; i < records.length; ) {
        const chunk = records.slice(i, i + chunkSize());
        await send(chunk);
        i += chunk.length;
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

export function parseSegment(text: string): PointRecord[] {
  const out: PointRecord[] = [];
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    if (nl === -1) break; // torn tail: never fsynced, never acknowledged
    const tab = text.indexOf('\t', start);
    if (tab > start && tab < nl) {
      let key: unknown;
      try {
        key = JSON.parse(text.slice(start, tab));
      } catch {
        key = undefined; // a damaged line (disk fault) is skipped, never allowed to block the replay
      }
      if (typeof key === 'string') out.push({ key, value: text.slice(tab + 1, nl) });
    }
    start = nl + 1;
  }
  return out;
}

export function spoolExists(dir: string): boolean {
  return existsSync(dir);
}
