import { IngestError } from '../src/errors';
import { MAX_SERIES_KEY_BYTES, MAX_STRING_FIELD_BYTES, parseLineProtocol } from '../src/line-protocol';
import { requestContext, type PointRecord, type Precision } from '../src/record';
import { ctx, values } from './helpers';

function parse(text: string, precision: Precision = 'ns', db?: string): PointRecord[] {
  return parseLineProtocol(text, ctx(precision, db)).toRecords();
}

function one(text: string, precision: Precision = 'ns') {
  const recs = parse(text, precision);
  expect(recs).toHaveLength(1);
  return { key: recs[0].key, value: JSON.parse(recs[0].value), raw: recs[0].value };
}

function parseError(text: string): IngestError {
  try {
    parse(text);
  } catch (e) {
    expect(e).toBeInstanceOf(IngestError);
    return e as IngestError;
  }
  throw new Error('expected a parse error');
}

describe('line protocol: records', () => {
  test('a full line becomes the documented record', () => {
    const r = one('cpu,host=web-017,cpu=cpu-total usage_active=71.5,procs=312i,ticks=9007199254740993u,state="ok",up=true 1764230400000000000');
    expect(r.key).toBe('cpu,cpu=cpu-total,host=web-017');
    expect(r.raw).toBe(
      '{"v":1,"m":"cpu","t":{"cpu":"cpu-total","host":"web-017"},"f":{"usage_active":71.5,"procs":{"i":"312"},' +
        '"ticks":{"u":"9007199254740993"},"state":"ok","up":true},"ts":"1764230400000000000","rcv":1700000000000}',
    );
  });

  test('db is carried when given', () => {
    expect(values(parse('m f=1', 'ns', 'telegraf'))[0].db).toBe('telegraf');
  });

  test('sorted tags without escapes keep the raw series text as key', () => {
    expect(one('cpu,a=1,b=2 f=1').key).toBe('cpu,a=1,b=2');
  });

  test('no tags: key is the measurement, t is empty', () => {
    const r = one('mem free=1');
    expect(r.key).toBe('mem');
    expect(r.value.t).toEqual({});
  });

  test('missing timestamp takes the server time in ns', () => {
    expect(one('m f=1').value.ts).toBe('1700000000000000000');
  });

  test('several lines, CRLF, blank lines, comments and leading whitespace', () => {
    const recs = parse('# header comment\r\n\r\n  m f=1 1\r\n\t# indented comment\n\nm f=2 2\n');
    expect(values(recs).map((v) => v.ts)).toEqual(['1', '2']);
  });

  test('empty body gives no records', () => {
    expect(parse('')).toEqual([]);
    expect(parse('\n\n# only a comment\n')).toEqual([]);
  });

  test('multiple spaces between sections are accepted, trailing spaces too', () => {
    expect(one('m,t=1   f=1    123   ').value).toMatchObject({ t: { t: '1' }, ts: '123' });
  });
});

describe('line protocol: escaping', () => {
  test('measurement escapes comma and space', () => {
    const r = one('my\\ meas\\,x f=1');
    expect(r.value.m).toBe('my meas,x');
    expect(r.key).toBe('my\\ meas\\,x');
  });

  test('tag keys and values escape comma, equals and space', () => {
    const r = one('m,ta\\ g\\=k=v\\,a\\ l\\=ue f=1');
    expect(r.value.t).toEqual({ 'ta g=k': 'v,a l=ue' });
    expect(r.key).toBe('m,ta\\ g\\=k=v\\,a\\ l\\=ue');
  });

  test('field keys escape comma, equals and space', () => {
    expect(one('m f\\,i\\=e\\ ld=1').value.f).toEqual({ 'f,i=e ld': 1 });
  });

  test('a backslash before another character is literal', () => {
    const r = one('m\\x,t=a\\b f=1');
    expect(r.value.m).toBe('m\\x');
    expect(r.value.t).toEqual({ t: 'a\\b' });
  });

  test('strings unescape \\" and \\\\ and keep commas, spaces, equals and other backslashes', () => {
    expect(one('m s="a \\"q\\" b\\\\c, d=e \\n"').value.f.s).toBe('a "q" b\\c, d=e \\n');
  });

  test('unicode passes through in names, tags and strings', () => {
    const r = one('温度,ort=Zürich wert=1,s="🙂"');
    expect(r.value).toMatchObject({ m: '温度', t: { ort: 'Zürich' }, f: { wert: 1, s: '🙂' } });
  });

  test('unsorted tags are sorted; the key is rebuilt canonically', () => {
    const r = one('cpu,z=1,a=2,m=3 f=1');
    expect(r.key).toBe('cpu,a=2,m=3,z=1');
    expect(Object.keys(r.value.t)).toEqual(['a', 'm', 'z']);
  });

  test('canonical key re-escapes after unescaping', () => {
    expect(one('m,b=x\\ y,a=1 f=1').key).toBe('m,a=1,b=x\\ y');
  });
});

describe('line protocol: field values', () => {
  test.each([
    ['1.5', 1.5],
    ['-1.5', -1.5],
    ['2', 2],
    ['1e3', 1000],
    ['1E-2', 0.01],
    ['-0', -0],
    ['0.25', 0.25],
    ['-0.0', -0],
    ['123456789012345678901234567890', 123456789012345678901234567890],
    ['1' + '0'.repeat(300), 1e300],
  ])('float %s is copied verbatim', (tok, n) => {
    const r = one(`m f=${tok}`);
    expect(r.raw).toContain(`"f":{"f":${tok}}`);
    expect(r.value.f.f).toBe(n);
  });

  test.each([
    ['1.', '1'],
    ['.5', '0.5'],
    ['+3', '3'],
    ['007', '7'],
    ['-.5', '-0.5'],
    ['00.5', '0.5'],
    ['-01', '-1'],
  ])('float %s (not JSON syntax) is re-serialised as %s', (tok, json) => {
    expect(one(`m f=${tok}`).raw).toContain(`"f":{"f":${json}}`);
  });

  test.each([
    ['42i', '42'],
    ['-42i', '-42'],
    ['0i', '0'],
    ['-0i', '0'],
    ['007i', '7'],
    ['9223372036854775807i', '9223372036854775807'],
    ['-9223372036854775808i', '-9223372036854775808'],
  ])('integer %s -> {"i":"%s"}', (tok, s) => {
    expect(one(`m f=${tok}`).value.f.f).toEqual({ i: s });
  });

  test.each([
    ['0u', '0'],
    ['42u', '42'],
    ['18446744073709551615u', '18446744073709551615'],
  ])('unsigned %s -> {"u":"%s"}', (tok, s) => {
    expect(one(`m f=${tok}`).value.f.f).toEqual({ u: s });
  });

  test.each(['t', 'T', 'true', 'True', 'TRUE'])('boolean %s is true', (tok) => {
    expect(one(`m f=${tok}`).value.f.f).toBe(true);
  });

  test.each(['f', 'F', 'false', 'False', 'FALSE'])('boolean %s is false', (tok) => {
    expect(one(`m f=${tok}`).value.f.f).toBe(false);
  });

  test('empty string field', () => {
    expect(one('m s=""').value.f.s).toBe('');
  });
});

describe('line protocol: timestamps and precision', () => {
  test.each<[Precision, string, string]>([
    ['ns', '1764230400123456789', '1764230400123456789'],
    ['us', '1764230400123456', '1764230400123456000'],
    ['ms', '1764230400123', '1764230400123000000'],
    ['s', '1764230400', '1764230400000000000'],
    ['m', '29403840', '1764230400000000000'],
    ['h', '490064', '1764230400000000000'],
    ['s', '-1', '-1000000000'],
    ['ns', '0', '0'],
    ['ms', '000', '0'],
    ['ns', '-9223372036854775808', '-9223372036854775808'],
    ['ns', '9223372036854775807', '9223372036854775807'],
  ])('%s %s -> %s ns', (p, ts, ns) => {
    expect(one(`m f=1 ${ts}`, p).value.ts).toBe(ns);
  });

  test.each<[Precision, string]>([
    ['ns', '9223372036854775808'],
    ['s', '9223372037'],
    ['h', '2562048'],
    ['ms', '-9223372036855'],
  ])('%s %s overflows int64 ns -> error', (p, ts) => {
    expect(() => parse(`m f=1 ${ts}`, p)).toThrow(/outside the int64 nanosecond range/);
  });
});

describe('line protocol: errors name line, column and element', () => {
  test.each([
    [',t=1 f=1', 1, 'measurement', /missing measurement/],
    ['m', 1, 'fields', /missing fields/],
    ['m,t=1', 1, 'fields', /missing fields/],
    ['m ', 1, 'fields', /missing fields/],
    ['m,=v f=1', 1, 'tag key', /missing tag key/],
    ['m,t f=1', 1, 'tag "t"', /missing "=" after tag key/],
    ['m,t= f=1', 1, 'tag "t"', /missing tag value/],
    ['m,t=a=b f=1', 1, 'tag "t"', /unescaped "=" in tag value/],
    ['m,t=1,t=2 f=1', 1, 'tag "t"', /duplicate tag key/],
    ['m =1', 1, 'field key', /missing field key/],
    ['m f', 1, 'field "f"', /missing "=" after field key/],
    ['m f=', 1, 'field "f"', /missing field value/],
    ['m f=1,', 1, 'field key', /missing field key/],
    ['m f=1,f=2', 1, 'field "f"', /duplicate field key/],
    ['m f="abc', 1, 'field "f"', /unterminated string/],
    ['m f="a"x', 1, 'field "f"', /unexpected character after field value/],
    ['m f=abc', 1, 'field "f"', /invalid field value "abc"/],
    ['m f=1.2.3', 1, 'field "f"', /invalid field value/],
    ['m f=-', 1, 'field "f"', /invalid field value/],
    ['m f=1.5.', 1, 'field "f"', /invalid field value/],
    ['m f=-.', 1, 'field "f"', /invalid field value/],
    [`m f=1${'0'.repeat(400)}`, 1, 'field "f"', /out of range/],
    ['m f=NaN', 1, 'field "f"', /invalid field value/],
    ['m f=Inf', 1, 'field "f"', /invalid field value/],
    ['m f=1e400', 1, 'field "f"', /out of range/],
    ['m f=0x10', 1, 'field "f"', /invalid field value/],
    ['m f=1_000', 1, 'field "f"', /invalid field value/],
    ['m f=1.5i', 1, 'field "f"', /invalid integer/],
    ['m f=i', 1, 'field "f"', /invalid integer/],
    ['m f=9223372036854775808i', 1, 'field "f"', /out of the int64 range/],
    ['m f=-9223372036854775809i', 1, 'field "f"', /out of the int64 range/],
    ['m f=-1u', 1, 'field "f"', /invalid unsigned/],
    ['m f=18446744073709551616u', 1, 'field "f"', /out of the uint64 range/],
    ['m f=yes', 1, 'field "f"', /invalid field value "yes"/],
    ['m f=1 12a', 1, 'timestamp', /invalid timestamp "12a"/],
    ['m f=1 1.5', 1, 'timestamp', /invalid timestamp/],
    ['m f=1 1 2', 1, 'timestamp', /unexpected text after timestamp/],
    ['ok f=1\nok f=2\nbad f=', 3, 'field "f"', /missing field value/],
  ])('%j -> line %d, %s', (text, line, field, message) => {
    const e = parseError(text);
    expect(e.code).toBe('INGEST_ERR_LINE_PROTOCOL');
    expect(e.statusCode).toBe(400);
    expect(e.details).toMatchObject({ line, field });
    expect(e.message).toMatch(message);
    expect(e.message).toMatch(new RegExp(`^line ${line}, column \\d+: `));
  });

  test('column points at the bad value', () => {
    expect(parseError('cpu,host=a usage=x').details?.column).toBe(18);
  });

  test('the first bad line wins even when later lines are bad too', () => {
    expect(parseError('ok f=1\nbad\nbad f=').details?.line).toBe(2);
  });

  test('a huge field list with a late duplicate is found without quadratic cost', () => {
    const fields = Array.from({ length: 50_000 }, (_, i) => `f${i}=1`).join(',');
    const started = Date.now();
    expect(parseError(`m ${fields},f49999=2`).message).toMatch(/duplicate field key/);
    expect(Date.now() - started).toBeLessThan(5000); // a bound against O(n²) (would take minutes), not a benchmark
  });
});

describe('line protocol: as InfluxDB 1.x parses it', () => {
  // Server time 2023-11-14T22:13:20.123Z plus 5 min 7 s: not aligned to any unit coarser than a ms.
  const nowMs = 1_700_000_000_123 + 307_000;
  const stamped = (precision: Precision) => {
    const out = parseLineProtocol('m f=1', requestContext(precision, undefined, nowMs));
    return JSON.parse(out.value(0)).ts as string;
  };

  test.each<[Precision, number]>([
    ['ns', nowMs], ['us', nowMs], ['ms', nowMs],
    ['s', Math.floor(nowMs / 1000) * 1000],
    ['m', Math.floor(nowMs / 60_000) * 60_000],
    ['h', Math.floor(nowMs / 3_600_000) * 3_600_000],
  ])('no timestamp under precision=%s: server time truncated to it', (p, ms) => {
    expect(stamped(p)).toBe(`${ms}000000`);
  });

  test('leading NUL bytes are skipped like leading whitespace', () => {
    const recs = parse('\0\0m,t=a f=1 1\n \0\t\0m,t=b f=2 2\n\0\0\n\0# comment');
    expect(recs.map((r) => r.key)).toEqual(['m,t=a', 'm,t=b']);
  });

  test('a series key of 65,535 bytes is taken; one byte more is refused with the line and the limit', () => {
    const key = (n: number) => 'm,t=' + 'k'.repeat(n - 4);
    expect(parse(`${key(MAX_SERIES_KEY_BYTES)} f=1`)[0].key).toHaveLength(MAX_SERIES_KEY_BYTES);
    const e = parseError(`m f=1\n${key(MAX_SERIES_KEY_BYTES + 1)} f=1`);
    expect(e.code).toBe('INGEST_ERR_POINT_TOO_LARGE');
    expect(e.statusCode).toBe(400);
    expect(e.details).toMatchObject({ line: 2, field: 'series key', bytes: MAX_SERIES_KEY_BYTES + 1, limit: MAX_SERIES_KEY_BYTES });
    expect(e.message).toMatch(/^line 2, column 1: series key: .*65536 bytes, over the limit of 65535$/);
  });

  test('the series key limit counts UTF-8 bytes, not characters', () => {
    const e = parseError(`m,t=${'é'.repeat(40_000)} f=1`); // 40,000 characters, 80,004 bytes
    expect(e.details).toMatchObject({ field: 'series key', bytes: 80_004 });
  });

  test('a string field of 64 KiB is taken; one byte more is refused naming the field', () => {
    expect(one(`m s="${'x'.repeat(MAX_STRING_FIELD_BYTES)}"`).value.f.s).toHaveLength(MAX_STRING_FIELD_BYTES);
    const e = parseError(`m a=1,s="${'x'.repeat(MAX_STRING_FIELD_BYTES + 1)}"`);
    expect(e.code).toBe('INGEST_ERR_POINT_TOO_LARGE');
    expect(e.details).toMatchObject({ line: 1, field: 'field "s"', bytes: MAX_STRING_FIELD_BYTES + 1, limit: MAX_STRING_FIELD_BYTES });
  });

  test('a point whose record exceeds the sink\'s bound is refused, naming the line and the bound', () => {
    const small = requestContext('ns', undefined, 1_700_000_000_000, 200);
    expect(parseLineProtocol('m f=1', small).count).toBe(1);
    try {
      parseLineProtocol(`m f=1\nm s="${'x'.repeat(200)}"`, small);
      throw new Error('expected a refusal');
    } catch (e) {
      expect((e as IngestError).code).toBe('INGEST_ERR_POINT_TOO_LARGE');
      expect((e as IngestError).details).toMatchObject({ line: 2, field: 'point', limit: 200 });
    }
  });
});
