/**
 * The JSON body of `POST /api/v1/metrics` (documented in docs/ingest.md):
 *
 *   {"points":[{"measurement":"cpu","tags":{"host":"a"},"fields":{"usage":71.5,"procs":{"i":"312"}},"time":1764230400000000000}]}
 *
 * Field values mirror the Kafka record: number = float, {"i": "…"} = int64, {"u": "…"} = uint64,
 * string, boolean. `time` is optional, an integer (safe range) or a decimal string, in `?precision=`
 * (default ns). Unknown members are errors, so a typo ("feilds") is not silently dropped.
 * Parsing is JSON.parse (V8's parser is iterative, so deep nesting cannot overflow the stack; size is
 * bounded by the body limit); validation then walks only the depth the format has.
 */
import { IngestError } from './errors';
import {
  compareTags, digitsAtMost, PointRecord, recordValue, RequestContext, seriesKey, stripZeros, TagPairs, tagsJson,
  toNanoseconds, UINT64_MAX, utf8AtMost,
} from './record';
import { MAX_SERIES_KEY_BYTES, MAX_STRING_FIELD_BYTES } from './line-protocol';

const INTEGER = /^-?[0-9]+$/;
const INT64_MAX = '9223372036854775807';
const INT64_MIN_ABS = '9223372036854775808';
const POINT_MEMBERS = new Set(['measurement', 'tags', 'fields', 'time']);

function fail(point: number, field: string, message: string): never {
  throw new IngestError('INGEST_ERR_JSON_POINT', `point ${point}: ${field}: ${message}`, { point, field });
}

function tooLarge(point: number, field: string, what: string, value: string, limit: number): never {
  const bytes = Buffer.byteLength(value);
  throw new IngestError('INGEST_ERR_POINT_TOO_LARGE', `point ${point}: ${field}: ${what} has ${bytes} bytes, over the limit of ${limit}`, {
    point, field, bytes, limit,
  });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function parseJsonBody(text: string, ctx: RequestContext, out: { push(r: PointRecord): unknown }): void {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (e) {
    throw new IngestError('INGEST_ERR_INVALID_JSON', `Body is not valid JSON: ${(e as Error).message}`);
  }
  if (!isObject(body) || !Array.isArray(body.points)) {
    throw new IngestError('INGEST_ERR_INVALID_JSON', 'Body must be an object with a "points" array');
  }
  const points = body.points;
  for (let i = 0; i < points.length; i++) out.push(pointRecord(points[i], i + 1, ctx));
}

function pointRecord(pt: unknown, n: number, ctx: RequestContext): PointRecord {
  if (!isObject(pt)) fail(n, 'point', 'must be an object');
  for (const k in pt) if (!POINT_MEMBERS.has(k)) fail(n, k, 'unknown member');
  const m = pt.measurement;
  if (typeof m !== 'string' || m === '') fail(n, 'measurement', 'must be a non-empty string');

  const tags: TagPairs = [];
  if (pt.tags !== undefined) {
    if (!isObject(pt.tags)) fail(n, 'tags', 'must be an object of strings');
    for (const k in pt.tags) {
      const v = pt.tags[k];
      if (k === '') fail(n, 'tags', 'empty tag key');
      if (typeof v !== 'string' || v === '') fail(n, `tags.${k}`, 'must be a non-empty string');
      tags.push([k, v]);
    }
    tags.sort(compareTags); // JSON object keys are unique, so no duplicate check is needed
  }

  if (!isObject(pt.fields)) fail(n, 'fields', 'must be an object');
  let fields = '';
  let count = 0;
  for (const k in pt.fields) {
    if (k === '') fail(n, 'fields', 'empty field key');
    if (count > 0) fields += ',';
    fields += JSON.stringify(k) + ':' + fieldJson(pt.fields[k], n, `fields.${k}`);
    count++;
  }
  if (count === 0) fail(n, 'fields', 'needs at least one field');

  let ts = ctx.nowNs;
  const t = pt.time;
  if (t !== undefined && t !== null) {
    let digits: string;
    if (typeof t === 'number') {
      if (!Number.isSafeInteger(t)) fail(n, 'time', 'must be an integer within ±2^53 (send larger values as a decimal string)');
      digits = String(t);
    } else if (typeof t === 'string' && INTEGER.test(t)) digits = t;
    else fail(n, 'time', 'must be an integer or a decimal string');
    const ns = toNanoseconds(digits, ctx.precision);
    if (ns === undefined) fail(n, 'time', `outside the int64 nanosecond range (${ctx.precision})`);
    ts = ns;
  }
  // The limits of line protocol apply alike: these points land in the same records and stores.
  const key = seriesKey(m, tags);
  if (!utf8AtMost(key, MAX_SERIES_KEY_BYTES)) tooLarge(n, 'series key', 'the series key', key, MAX_SERIES_KEY_BYTES);
  const value = recordValue(m, tagsJson(tags), fields, ts, ctx);
  if (!utf8AtMost(value, ctx.maxPointBytes)) tooLarge(n, 'point', 'its Kafka record', value, ctx.maxPointBytes);
  return { key, value };
}

function fieldJson(v: unknown, n: number, path: string): string {
  switch (typeof v) {
    case 'number':
      if (!Number.isFinite(v)) fail(n, path, 'must be finite'); // cannot happen from JSON.parse, kept for safety
      return String(v);
    case 'string':
      if (!utf8AtMost(v, MAX_STRING_FIELD_BYTES)) tooLarge(n, path, 'the string value', v, MAX_STRING_FIELD_BYTES);
      return JSON.stringify(v);
    case 'boolean':
      return v ? 'true' : 'false';
  }
  if (isObject(v)) {
    const keys = Object.keys(v);
    if (keys.length === 1 && (keys[0] === 'i' || keys[0] === 'u')) {
      const raw = v[keys[0]];
      const digits = typeof raw === 'number' && Number.isSafeInteger(raw) ? String(raw) : raw;
      if (typeof digits !== 'string' || !INTEGER.test(digits)) fail(n, path, `"${keys[0]}" must be an integer or a decimal string`);
      const neg = digits.charCodeAt(0) === 45;
      const mag = stripZeros(neg ? digits.slice(1) : digits);
      if (keys[0] === 'i') {
        if (!digitsAtMost(mag, neg ? INT64_MIN_ABS : INT64_MAX)) fail(n, path, 'out of the int64 range');
        return `{"i":"${neg && mag !== '0' ? '-' + mag : mag}"}`;
      }
      if ((neg && mag !== '0') || !digitsAtMost(mag, UINT64_MAX)) fail(n, path, 'out of the uint64 range');
      return `{"u":"${mag}"}`;
    }
  }
  return fail(n, path, 'must be a number, string, boolean, {"i": integer} or {"u": unsigned}');
}
