/**
 * The accepted points of one request as bytes: every point's Kafka record value (`point-json-v1`,
 * docs/wire-format.md) back to back in ONE buffer, separated by LF, and every series key in another.
 * The LF-separated values region is already a `point-json-lines-v1` record value, so packing, spooling
 * and the JSONL file copy byte ranges instead of building, joining and re-encoding a string per point
 * (docs/benchmarks.md, "CPU per point": those strings were a quarter of a worker's time in the GC).
 *
 * `BatchWriter` is the parsers' output: a growable scratch buffer reused from request to request; the
 * finished batch is one exactly sized copy, which lives until Kafka (or the spool) has the points.
 */
import type { PointRecord } from './record';

const LF = 10;
/** Scratch larger than this (a body of many MB) is dropped after its request. */
const SCRATCH_KEEP_BYTES = 4 * 1024 * 1024;

export class PointBatch {
  /**
   * @param values point values, LF between consecutive ones, no trailing LF
   * @param valueEnds end offset (exclusive) of each value in `values`; value i starts at valueEnds[i-1] + 1
   * @param keys series keys (UTF-8) back to back
   * @param keyEnds end offset (exclusive) of each key in `keys`
   */
  constructor(readonly values: Buffer, readonly valueEnds: number[], readonly keys: Buffer, readonly keyEnds: number[]) {}

  static readonly EMPTY = new PointBatch(Buffer.alloc(0), [], Buffer.alloc(0), []);

  /** A batch from string records (the JSON body parser, the spool's reader, tests). */
  static of(records: readonly PointRecord[]): PointBatch {
    const w = new BatchWriter(256);
    for (const r of records) w.push(r);
    return w.finish();
  }

  get count(): number {
    return this.valueEnds.length;
  }

  /** Bytes held (values and keys): the queue's batching heuristic. */
  get bytes(): number {
    return this.values.length + this.keys.length;
  }

  valueStart(i: number): number {
    return i === 0 ? 0 : this.valueEnds[i - 1] + 1;
  }

  keyStart(i: number): number {
    return i === 0 ? 0 : this.keyEnds[i - 1];
  }

  valueBytes(i: number): number {
    return this.valueEnds[i] - this.valueStart(i);
  }

  keyBytes(i: number): number {
    return this.keyEnds[i] - this.keyStart(i);
  }

  /** Bytes of values from..to-1 as they lie in `values`, LFs between them included. */
  rangeBytes(from: number, to: number): number {
    return to <= from ? 0 : this.valueEnds[to - 1] - this.valueStart(from);
  }

  key(i: number): string {
    return this.keys.toString('utf8', this.keyStart(i), this.keyEnds[i]);
  }

  value(i: number): string {
    return this.values.toString('utf8', this.valueStart(i), this.valueEnds[i]);
  }

  keyBuffer(i: number): Buffer {
    return this.keys.subarray(this.keyStart(i), this.keyEnds[i]);
  }

  valueBuffer(i: number): Buffer {
    return this.values.subarray(this.valueStart(i), this.valueEnds[i]);
  }

  /** Points from..to-1 as a batch sharing this one's bytes. */
  slice(from: number, to: number = this.count): PointBatch {
    to = Math.min(to, this.count);
    if (from === 0 && to === this.count) return this;
    if (to <= from) return PointBatch.EMPTY;
    const v0 = this.valueStart(from), k0 = this.keyStart(from);
    const valueEnds = this.valueEnds.slice(from, to);
    const keyEnds = this.keyEnds.slice(from, to);
    for (let i = 0; i < valueEnds.length; i++) { valueEnds[i] -= v0; keyEnds[i] -= k0; }
    return new PointBatch(this.values.subarray(v0, this.valueEnds[to - 1]), valueEnds, this.keys.subarray(k0, this.keyEnds[to - 1]), keyEnds);
  }

  toRecords(): PointRecord[] {
    const out: PointRecord[] = new Array(this.count);
    for (let i = 0; i < this.count; i++) out[i] = { key: this.key(i), value: this.value(i) };
    return out;
  }
}

/** Points in a list of batches. */
export function pointCount(batches: readonly PointBatch[]): number {
  let n = 0;
  for (const b of batches) n += b.count;
  return n;
}

/** The first `n` points of `batches` and the rest, order kept. */
export function splitAt(batches: readonly PointBatch[], n: number): [PointBatch[], PointBatch[]] {
  const head: PointBatch[] = [], tail: PointBatch[] = [];
  for (const b of batches) {
    if (n >= b.count) { head.push(b); n -= b.count; }
    else if (n > 0) { head.push(b.slice(0, n)); tail.push(b.slice(n)); n = 0; }
    else tail.push(b);
  }
  return [head, tail];
}

/** The points of `batches` for which `keep(batch, i)` holds, copied into one batch, order kept. */
export function pick(batches: readonly PointBatch[], keep: (b: PointBatch, i: number) => boolean): PointBatch {
  const w = new BatchWriter(1024);
  for (const b of batches) {
    for (let i = 0; i < b.count; i++) {
      if (!keep(b, i)) continue;
      w.ensureValue(b.valueBytes(i));
      w.pos += b.values.copy(w.buf, w.pos, b.valueStart(i), b.valueEnds[i]);
      w.endValue();
      w.putKey(b.keys, b.keyStart(i), b.keyEnds[i]);
    }
  }
  return w.finish();
}

/**
 * Growable output of a parser. Values are written at `buf[pos]` directly (the parser's hot loop uses
 * `buf`/`pos` itself after `ensureValue`); `endValue` closes one, `putKey` adds its series key.
 */
export class BatchWriter {
  buf: Buffer;
  pos = 0;
  private keyBuf: Buffer;
  private keyPos = 0;
  // Plain arrays of small integers: cheaper to allocate than typed arrays at one point per request.
  private valueEnds: number[] = [];
  private keyEnds: number[] = [];
  private n = 0;

  constructor(initialBytes = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initialBytes);
    this.keyBuf = Buffer.allocUnsafe(initialBytes >>> 2 || 64);
  }

  /** Starts a new batch (a thrown parse leaves a half-written one behind: it is simply overwritten). */
  reset(): void {
    this.pos = 0;
    this.keyPos = 0;
    this.n = 0;
  }

  get count(): number {
    return this.n;
  }

  /** Room for `bytes` more value bytes at `pos`. */
  ensureValue(bytes: number): void {
    if (this.pos + bytes > this.buf.length) this.buf = grow(this.buf, this.pos, this.pos + bytes);
  }

  /** Closes the value written since the previous one. */
  endValue(): void {
    this.valueEnds[this.n] = this.pos;
    this.keyEnds[this.n] = this.keyPos;
    this.n++;
    this.ensureValue(1);
    this.buf[this.pos++] = LF;
  }

  /** The series key of the value just closed. */
  putKey(src: Buffer, start: number, end: number): void {
    const len = end - start;
    if (this.keyPos + len > this.keyBuf.length) this.keyBuf = grow(this.keyBuf, this.keyPos, this.keyPos + len);
    const kb = this.keyBuf;
    let k = this.keyPos;
    if (len < 64) for (let i = start; i < end; i++) kb[k++] = src[i];
    else k += src.copy(kb, k, start, end);
    this.keyPos = k;
    this.keyEnds[this.n - 1] = this.keyPos;
  }

  putKeyString(key: string): void {
    const len = Buffer.byteLength(key);
    if (this.keyPos + len > this.keyBuf.length) this.keyBuf = grow(this.keyBuf, this.keyPos, this.keyPos + len);
    this.keyPos += this.keyBuf.write(key, this.keyPos);
    this.keyEnds[this.n - 1] = this.keyPos;
  }

  /** Writes a string at `pos` (UTF-8). */
  putString(s: string): void {
    this.ensureValue(s.length * 3);
    this.pos += this.buf.write(s, this.pos);
  }

  /** A record from strings (the JSON body parser, the spool, tests). */
  push(r: PointRecord): void {
    this.putString(r.value);
    this.endValue();
    this.putKeyString(r.key);
  }

  /** The batch written since reset(), copied out (the scratch buffers stay for the next request). */
  finish(): PointBatch {
    if (this.n === 0) return PointBatch.EMPTY;
    const vlen = this.pos - 1; // without the last LF
    const values = Buffer.allocUnsafe(vlen);
    this.buf.copy(values, 0, 0, vlen);
    const keys = Buffer.allocUnsafe(this.keyPos);
    this.keyBuf.copy(keys, 0, 0, this.keyPos);
    const batch = new PointBatch(values, this.valueEnds.slice(0, this.n), keys, this.keyEnds.slice(0, this.n));
    this.reset();
    // One huge body must not pin its scratch size for the worker's lifetime.
    if (this.buf.length > SCRATCH_KEEP_BYTES) this.buf = Buffer.allocUnsafe(SCRATCH_KEEP_BYTES);
    if (this.keyBuf.length > SCRATCH_KEEP_BYTES) this.keyBuf = Buffer.allocUnsafe(SCRATCH_KEEP_BYTES);
    return batch;
  }
}

function grow(buf: Buffer, used: number, need: number): Buffer {
  const next = Buffer.allocUnsafe(Math.max(need, buf.length * 2));
  buf.copy(next, 0, 0, used);
  return next;
}

