/**
 * The byte-writing parser (src/line-protocol.ts) against the string encoder it replaced
 * (test/reference/line-protocol-v0.ts, the parser of commit 4f1fbcf kept verbatim): over generated and
 * edge-case bodies both must accept the same points with byte-identical keys and values, or refuse with
 * the same error (code, message and details). The wire format (docs/wire-format.md) is what the Flink
 * job reads, so "identical" is the requirement, not "equivalent JSON".
 */
import { IngestError } from '../src/errors';
import { parseLineProtocol } from '../src/line-protocol';
import { requestContext, type PointRecord, type Precision } from '../src/record';
import { parseLineProtocol as parseV0 } from './reference/line-protocol-v0';

type Outcome = { records: Array<{ key: Buffer; value: Buffer }> } | { error: { code: string; message: string; details: unknown } };

function errorOf(e: unknown): Outcome {
  if (!(e instanceof IngestError)) throw e;
  return { error: { code: e.code, message: e.message, details: e.details } };
}

function oldOutcome(text: string, precision: Precision, db: string | undefined, maxPointBytes: number): Outcome {
  const out: PointRecord[] = [];
  try {
    parseV0(text, requestContext(precision, db, 1_700_000_000_123, maxPointBytes), out);
  } catch (e) {
    return errorOf(e);
  }
  return { records: out.map((r) => ({ key: Buffer.from(r.key), value: Buffer.from(r.value) })) };
}

function newOutcome(text: string, precision: Precision, db: string | undefined, maxPointBytes: number): Outcome {
  try {
    const b = parseLineProtocol(Buffer.from(text), requestContext(precision, db, 1_700_000_000_123, maxPointBytes));
    const records = [];
    for (let i = 0; i < b.count; i++) records.push({ key: Buffer.from(b.keyBuffer(i)), value: Buffer.from(b.valueBuffer(i)) });
    return { records };
  } catch (e) {
    return errorOf(e);
  }
}

function expectSame(text: string, precision: Precision = 'ns', db?: string, maxPointBytes = Infinity): void {
  const want = oldOutcome(text, precision, db, maxPointBytes);
  const got = newOutcome(text, precision, db, maxPointBytes);
  if (JSON.stringify(got) !== JSON.stringify(want)) {
    // toEqual on Buffers prints both sides readably
    expect({ text, precision, got }).toEqual({ text, precision, got: want });
  }
}

/** mulberry32: a small seeded generator, so a failure is reproducible from its seed. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Characters that matter to either grammar or encoding: delimiters, escapes, quotes, controls, NUL,
// non-ASCII of 2, 3 and 4 UTF-8 bytes, and U+E000–U+FFFF (which sort differently in UTF-16 and UTF-8).
const NAME_CHARS = ['a', 'b', 'c', 'z', 'A', '0', '9', '_', '-', '.', 'é', 'ß', '中', '\uE000', '\uFFFD', '😀', '𝄞', '\\', '\\,', '\\ ', '\\=', '\\\\', ',', '=', ' ', '"', '#', '\t', '\0', '\x01', '\x1f', '\x7f', '\r', '\u2028'];
const STRING_CHARS = ['x', 'y', ' ', ',', '=', '\\"', '\\\\', '\\', '\\n', '\t', '\0', '\x02', 'é', '中', '😀', '\uE001', '"', '\r'];
const NUMBERS = ['0', '1', '-1', '1.5', '-0.25', '0.0', '00', '01', '1.', '.5', '+1', '-.5', '1e3', '1E-3', '1.e20', '-1.e21', '9.e99', '1e400', '1e-400', '0x10', 'NaN', 'inf', '1_0', '12345678901234567890.5', '3.14159265358979323846', '-', '.', 'e5', ''];
const INTS = ['0i', '-0i', '007i', '-007i', '42i', '9223372036854775807i', '9223372036854775808i', '-9223372036854775808i', '-9223372036854775809i', '00000000000000000009223372036854775807i', '1.5i', 'i', '-i', '0u', '00u', '18446744073709551615u', '18446744073709551616u', '-1u', 'u', '12u'];
const SAFE_NAME_CHARS = ['a', 'b', 'z', '0', '_', '.', 'é', '中', '\uE000', '😀', '\\,', '\\ ', '\\=', '"', '\x01', '\x7f'];
const GOOD_NUMBERS = NUMBERS.slice(0, 16);
const GOOD_INTS = ['0i', '-0i', '007i', '-007i', '42i', '9223372036854775807i', '-9223372036854775808i', '00000000000000000009223372036854775807i', '0u', '00u', '18446744073709551615u', '12u'];
const BOOLS = ['t', 'T', 'true', 'True', 'TRUE', 'f', 'F', 'false', 'False', 'FALSE', 'tRUE', 'yes', 'tr'];
const TIMESTAMPS = ['', ' 1', ' 0', ' 00', ' 1700000000000000000', ' 9223372036854775807', ' 9223372036854775808', ' -9223372036854775808', ' -1', ' 0001700000000', ' 1700000000', ' 1.5', ' 12a', ' 1 2', '  1  ', ' 1\t', '\t1', ' 99999999999999999999'];

function generator(seed: number) {
  const r = rng(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)];
  let strict = false; // a body meant to be valid: characters and values that every grammar rule takes
  const name = (max: number, plain = 0.8) => {
    if (r() < plain) return pick(['cpu', 'mem', 'host', 'region', 'usage_idle', 'usage_user', 'a', 'b', 'k', 'é', '中文', '\uE000x', '😀y']);
    let s = '';
    const n = 1 + Math.floor(r() * max);
    for (let i = 0; i < n; i++) s += pick(strict ? SAFE_NAME_CHARS : NAME_CHARS);
    return s;
  };
  const fieldValue = () => {
    const k = r();
    if (k < 0.35) return pick(NUMBERS.slice(0, 8)) + (r() < 0.5 ? String(Math.floor(r() * 1000)) : '');
    if (k < 0.55) return pick(strict ? GOOD_NUMBERS : NUMBERS);
    if (k < 0.75) return pick(strict ? GOOD_INTS : INTS);
    if (k < 0.85) return pick(strict ? BOOLS.slice(0, 10) : BOOLS);
    let s = '"';
    const n = Math.floor(r() * 12);
    for (let i = 0; i < n; i++) s += pick(STRING_CHARS);
    return r() < 0.95 || strict ? s + '"' : s; // sometimes unterminated
  };
  const line = () => {
    let l = pick(['', '', '', ' ', '\0', ' \0\t', '\t']);
    if (r() < 0.03) return l + '# comment ' + name(4);
    if (r() < 0.02) return l;
    l += name(6);
    const tags = Math.floor(r() * 5);
    const keys = ['a', 'b', 'c', 'dc', 'host', 'é', '\uE000', '😀'];
    for (let i = 0; i < tags; i++) l += ',' + (r() < 0.7 ? pick(keys) : name(4)) + (strict ? String(i) : '') + '=' + name(5);
    l += pick(strict ? [' ', '  '] : [' ', ' ', ' ', '  ', '']);
    const fields = 1 + Math.floor(r() * (r() < 0.1 ? 20 : 5));
    for (let i = 0; i < fields; i++) l += (i ? ',' : '') + (r() < 0.8 ? pick(['f', 'g', 'h', 'value', 'usage', 'é', 'x\\ y', 'x\\,y', 'x\\=y']) + String(strict ? i : r() < 0.5 ? i : '') : name(4) + (strict ? `_${i}` : '')) + '=' + fieldValue();
    l += pick(strict ? TIMESTAMPS.slice(0, 7) : TIMESTAMPS);
    if (!strict && r() < 0.05) { // a random mutation: delete or insert one character (whole code points: the
      // service only ever parses valid UTF-8, so no lone surrogates)
      const cps = Array.from(l);
      const at = Math.floor(r() * (cps.length + 1));
      if (r() < 0.5) cps.splice(at, 1);
      else cps.splice(at, 0, pick(NAME_CHARS));
      l = cps.join('');
    }
    return l;
  };
  const body = () => {
    strict = r() < 0.5;
    const n = 1 + Math.floor(r() * 3);
    const lines: string[] = [];
    for (let i = 0; i < n; i++) lines.push(line());
    return lines.join(r() < 0.8 ? '\n' : '\r\n') + pick(['', '', '\n', '\r\n', '\n\n']);
  };
  const precision = (): Precision => pick(['ns', 'ns', 'ns', 'us', 'ms', 's', 'm', 'h'] as const);
  return { body, precision, pick, r };
}

describe('line protocol bytes: identical to the string encoder', () => {
  test.each([1, 2, 3, 4])('generated bodies, seed %i (5,000 each)', (seed) => {
    const g = generator(seed);
    let accepted = 0;
    for (let i = 0; i < 5000; i++) {
      const text = g.body();
      const precision = g.precision();
      const db = g.r() < 0.3 ? g.pick(['telegraf', 'db "é"', 'x\\y']) : undefined;
      const max = g.r() < 0.1 ? 60 + Math.floor(g.r() * 200) : Infinity;
      expectSame(text, precision, db, max);
      if ('records' in oldOutcome(text, precision, db, max)) accepted++;
    }
    // The corpus must exercise both sides: plenty of accepted bodies and plenty of refused ones.
    expect(accepted).toBeGreaterThan(1000);
    expect(accepted).toBeLessThan(4500);
  });

  test.each([
    'cpu,cpu=cpu-total,host=web-017 usage_active=71.5,procs=312i,ticks=9007199254740993u,state="ok",up=true 1764230400000000000',
    'weather,location=us-midwest temperature=82 1465839830100400200',
    'm,b=2,a=1 f=1', // unsorted tags
    'm,a=1,a=2 f=1', // duplicate tag key
    'm,a=1,a=1 f=1',
    'm,\uE000=1,😀=2 f=1', // sorted in bytes, not in UTF-16
    'm,😀=1,\uE000=2 f=1', // sorted in UTF-16, not in bytes
    'm,ab=1,a=2 f=1',
    'm,a=1,ab=2 f=1',
    'my\\ measurement,tag\\ key=tag\\,value field\\=key="str \\"q\\" \\\\ \\x" 1',
    'm\\=x,t=\\=v f=1',
    'm,t=a\\ f=1',
    'm f="a\nb"',
    'm f="\u0000\u0001\u001f\u007f\u2028"',
    'm f=1,f=2',
    'm ' + Array.from({ length: 20 }, (_, i) => `f${i}=1`).join(',') + ',f3=2',
    'm ' + Array.from({ length: 20 }, (_, i) => `f${i}=1`).join(','),
    'm f=1 1\r',
    '\ufeffm f=1',
    'm,t=中文 é=1.5,😀="😀" 1',
    'm f=-0i,g=-000i,h=000u,i=0',
    'm f=1 -0',
    'm f=1 -00001',
  ])('edge case %j', (text) => {
    for (const p of ['ns', 's', 'h'] as const) expectSame(text, p, 'db');
  });

  test('lines that expand most (control characters become \\u00XX) across scratch-buffer growth', () => {
    // Out-of-range writes into a Buffer are silently dropped, so a wrong room bound would corrupt
    // values here rather than throw: the comparison with the string encoder catches it.
    const c = '\x01\x02\x1f';
    const lines: string[] = [];
    for (let i = 0; i < 3000; i++) lines.push(`${c.repeat(i % 7 + 1)},${c}=${c.repeat(i % 5 + 1)} ${c}=1.e20,s="${c.repeat(i % 11)}",b=t,i=-0i ${i % 2 ? '1' : ''}`);
    for (const p of ['ns', 'h'] as const) expectSame(lines.join('\n'), p, 'd\x01b');
  });

  test('record bound: the same refusal at the same line, for every bound around the point size', () => {
    const text = 'm,host=a f=1,s="hello" 1\nm,host=b g=2i 2';
    for (let max = 60; max < 140; max++) expectSame(text, 'ns', 'telegraf', max);
  });
});
