/**
 * The point value of docs/wire-format.md (`point-json`, v1): series key + one JSON object per point.
 * Both parsers (line protocol and JSON) end here, so the wire format is written in exactly one place.
 */
export const FORMAT_HEADER = 'point-json-v1';
/** Many `point-json-v1` values of one partition in one record, LF-separated (kafka-pack.ts). */
export const FORMAT_LINES_HEADER = 'point-json-lines-v1';

/** One record as strings: Kafka key and value (the JSON body parser's output, dead letters, tests);
 *  sinks take the bytes of many at once (point-batch.ts). */
export interface PointRecord {
  readonly key: string;
  readonly value: string;
}

/** Per-request constants, computed once per request rather than once per point. */
export interface RequestContext {
  /** Nanosecond timestamp (decimal string) for points that carry none. */
  readonly nowNs: string;
  /** `,"rcv":<ms>` plus `,"db":"…"` when the client named one; pre-serialised tail of every value. */
  readonly tail: string;
  readonly precision: Precision;
  /** Longest record value (UTF-8 bytes) the sink can deliver; a longer point is refused with 400. */
  readonly maxPointBytes: number;
}

/** Milliseconds per unit of the precisions coarser than a millisecond. */
const PRECISION_MS: Partial<Record<Precision, number>> = { s: 1000, m: 60_000, h: 3_600_000 };

export function requestContext(precision: Precision, db: string | undefined, nowMs = Date.now(), maxPointBytes = Infinity): RequestContext {
  const tail = `,"rcv":${nowMs}` + (db ? `,"db":${JSON.stringify(db)}` : '');
  // A point without a timestamp gets the server time truncated to the request's precision, as InfluxDB
  // 1.x does (models.Point.SetPrecision); finer precisions than ms are already exact at ms resolution.
  const unit = PRECISION_MS[precision] ?? 1;
  return { nowNs: `${nowMs - (nowMs % unit)}000000`, tail, precision, maxPointBytes };
}

/** UTF-8 length of `s` at most `limit`, without encoding it when its length alone settles it. */
export function utf8AtMost(s: string, limit: number): boolean {
  if (s.length * 3 <= limit) return true; // a UTF-16 code unit is at most 3 UTF-8 bytes
  if (s.length > limit) return false;
  return Buffer.byteLength(s) <= limit;
}

/** `[key, value]` pairs of tags, unescaped. */
export type TagPairs = string[][];

const MEASUREMENT_SPECIAL = /[, ]/g;
const TAG_SPECIAL = /[,= ]/g;

/** Canonical series key: measurement and tags sorted by key, escaped as in line protocol. */
export function seriesKey(measurement: string, sortedTags: TagPairs): string {
  let key = measurement.replace(MEASUREMENT_SPECIAL, '\\$&');
  for (const [k, v] of sortedTags) key += ',' + k.replace(TAG_SPECIAL, '\\$&') + '=' + v.replace(TAG_SPECIAL, '\\$&');
  return key;
}

/** `"k":"v",…` for the `t` member. */
export function tagsJson(sortedTags: TagPairs): string {
  let s = '';
  for (let i = 0; i < sortedTags.length; i++) {
    if (i > 0) s += ',';
    s += JSON.stringify(sortedTags[i][0]) + ':' + JSON.stringify(sortedTags[i][1]);
  }
  return s;
}

/** Builds the value; `fields` is the already-serialised inside of the `f` object. */
export function recordValue(measurement: string, tags: string, fields: string, tsNs: string, ctx: RequestContext): string {
  return `{"v":1,"m":${JSON.stringify(measurement)},"t":{${tags}},"f":{${fields}},"ts":"${tsNs}"${ctx.tail}}`;
}

export function compareTags(a: string[], b: string[]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

// ---- timestamps -------------------------------------------------------------------------------

export type Precision = 'ns' | 'us' | 'ms' | 's' | 'm' | 'h';

/** Query-string spellings of InfluxDB v1 (`n`, `u`, `ms`, `s`, `m`, `h`) and v2 (`ns`, `us`, `ms`, `s`). */
const PRECISIONS: Record<string, Precision> = {
  n: 'ns', ns: 'ns', u: 'us', us: 'us', 'µ': 'us', ms: 'ms', s: 's', m: 'm', h: 'h',
};

export function parsePrecision(p: string | null | undefined): Precision | undefined {
  if (p === null || p === undefined || p === '') return 'ns';
  return Object.prototype.hasOwnProperty.call(PRECISIONS, p) ? PRECISIONS[p] : undefined;
}

/** Powers of ten are appended as zeros (exact, no BigInt); minutes and hours need BigInt. */
const ZEROS: Record<Precision, string | bigint> = { ns: '', us: '000', ms: '000000', s: '000000000', m: 60_000_000_000n, h: 3_600_000_000_000n };

const INT64_MAX = '9223372036854775807';
const INT64_MIN_ABS = '9223372036854775808';
export const UINT64_MAX = '18446744073709551615';

/** true when decimal digits `a` (no sign, no leading zeros) <= `limit`. */
export function digitsAtMost(a: string, limit: string): boolean {
  return a.length < limit.length || (a.length === limit.length && a <= limit);
}

/** Strips leading zeros of a run of digits, keeping one. */
export function stripZeros(d: string): string {
  let i = 0;
  while (i < d.length - 1 && d.charCodeAt(i) === 48) i++;
  return i === 0 ? d : d.slice(i);
}

/**
 * Converts a validated integer timestamp (`-?[0-9]+`) in `precision` to nanoseconds as a canonical
 * decimal string, or returns undefined when the result does not fit int64 (InfluxDB's range).
 */
export function toNanoseconds(ts: string, precision: Precision): string | undefined {
  const negative = ts.charCodeAt(0) === 45;
  let mag = stripZeros(negative ? ts.slice(1) : ts);
  if (mag === '0') return '0';
  const factor = ZEROS[precision];
  if (typeof factor === 'string') mag += factor;
  else mag = (BigInt(mag) * factor).toString();
  if (!digitsAtMost(mag, negative ? INT64_MIN_ABS : INT64_MAX)) return undefined;
  return negative ? '-' + mag : mag;
}
