/**
 * InfluxDB line protocol parser, written for the hot path: it walks the raw UTF-8 body once, byte by
 * byte, and writes each point's Kafka record value (`point-json-v1`, docs/wire-format.md) straight into
 * a reusable byte buffer (point-batch.ts): no string, object or JSON.stringify per point or field. All
 * delimiters are ASCII and UTF-8 never uses ASCII bytes inside a multi-byte character, so bytes can be
 * scanned as they are; the caller has checked that the body is valid UTF-8 (body.ts). The first error
 * stops the parse and names the line, column (in characters, as before) and element; the caller then
 * accepts nothing from the request.
 *
 * Grammar (https://docs.influxdata.com/influxdb/v1/write_protocols/line_protocol_reference/):
 *   line        = measurement *("," tag_key "=" tag_value) 1*" " field *("," field) [1*" " timestamp]
 *   field       = field_key "=" (float | integer "i" | uinteger "u" | "\"" string "\"" | boolean)
 *   comment     = *whitespace "#" *any ; blank lines are ignored too
 * Escapes: measurement `\,` `\ `; tag keys/values and field keys `\,` `\=` `\ `; strings `\"` `\\`.
 * A backslash before any other character is a literal backslash. Lines end at `\n` (a trailing `\r`
 * is dropped), so strings cannot hold a raw newline. Leading spaces, tabs and NUL bytes are skipped.
 *
 * Limits as InfluxDB 1.x enforces them: a series key (escaped measurement and sorted tags) of at most
 * 65,535 bytes (models.MaxKeyLength in influxdb/models/points.go), a string field of at most 64 KiB
 * (the line protocol reference's "Length limit 64KB"); plus the sink's record bound (RequestContext).
 *
 * Tags that arrive sorted and unescaped (Telegraf's output) are copied as bytes; escaped or unsorted
 * ones take a string path (sort, duplicate check, canonical key: record.ts). The bytes written are
 * exactly what the string encoder before it wrote (test/line-protocol-bytes.test.ts compares them).
 */
import { IngestError } from './errors';
import { BatchWriter, type PointBatch } from './point-batch';
import { compareTags, type RequestContext, seriesKey, type TagPairs, tagsJson, toNanoseconds } from './record';

/** InfluxDB 1.x's models.MaxKeyLength: UTF-8 bytes of the escaped series key. */
export const MAX_SERIES_KEY_BYTES = 65_535;
/** InfluxDB 1.x's documented string field limit (64 KiB), UTF-8 bytes of the unescaped string. */
export const MAX_STRING_FIELD_BYTES = 64 * 1024;

const NUL = 0, TAB = 9, LF = 10, CR = 13, SPACE = 32, QUOTE = 34, HASH = 35, COMMA = 44, MINUS = 45, DOT = 46;
const ZERO = 48, NINE = 57, EQ = 61, BSLASH = 92, LOWER_I = 105, LOWER_U = 117;

/** Which line-protocol escapes a token has: none, measurement (`\,` `\ `), key/tag (`\,` `\=` `\ `), string (`\"` `\\`). */
const RAW = 0, MEASUREMENT = 1, KEY = 2, STRING = 3;

const INT64_MAX = Buffer.from('9223372036854775807');
const INT64_MIN_ABS = Buffer.from('9223372036854775808');
const UINT64_MAX = Buffer.from('18446744073709551615');
/** Float syntax that is also valid JSON: such tokens are copied verbatim into the record. */
const JSON_NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?$/;
/** Float syntax InfluxDB accepts (Go's ParseFloat without inf/nan/hex/underscores). */
const LP_FLOAT = /^[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$/;
const INTEGER = /^-?[0-9]+$/;
const UNSIGNED = /^[0-9]+$/;
/** Up to this many fields a line checks duplicates by comparing bytes; above, with a Set (a 10 MB line
 *  of one-character fields must not cost O(n²)). */
const LINEAR_DUP_LIMIT = 16;

/** JSON.stringify's escapes per byte: 0 = as is, `u` = \u00XX, else the letter after the backslash. */
const JSON_ESCAPE = new Uint8Array(256);
for (let c = 0; c < 0x20; c++) JSON_ESCAPE[c] = LOWER_U;
JSON_ESCAPE[8] = 98; JSON_ESCAPE[9] = 116; JSON_ESCAPE[10] = 110; JSON_ESCAPE[12] = 102; JSON_ESCAPE[13] = 114; // b t n f r
JSON_ESCAPE[QUOTE] = QUOTE;
JSON_ESCAPE[BSLASH] = BSLASH;
const HEX = Buffer.from('0123456789abcdef');

const bytesOf = (s: string) => Buffer.from(s, 'latin1');
const V_M = bytesOf('{"v":1,"m":'), T_OPEN = bytesOf(',"t":{'), F_OPEN = bytesOf('},"f":{'), TS_OPEN = bytesOf('},"ts":"');
const I_OPEN = bytesOf('{"i":"'), U_OPEN = bytesOf('{"u":"'), NUM_CLOSE = bytesOf('"}'), TRUE = bytesOf('true'), FALSE = bytesOf('false');
/** Fixed bytes of a value besides its tokens: `{"v":1,"m":`, `,"t":{`, `},"f":{`, `},"ts":"`, `"` and `}`. */
const FIXED_BYTES = 64;

// Per-parse state: parsing is synchronous, so one set serves the whole worker.
const out = new BatchWriter();
/** `"` + the request's tail (`,"rcv":…,"db":…`) + `}`: what ends every value of the request. */
let close: Buffer = Buffer.alloc(0);
let closeScratch = Buffer.allocUnsafe(256);
const nowScratch = Buffer.allocUnsafe(32);
let now: Buffer = Buffer.alloc(0);
let context: RequestContext;
let tagPos = new Int32Array(64);
/** Start and end of each JSON field key written for the current line (the first LINEAR_DUP_LIMIT). */
const fieldPos = new Int32Array(2 * LINEAR_DUP_LIMIT);

function fail(line: number, column: number, element: string, message: string): never {
  throw new IngestError('INGEST_ERR_LINE_PROTOCOL', `line ${line}, column ${column}: ${element}: ${message}`, {
    line, column, field: element,
  });
}

function tooLarge(line: number, column: number, element: string, what: string, bytes: number, limit: number): never {
  throw new IngestError('INGEST_ERR_POINT_TOO_LARGE', `line ${line}, column ${column}: ${element}: ${what} has ${bytes} bytes, over the limit of ${limit}`, {
    line, column, field: element, bytes, limit,
  });
}

/** 1-based column, in UTF-16 code units as the string parser counted them (errors only). */
function col(b: Buffer, lineStart: number, p: number): number {
  return b.toString('utf8', lineStart, p).length + 1;
}

function isEscape(next: number, mode: number): boolean {
  switch (mode) {
    case MEASUREMENT: return next === COMMA || next === SPACE;
    case KEY: return next === COMMA || next === EQ || next === SPACE;
    case STRING: return next === QUOTE || next === BSLASH;
  }
  return false;
}

/** The token b[s..e) with its escapes removed, as a string (the string path and error messages). */
function text(b: Buffer, s: number, e: number, mode: number): string {
  const raw = b.toString('utf8', s, e);
  if (mode === RAW || !raw.includes('\\')) return raw;
  let r = '';
  for (let i = 0; i < raw.length; i++) {
    if (raw.charCodeAt(i) === BSLASH && i + 1 < raw.length && isEscape(raw.charCodeAt(i + 1), mode)) i++;
    r += raw[i];
  }
  return r;
}

function put(bytes: Buffer): void {
  const o = out.pos, buf = out.buf;
  for (let i = 0; i < bytes.length; i++) buf[o + i] = bytes[i];
  out.pos = o + bytes.length;
}

/** a < b (byte ranges of UTF-8) in UTF-16 code unit order, JavaScript's `<` on the decoded strings. */
function lessUtf16(b: Buffer, as: number, ae: number, bs: number, be: number): boolean {
  const n = Math.min(ae - as, be - bs);
  for (let i = 0; i < n; i++) {
    const x = b[as + i], y = b[bs + i];
    if (x === y) continue;
    // Lead bytes EE/EF (U+E000–U+FFFF) sort above F0–F4 (supplementary, UTF-16 surrogates D800–DFFF).
    if (x >= 0xee && y >= 0xee && (x >= 0xf0) !== (y >= 0xf0)) return x >= 0xf0;
    return x < y;
  }
  return ae - as < be - bs;
}

/**
 * Parses `body` (valid UTF-8; a string is encoded first) into one batch of records.
 * Throws IngestError(INGEST_ERR_LINE_PROTOCOL or _POINT_TOO_LARGE) on the first bad line.
 */
export function parseLineProtocol(body: Buffer | string, ctx: RequestContext): PointBatch {
  const b = typeof body === 'string' ? Buffer.from(body) : body;
  out.reset();
  context = ctx;
  // Written into reused buffers: no allocation per request (at one point per request it shows).
  const closing = `"${ctx.tail}}`;
  if (closing.length * 3 > closeScratch.length) closeScratch = Buffer.allocUnsafe(closing.length * 3);
  close = closeScratch.subarray(0, closeScratch.write(closing));
  now = nowScratch.subarray(0, nowScratch.write(ctx.nowNs, 'latin1'));
  const len = b.length;
  let lineNo = 0;
  let start = 0;
  while (start < len) {
    lineNo++;
    let end = b.indexOf(LF, start);
    if (end === -1) end = len;
    const next = end + 1;
    if (end > start && b[end - 1] === CR) end--;
    parseLine(b, start, end, lineNo);
    start = next;
  }
  return out.finish();
}

/**
 * Room one line can take in the value buffer at most: 6 bytes per input byte (a control character
 * becomes \u00XX; every other expansion — quotes and colons around tags and keys, `{"i":"…"}`, "true",
 * a re-serialised float such as 1.e20 — is smaller per input byte once the line's delimiters are
 * counted), 2 more per byte for good measure, and the fixed parts: framing, the server time, the tail.
 */
const ROOM_PER_BYTE = 8;

/** JSON.stringify's escape of byte c (table entry x != 0) at buf[o]; returns the new position. */
function putEscape(buf: Buffer, o: number, c: number, x: number): number {
  buf[o++] = BSLASH;
  buf[o++] = x;
  if (x === LOWER_U) { buf[o++] = ZERO; buf[o++] = ZERO; buf[o++] = HEX[c >> 4]; buf[o++] = HEX[c & 15]; }
  return o;
}

function copyInto(buf: Buffer, o: number, bytes: Buffer): number {
  for (let i = 0; i < bytes.length; i++) buf[o + i] = bytes[i];
  return o + bytes.length;
}

function parseLine(b: Buffer, lineStart: number, end: number, lineNo: number): void {
  let p = lineStart;
  while (p < end) {
    const c = b[p];
    if (c !== SPACE && c !== TAB && c !== NUL) break; // InfluxDB's skipWhitespace skips NUL too
    p++;
  }
  if (p === end || b[p] === HASH) return; // blank line or comment
  const seriesStart = p;

  // The value is written while the line is scanned (one pass). Measurement and tags are written as
  // the fast path needs them (raw bytes, JSON-escaped); escaped or unsorted tags rewind and take the
  // string path below.
  const valueStart = out.pos;
  out.ensureValue(ROOM_PER_BYTE * (end - lineStart) + close.length + 2 * FIXED_BYTES);
  let buf = out.buf;
  let o = copyInto(buf, valueStart, V_M);

  // measurement
  let escaped = false;
  buf[o++] = QUOTE;
  while (p < end) {
    const c = b[p];
    if (c === BSLASH && p + 1 < end && (b[p + 1] === COMMA || b[p + 1] === SPACE)) { escaped = true; p += 2; continue; }
    if (c === COMMA || c === SPACE) break;
    const x = JSON_ESCAPE[c];
    if (x === 0) buf[o++] = c; else o = putEscape(buf, o, c, x);
    p++;
  }
  if (p === seriesStart) fail(lineNo, col(b, lineStart, p), 'measurement', 'missing measurement');
  buf[o++] = QUOTE;
  o = copyInto(buf, o, T_OPEN);
  const measurementEnd = p;
  let anyEscape = escaped;

  // tag set: written for the fast path, positions kept for the string path
  let nTags = 0;
  let sorted = true;
  while (p < end && b[p] === COMMA) {
    p++;
    const keyStart = p;
    escaped = false;
    if (nTags > 0) buf[o++] = COMMA;
    buf[o++] = QUOTE;
    while (p < end) {
      const c = b[p];
      if (c === BSLASH && p + 1 < end && isEscape(b[p + 1], KEY)) { escaped = true; p += 2; continue; }
      if (c === EQ || c === COMMA || c === SPACE) break;
      const x = JSON_ESCAPE[c];
      if (x === 0) buf[o++] = c; else o = putEscape(buf, o, c, x);
      p++;
    }
    if (p === keyStart) fail(lineNo, col(b, lineStart, p), 'tag key', 'missing tag key');
    if (p === end || b[p] !== EQ) fail(lineNo, col(b, lineStart, p), `tag "${b.toString('utf8', keyStart, p)}"`, 'missing "=" after tag key');
    const keyEnd = p;
    anyEscape ||= escaped;
    p++;
    buf[o++] = QUOTE;
    buf[o++] = 58; // :
    buf[o++] = QUOTE;
    const tagValueStart = p;
    escaped = false;
    while (p < end) {
      const c = b[p];
      if (c === BSLASH && p + 1 < end && isEscape(b[p + 1], KEY)) { escaped = true; p += 2; continue; }
      if (c === COMMA || c === SPACE) break;
      if (c === EQ) fail(lineNo, col(b, lineStart, p), `tag "${text(b, keyStart, keyEnd, KEY)}"`, 'unescaped "=" in tag value');
      const x = JSON_ESCAPE[c];
      if (x === 0) buf[o++] = c; else o = putEscape(buf, o, c, x);
      p++;
    }
    if (p === tagValueStart) fail(lineNo, col(b, lineStart, p), `tag "${text(b, keyStart, keyEnd, KEY)}"`, 'missing tag value');
    buf[o++] = QUOTE;
    anyEscape ||= escaped;
    if (4 * nTags + 4 > tagPos.length) { const t = new Int32Array(tagPos.length * 2); t.set(tagPos); tagPos = t; }
    const t = 4 * nTags;
    // Meaningful only without escapes (then raw bytes are the keys); with escapes the string path re-checks.
    if (nTags > 0 && sorted && !lessUtf16(b, tagPos[t - 4], tagPos[t - 3], keyStart, keyEnd)) sorted = false;
    tagPos[t] = keyStart; tagPos[t + 1] = keyEnd; tagPos[t + 2] = tagValueStart; tagPos[t + 3] = p;
    nTags++;
  }
  const seriesEnd = p;
  if (p === end) fail(lineNo, col(b, lineStart, p), 'fields', 'missing fields (expected a space and at least one field)');
  // p is at a space (the only other stop character); any number of spaces separate the sections
  while (p < end && b[p] === SPACE) p++;
  if (p === end) fail(lineNo, col(b, lineStart, p), 'fields', 'missing fields');

  let slowKey: string | undefined;
  if (!anyEscape && sorted) {
    // Fast path: Telegraf sends tags sorted and rarely escapes, so the raw series text is already the key.
    if (seriesEnd - seriesStart > MAX_SERIES_KEY_BYTES) tooLarge(lineNo, col(b, lineStart, seriesStart), 'series key', 'the series key', seriesEnd - seriesStart, MAX_SERIES_KEY_BYTES);
    o = copyInto(buf, o, F_OPEN);
  } else {
    const measurement = text(b, seriesStart, measurementEnd, MEASUREMENT);
    const tags: TagPairs = [];
    let inOrder = true;
    for (let i = 0; i < nTags; i++) {
      const key = text(b, tagPos[4 * i], tagPos[4 * i + 1], KEY);
      if (i > 0 && inOrder && tags[i - 1][0] >= key) inOrder = false;
      tags.push([key, text(b, tagPos[4 * i + 2], tagPos[4 * i + 3], KEY)]);
    }
    if (!inOrder) {
      tags.sort(compareTags);
      for (let i = 1; i < tags.length; i++) {
        if (tags[i][0] === tags[i - 1][0]) fail(lineNo, col(b, lineStart, seriesStart), `tag "${tags[i][0]}"`, 'duplicate tag key');
      }
    }
    slowKey = seriesKey(measurement, tags);
    const keyBytes = Buffer.byteLength(slowKey);
    if (keyBytes > MAX_SERIES_KEY_BYTES) tooLarge(lineNo, col(b, lineStart, seriesStart), 'series key', 'the series key', keyBytes, MAX_SERIES_KEY_BYTES);
    out.pos = valueStart; // discard the fast path's bytes
    out.putString(`{"v":1,"m":${JSON.stringify(measurement)},"t":{${tagsJson(tags)}},"f":{`);
    // The rest of the line still fits: room for it was made above and the string path writes no more.
    out.ensureValue(ROOM_PER_BYTE * (end - p) + close.length + 2 * FIXED_BYTES);
    buf = out.buf;
    o = out.pos;
  }

  // field set
  let nFields = 0;
  let seen: Set<string> | undefined;
  for (;;) {
    const keyStart = p;
    escaped = false;
    if (nFields > 0) buf[o++] = COMMA;
    // The JSON key is written as it is scanned; duplicates compare these encoded keys (one-to-one).
    const jk = o;
    buf[o++] = QUOTE;
    while (p < end) {
      let c = b[p];
      if (c === BSLASH && p + 1 < end && isEscape(b[p + 1], KEY)) { escaped = true; c = b[p + 1]; p++; }
      else if (c === EQ || c === COMMA || c === SPACE) break;
      const x = JSON_ESCAPE[c];
      if (x === 0) buf[o++] = c; else o = putEscape(buf, o, c, x);
      p++;
    }
    if (p === keyStart) fail(lineNo, col(b, lineStart, p), 'field key', 'missing field key');
    buf[o++] = QUOTE;
    const jkEnd = o;
    const keyEnd = p;
    const keyMode = escaped ? KEY : RAW;
    if (p === end || b[p] !== EQ) fail(lineNo, col(b, lineStart, p), fieldName(b, keyStart, keyEnd, keyMode), 'missing "=" after field key');
    p++;
    if (seen === undefined && nFields < LINEAR_DUP_LIMIT) {
      const n = jkEnd - jk;
      for (let f = 0; f < nFields; f++) {
        if (fieldPos[2 * f + 1] - fieldPos[2 * f] === n && sameBytes(buf, jk, fieldPos[2 * f], n)) {
          fail(lineNo, col(b, lineStart, keyStart), fieldName(b, keyStart, keyEnd, keyMode), 'duplicate field key');
        }
      }
      fieldPos[2 * nFields] = jk; fieldPos[2 * nFields + 1] = jkEnd;
    } else {
      if (seen === undefined) {
        seen = new Set();
        for (let f = 0; f < nFields; f++) seen.add(buf.toString('latin1', fieldPos[2 * f], fieldPos[2 * f + 1]));
      }
      const k = buf.toString('latin1', jk, jkEnd);
      if (seen.has(k)) fail(lineNo, col(b, lineStart, keyStart), fieldName(b, keyStart, keyEnd, keyMode), 'duplicate field key');
      seen.add(k);
    }
    buf[o++] = 58; // :

    const valueTokenStart = p;
    if (p < end && b[p] === QUOTE) {
      // string field: ends at the first quote not preceded by an escaping backslash
      p++;
      const s = p;
      let escapes = 0;
      let closed = false;
      buf[o++] = QUOTE;
      while (p < end) {
        let c = b[p];
        if (c === BSLASH && p + 1 < end && (b[p + 1] === QUOTE || b[p + 1] === BSLASH)) { escapes++; c = b[p + 1]; p++; }
        else if (c === QUOTE) { closed = true; break; }
        const x = JSON_ESCAPE[c];
        if (x === 0) buf[o++] = c; else o = putEscape(buf, o, c, x);
        p++;
      }
      if (!closed) fail(lineNo, col(b, lineStart, valueTokenStart), fieldName(b, keyStart, keyEnd, keyMode), 'unterminated string value');
      buf[o++] = QUOTE;
      const bytes = p - s - escapes;
      if (bytes > MAX_STRING_FIELD_BYTES) {
        tooLarge(lineNo, col(b, lineStart, valueTokenStart), fieldName(b, keyStart, keyEnd, keyMode), 'the string value', bytes, MAX_STRING_FIELD_BYTES);
      }
      p++;
    } else {
      // copied while scanning: the common plain decimal is then already in place
      const tokenOut = o;
      while (p < end) {
        const c = b[p];
        if (c === COMMA || c === SPACE) break;
        buf[o++] = c;
        p++;
      }
      if (p === valueTokenStart) fail(lineNo, col(b, lineStart, p), fieldName(b, keyStart, keyEnd, keyMode), 'missing field value');
      if (!isPlainDecimal(b, valueTokenStart, p)) {
        out.pos = tokenOut;
        if (!putFieldValue(b, valueTokenStart, p)) {
          fail(lineNo, col(b, lineStart, valueTokenStart), fieldName(b, keyStart, keyEnd, keyMode), fieldValueError(b, valueTokenStart, p));
        }
        o = out.pos;
      }
    }
    nFields++;

    if (p === end) break;
    const c = b[p];
    if (c === COMMA) { p++; continue; }
    if (c !== SPACE) fail(lineNo, col(b, lineStart, p), fieldName(b, keyStart, keyEnd, keyMode), 'unexpected character after field value');
    break; // space: timestamp (or trailing whitespace) follows
  }

  // timestamp
  o = copyInto(buf, o, TS_OPEN);
  while (p < end && b[p] === SPACE) p++;
  if (p < end) {
    const tsStart = p;
    const tsOut = o;
    // copied while scanning: a nanosecond timestamp (Telegraf's default) is then already in place
    let digits = true;
    while (p < end) {
      const c = b[p];
      if (c === SPACE || c === TAB) break;
      if (c < ZERO || c > NINE) digits = false;
      buf[o++] = c;
      p++;
    }
    const tsEnd = p;
    while (p < end && (b[p] === SPACE || b[p] === TAB)) p++;
    if (p < end) fail(lineNo, col(b, lineStart, p), 'timestamp', 'unexpected text after timestamp');
    const n = tsEnd - tsStart;
    const canonical = digits && n <= 19 && (b[tsStart] !== ZERO || n === 1) && (n < 19 || digitsAtMost(b, tsStart, tsEnd, INT64_MAX));
    if (context.precision !== 'ns' || !canonical) {
      const raw = b.toString('utf8', tsStart, tsEnd);
      if (!INTEGER.test(raw)) fail(lineNo, col(b, lineStart, tsStart), 'timestamp', `invalid timestamp "${raw}" (expected an integer)`);
      const ns = toNanoseconds(raw, context.precision);
      if (ns === undefined) fail(lineNo, col(b, lineStart, tsStart), 'timestamp', `timestamp ${raw} (${context.precision}) is outside the int64 nanosecond range`);
      o = tsOut + buf.write(ns, tsOut, 'latin1');
    }
  } else {
    o = copyInto(buf, o, now);
  }
  o = copyInto(buf, o, close);
  out.pos = o;

  const bytes = o - valueStart;
  if (bytes > context.maxPointBytes) tooLarge(lineNo, col(b, lineStart, seriesStart), 'point', 'its Kafka record', bytes, context.maxPointBytes);
  out.endValue();
  if (slowKey === undefined) out.putKey(b, seriesStart, seriesEnd);
  else out.putKeyString(slowKey);
}

/** Decimal digits b[s..e) (no leading zeros) <= `limit`. */
function digitsAtMost(b: Buffer, s: number, e: number, limit: Buffer): boolean {
  const n = e - s;
  if (n !== limit.length) return n < limit.length;
  for (let i = 0; i < n; i++) if (b[s + i] !== limit[i]) return b[s + i] < limit[i];
  return true;
}

/** All digits, at least one. */
function allDigits(b: Buffer, s: number, e: number): boolean {
  if (e <= s) return false;
  for (let i = s; i < e; i++) if (b[i] < ZERO || b[i] > NINE) return false;
  return true;
}

/**
 * `-?(0|[1-9][0-9]*)(\.[0-9]+)?`, at most 300 characters: a float in both grammars, finite (no exponent,
 * so below 1e300), and already JSON, hence copied verbatim. Most metrics look like this.
 */
function isPlainDecimal(b: Buffer, s: number, e: number): boolean {
  if (e - s > 300) return false;
  let i = b[s] === MINUS ? s + 1 : s;
  const intStart = i;
  while (i < e && b[i] >= ZERO && b[i] <= NINE) i++;
  const intDigits = i - intStart;
  if (intDigits === 0 || (intDigits > 1 && b[intStart] === ZERO)) return false;
  if (i === e) return true;
  if (b[i] !== DOT) return false;
  const fracStart = ++i;
  while (i < e && b[i] >= ZERO && b[i] <= NINE) i++;
  return i === e && i > fracStart;
}

function isBoolean(b: Buffer, s: number, e: number): number {
  // 1 = true, 0 = false, -1 = neither: t T true True TRUE / f F false False FALSE
  const n = e - s;
  if (n === 1) { const c = b[s]; return c === 116 || c === 84 ? 1 : c === 102 || c === 70 ? 0 : -1; }
  if (n !== 4 && n !== 5) return -1;
  switch (b.toString('latin1', s, e)) {
    case 'true': case 'True': case 'TRUE': return 1;
    case 'false': case 'False': case 'FALSE': return 0;
  }
  return -1;
}

/**
 * Writes the JSON of a non-string field value token b[s..e), per the table in docs/wire-format.md;
 * false when the token is not a valid value (fieldValueError then says why).
 */
function putFieldValue(b: Buffer, s: number, e: number): boolean {
  const last = b[e - 1];
  if (last === LOWER_I || last === LOWER_U) {
    const signed = last === LOWER_I;
    const neg = signed && b[s] === MINUS;
    const ds = neg ? s + 1 : s, de = e - 1;
    if (!allDigits(b, ds, de)) return false;
    let m = ds;
    while (m < de - 1 && b[m] === ZERO) m++; // keep one digit
    if (!digitsAtMost(b, m, de, signed ? (neg ? INT64_MIN_ABS : INT64_MAX) : UINT64_MAX)) return false;
    put(signed ? I_OPEN : U_OPEN);
    if (neg && !(m === de - 1 && b[m] === ZERO)) out.buf[out.pos++] = MINUS;
    for (let i = m; i < de; i++) out.buf[out.pos++] = b[i];
    put(NUM_CLOSE);
    return true;
  }
  if (isPlainDecimal(b, s, e)) { // the common case, without the regular expressions below
    for (let i = s; i < e; i++) out.buf[out.pos++] = b[i];
    return true;
  }
  const bool = isBoolean(b, s, e);
  if (bool >= 0) { put(bool ? TRUE : FALSE); return true; }
  const t = b.toString('latin1', s, e);
  if (!LP_FLOAT.test(t)) return false; // ASCII only: a non-ASCII token fails here too
  const n = Number(t);
  if (!Number.isFinite(n)) return false;
  // Verbatim when the token is already JSON; otherwise ("1.", ".5", "+1", "01") re-serialised.
  out.pos += out.buf.write(JSON_NUMBER.test(t) ? t : String(n), out.pos, 'latin1');
  return true;
}

/** Why putFieldValue refused b[s..e) (errors only). */
function fieldValueError(b: Buffer, s: number, e: number): string {
  const tok = b.toString('utf8', s, e);
  const last = b[e - 1];
  if (last === LOWER_I || last === LOWER_U) {
    const signed = last === LOWER_I;
    const digits = tok.slice(0, -1);
    if (!(signed ? INTEGER : UNSIGNED).test(digits)) return `invalid ${signed ? '' : 'unsigned '}integer "${tok}"`;
    return signed ? `integer ${tok} is out of the int64 range` : `unsigned integer ${tok} is out of the uint64 range`;
  }
  if (!LP_FLOAT.test(tok)) return `invalid field value "${tok}"`;
  return `float ${tok} is out of range`;
}

function fieldName(b: Buffer, s: number, e: number, mode: number): string {
  return `field "${text(b, s, e, mode)}"`;
}

/** Compared from the end: field keys of one line tend to share a prefix (usage_user, usage_idle). */
function sameBytes(buf: Buffer, a: number, c: number, n: number): boolean {
  for (let i = n - 1; i >= 0; i--) if (buf[a + i] !== buf[c + i]) return false;
  return true;
}
