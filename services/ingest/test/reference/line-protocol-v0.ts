/**
 * InfluxDB line protocol parser, written for the hot path: it walks the decoded body once with
 * charCodeAt, slices instead of copying where the input needs no unescaping, and builds each Kafka
 * record directly (no intermediate point objects). The first error stops the parse and names the line,
 * column and element; the caller then accepts nothing from the request.
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
 */
import { IngestError } from '../../src/errors';
import {
  compareTags, digitsAtMost, PointRecord, recordValue, RequestContext, seriesKey, stripZeros, TagPairs, tagsJson,
  toNanoseconds, UINT64_MAX, utf8AtMost,
} from '../../src/record';

/** InfluxDB 1.x's models.MaxKeyLength: UTF-8 bytes of the escaped series key. */
export const MAX_SERIES_KEY_BYTES = 65_535;
/** InfluxDB 1.x's documented string field limit (64 KiB), UTF-8 bytes of the unescaped string. */
export const MAX_STRING_FIELD_BYTES = 64 * 1024;

const NUL = 0, CR = 13, SPACE = 32, TAB = 9, QUOTE = 34, HASH = 35, COMMA = 44, EQ = 61, BSLASH = 92;

const INT64_MAX = '9223372036854775807';
const INT64_MIN_ABS = '9223372036854775808';
/** Float syntax that is also valid JSON: such tokens are copied verbatim into the record. */
const JSON_NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?$/;
/** Float syntax InfluxDB accepts (Go's ParseFloat without inf/nan/hex/underscores). */
const LP_FLOAT = /^[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$/;
const INTEGER = /^-?[0-9]+$/;
const UNSIGNED = /^[0-9]+$/;
/** Above this many fields a line checks duplicates with a Set instead of a linear scan (a 10 MB line
 *  of one-character fields must not cost O(n²)). */
const LINEAR_DUP_LIMIT = 16;

function fail(line: number, column: number, element: string, message: string): never {
  throw new IngestError('INGEST_ERR_LINE_PROTOCOL', `line ${line}, column ${column}: ${element}: ${message}`, {
    line, column, field: element,
  });
}

function tooLarge(line: number, column: number, element: string, what: string, value: string, limit: number): never {
  const bytes = Buffer.byteLength(value);
  throw new IngestError('INGEST_ERR_POINT_TOO_LARGE', `line ${line}, column ${column}: ${element}: ${what} has ${bytes} bytes, over the limit of ${limit}`, {
    line, column, field: element, bytes, limit,
  });
}

/** Removes the escaping backslashes of `s` (only called when a backslash was seen). */
function unescape(s: string, specials: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && i + 1 < s.length && specials.includes(s[i + 1])) { out += s[i + 1]; i++; } else out += c;
  }
  return out;
}

function isSpecial(c: number, specials: number): boolean {
  // specials: 1 = measurement (comma, space), 2 = key/tag (comma, equals, space)
  return c === COMMA || c === SPACE || (specials === 2 && c === EQ);
}

/**
 * Parses `text` (already UTF-8-decoded) and appends one record per point to `out`.
 * Throws IngestError(INGEST_ERR_LINE_PROTOCOL) on the first malformed line.
 */
export function parseLineProtocol(text: string, ctx: RequestContext, out: PointRecord[]): void {
  const len = text.length;
  let lineNo = 0;
  let start = 0;
  while (start < len) {
    lineNo++;
    let end = text.indexOf('\n', start);
    if (end === -1) end = len;
    const next = end + 1;
    if (end > start && text.charCodeAt(end - 1) === CR) end--;
    parseLine(text, start, end, lineNo, ctx, out);
    start = next;
  }
}

function parseLine(text: string, lineStart: number, end: number, lineNo: number, ctx: RequestContext, out: PointRecord[]): void {
  let p = lineStart;
  while (p < end) {
    const c = text.charCodeAt(p);
    if (c !== SPACE && c !== TAB && c !== NUL) break; // InfluxDB's skipWhitespace skips NUL too
    p++;
  }
  if (p === end || text.charCodeAt(p) === HASH) return; // blank line or comment
  const col = (i: number) => i - lineStart + 1;
  const seriesStart = p;

  // measurement
  let escaped = false;
  while (p < end) {
    const c = text.charCodeAt(p);
    if (c === BSLASH && p + 1 < end && isSpecial(text.charCodeAt(p + 1), 1)) { escaped = true; p += 2; continue; }
    if (c === COMMA || c === SPACE) break;
    p++;
  }
  if (p === seriesStart) fail(lineNo, col(p), 'measurement', 'missing measurement');
  const rawMeasurement = text.slice(seriesStart, p);
  const measurement = escaped ? unescape(rawMeasurement, ', ') : rawMeasurement;
  let anyEscape = escaped;

  // tag set
  let tags: TagPairs | undefined;
  let sorted = true;
  while (p < end && text.charCodeAt(p) === COMMA) {
    p++;
    const keyStart = p;
    escaped = false;
    while (p < end) {
      const c = text.charCodeAt(p);
      if (c === BSLASH && p + 1 < end && isSpecial(text.charCodeAt(p + 1), 2)) { escaped = true; p += 2; continue; }
      if (c === EQ || c === COMMA || c === SPACE) break;
      p++;
    }
    if (p === keyStart) fail(lineNo, col(p), 'tag key', 'missing tag key');
    if (p === end || text.charCodeAt(p) !== EQ) fail(lineNo, col(p), `tag "${text.slice(keyStart, p)}"`, 'missing "=" after tag key');
    const key = escaped ? unescape(text.slice(keyStart, p), ',= ') : text.slice(keyStart, p);
    anyEscape ||= escaped;
    p++;
    const valueStart = p;
    escaped = false;
    while (p < end) {
      const c = text.charCodeAt(p);
      if (c === BSLASH && p + 1 < end && isSpecial(text.charCodeAt(p + 1), 2)) { escaped = true; p += 2; continue; }
      if (c === COMMA || c === SPACE) break;
      if (c === EQ) fail(lineNo, col(p), `tag "${key}"`, 'unescaped "=" in tag value');
      p++;
    }
    if (p === valueStart) fail(lineNo, col(p), `tag "${key}"`, 'missing tag value');
    const value = escaped ? unescape(text.slice(valueStart, p), ',= ') : text.slice(valueStart, p);
    anyEscape ||= escaped;
    if (tags === undefined) tags = [];
    else if (sorted && tags[tags.length - 1][0] >= key) sorted = false;
    tags.push([key, value]);
  }
  const seriesEnd = p;
  if (p === end) fail(lineNo, col(p), 'fields', 'missing fields (expected a space and at least one field)');
  // p is at a space (the only other stop character); any number of spaces separate the sections
  while (p < end && text.charCodeAt(p) === SPACE) p++;
  if (p === end) fail(lineNo, col(p), 'fields', 'missing fields');

  if (tags !== undefined && !sorted) {
    tags.sort(compareTags);
    for (let i = 1; i < tags.length; i++) {
      if (tags[i][0] === tags[i - 1][0]) fail(lineNo, col(seriesStart), `tag "${tags[i][0]}"`, 'duplicate tag key');
    }
  }
  // Fast path: Telegraf sends tags sorted and rarely escapes, so the raw series text is already the key.
  const key = !anyEscape && sorted ? text.slice(seriesStart, seriesEnd) : seriesKey(measurement, tags ?? []);
  if (!utf8AtMost(key, MAX_SERIES_KEY_BYTES)) tooLarge(lineNo, col(seriesStart), 'series key', 'the series key', key, MAX_SERIES_KEY_BYTES);

  // field set
  let fields = '';
  let fieldCount = 0;
  let fieldKeys: string[] | Set<string> = [];
  for (;;) {
    const keyStart = p;
    escaped = false;
    while (p < end) {
      const c = text.charCodeAt(p);
      if (c === BSLASH && p + 1 < end && isSpecial(text.charCodeAt(p + 1), 2)) { escaped = true; p += 2; continue; }
      if (c === EQ || c === COMMA || c === SPACE) break;
      p++;
    }
    if (p === keyStart) fail(lineNo, col(p), 'field key', 'missing field key');
    const fieldKey = escaped ? unescape(text.slice(keyStart, p), ',= ') : text.slice(keyStart, p);
    const element = `field "${fieldKey}"`;
    if (p === end || text.charCodeAt(p) !== EQ) fail(lineNo, col(p), element, 'missing "=" after field key');
    p++;
    if (fieldKeys instanceof Set) {
      if (fieldKeys.has(fieldKey)) fail(lineNo, col(keyStart), element, 'duplicate field key');
      fieldKeys.add(fieldKey);
    } else {
      if (fieldKeys.includes(fieldKey)) fail(lineNo, col(keyStart), element, 'duplicate field key');
      fieldKeys.push(fieldKey);
      if (fieldKeys.length > LINEAR_DUP_LIMIT) fieldKeys = new Set(fieldKeys);
    }

    let json: string;
    const valueStart = p;
    if (p < end && text.charCodeAt(p) === QUOTE) {
      // string field: ends at the first quote not preceded by an escaping backslash
      p++;
      let s = '';
      let chunk = p;
      let closed = false;
      while (p < end) {
        const c = text.charCodeAt(p);
        if (c === BSLASH && p + 1 < end && (text.charCodeAt(p + 1) === QUOTE || text.charCodeAt(p + 1) === BSLASH)) {
          s += text.slice(chunk, p) + text[p + 1];
          p += 2;
          chunk = p;
          continue;
        }
        if (c === QUOTE) { closed = true; break; }
        p++;
      }
      if (!closed) fail(lineNo, col(valueStart), element, 'unterminated string value');
      s += text.slice(chunk, p);
      p++;
      if (!utf8AtMost(s, MAX_STRING_FIELD_BYTES)) tooLarge(lineNo, col(valueStart), element, 'the string value', s, MAX_STRING_FIELD_BYTES);
      json = JSON.stringify(s);
    } else {
      while (p < end) {
        const c = text.charCodeAt(p);
        if (c === COMMA || c === SPACE) break;
        p++;
      }
      if (p === valueStart) fail(lineNo, col(p), element, 'missing field value');
      json = fieldValueJson(text.slice(valueStart, p), lineNo, col(valueStart), element);
    }
    if (fieldCount > 0) fields += ',';
    fields += JSON.stringify(fieldKey) + ':' + json;
    fieldCount++;

    if (p === end) break;
    const c = text.charCodeAt(p);
    if (c === COMMA) { p++; continue; }
    if (c !== SPACE) fail(lineNo, col(p), element, 'unexpected character after field value');
    break; // space: timestamp (or trailing whitespace) follows
  }

  // timestamp
  let ts = ctx.nowNs;
  while (p < end && text.charCodeAt(p) === SPACE) p++;
  if (p < end) {
    const tsStart = p;
    while (p < end && text.charCodeAt(p) !== SPACE && text.charCodeAt(p) !== TAB) p++;
    const raw = text.slice(tsStart, p);
    while (p < end && (text.charCodeAt(p) === SPACE || text.charCodeAt(p) === TAB)) p++;
    if (p < end) fail(lineNo, col(p), 'timestamp', 'unexpected text after timestamp');
    if (!INTEGER.test(raw)) fail(lineNo, col(tsStart), 'timestamp', `invalid timestamp "${raw}" (expected an integer)`);
    const ns = toNanoseconds(raw, ctx.precision);
    if (ns === undefined) fail(lineNo, col(tsStart), 'timestamp', `timestamp ${raw} (${ctx.precision}) is outside the int64 nanosecond range`);
    ts = ns;
  }

  const value = recordValue(measurement, tags ? tagsJson(tags) : '', fields, ts, ctx);
  if (!utf8AtMost(value, ctx.maxPointBytes)) tooLarge(lineNo, col(seriesStart), 'point', 'its Kafka record', value, ctx.maxPointBytes);
  out.push({ key, value });
}

/**
 * `-?(0|[1-9][0-9]*)(\.[0-9]+)?`, at most 300 characters: a float in both grammars, finite (no exponent,
 * so below 1e300), and already JSON, hence copied verbatim. Most metrics look like this.
 */
function isPlainDecimal(tok: string): boolean {
  const n = tok.length;
  if (n > 300) return false;
  let i = tok.charCodeAt(0) === 45 /* - */ ? 1 : 0;
  const intStart = i;
  while (i < n && tok.charCodeAt(i) >= 48 && tok.charCodeAt(i) <= 57) i++;
  const intDigits = i - intStart;
  if (intDigits === 0 || (intDigits > 1 && tok.charCodeAt(intStart) === 48)) return false;
  if (i === n) return true;
  if (tok.charCodeAt(i) !== 46 /* . */) return false;
  const fracStart = ++i;
  while (i < n && tok.charCodeAt(i) >= 48 && tok.charCodeAt(i) <= 57) i++;
  return i === n && i > fracStart;
}

/** JSON for a non-string field value token, per the table in docs/wire-format.md. */
function fieldValueJson(tok: string, lineNo: number, column: number, element: string): string {
  const last = tok.charCodeAt(tok.length - 1);
  if (last === 105 /* i */) {
    const digits = tok.slice(0, -1);
    if (!INTEGER.test(digits)) fail(lineNo, column, element, `invalid integer "${tok}"`);
    const neg = digits.charCodeAt(0) === 45;
    const mag = stripZeros(neg ? digits.slice(1) : digits);
    if (!digitsAtMost(mag, neg ? INT64_MIN_ABS : INT64_MAX)) fail(lineNo, column, element, `integer ${tok} is out of the int64 range`);
    return `{"i":"${neg && mag !== '0' ? '-' + mag : mag}"}`;
  }
  if (last === 117 /* u */) {
    const digits = tok.slice(0, -1);
    if (!UNSIGNED.test(digits)) fail(lineNo, column, element, `invalid unsigned integer "${tok}"`);
    const mag = stripZeros(digits);
    if (!digitsAtMost(mag, UINT64_MAX)) fail(lineNo, column, element, `unsigned integer ${tok} is out of the uint64 range`);
    return `{"u":"${mag}"}`;
  }
  if (isPlainDecimal(tok)) return tok; // the common case, without the regular expressions below
  switch (tok) {
    case 't': case 'T': case 'true': case 'True': case 'TRUE': return 'true';
    case 'f': case 'F': case 'false': case 'False': case 'FALSE': return 'false';
  }
  if (!LP_FLOAT.test(tok)) fail(lineNo, column, element, `invalid field value "${tok}"`);
  const n = Number(tok);
  if (!Number.isFinite(n)) fail(lineNo, column, element, `float ${tok} is out of range`);
  // Verbatim when the token is already JSON (the common case); otherwise ("1.", ".5", "+1", "01") re-serialised.
  return JSON_NUMBER.test(tok) ? tok : String(n);
}
