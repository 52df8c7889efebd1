import { IngestError } from '../src/errors';
import { parseJsonBody } from '../src/json-format';
import type { PointRecord, Precision } from '../src/record';
import { ctx, values } from './helpers';

function parse(body: unknown, precision: Precision = 'ns'): PointRecord[] {
  const out: PointRecord[] = [];
  parseJsonBody(typeof body === 'string' ? body : JSON.stringify(body), ctx(precision), out);
  return out;
}

function error(body: unknown): IngestError {
  try {
    parse(body);
  } catch (e) {
    expect(e).toBeInstanceOf(IngestError);
    return e as IngestError;
  }
  throw new Error('expected an error');
}

describe('JSON format', () => {
  test('a point becomes the same record as its line-protocol twin', () => {
    const [r] = parse({
      points: [{ measurement: 'cpu', tags: { host: 'web-017', cpu: 'cpu-total' }, fields: { usage_active: 71.5, procs: { i: '312' }, ticks: { u: 9 }, state: 'ok', up: true }, time: '1764230400000000000' }],
    });
    expect(r.key).toBe('cpu,cpu=cpu-total,host=web-017');
    expect(r.value).toBe(
      '{"v":1,"m":"cpu","t":{"cpu":"cpu-total","host":"web-017"},"f":{"usage_active":71.5,"procs":{"i":"312"},"ticks":{"u":"9"},"state":"ok","up":true},"ts":"1764230400000000000","rcv":1700000000000}',
    );
  });

  test('tags are optional, time defaults to server time, precision applies to numbers and strings', () => {
    const recs = parse({ points: [{ measurement: 'm', fields: { f: 1 } }, { measurement: 'm', fields: { f: 1 }, time: 1700000000 }, { measurement: 'm', fields: { f: 1 }, time: '-2' }] }, 's');
    expect(values(recs).map((v) => v.ts)).toEqual(['1700000000000000000', '1700000000000000000', '-2000000000']);
    expect(values(recs)[0].t).toEqual({});
  });

  test('key escapes special characters; strings with newlines survive', () => {
    const [r] = parse({ points: [{ measurement: 'a b', tags: { 'k=1': 'v,2' }, fields: { s: 'line\nbreak' } }] });
    expect(r.key).toBe('a\\ b,k\\=1=v\\,2');
    expect(JSON.parse(r.value).f.s).toBe('line\nbreak');
  });

  test('empty points array is fine', () => {
    expect(parse({ points: [] })).toEqual([]);
  });

  test.each([
    ['not json', 'INGEST_ERR_INVALID_JSON', /not valid JSON/],
    ['[]', 'INGEST_ERR_INVALID_JSON', /"points" array/],
    ['{"points":{}}', 'INGEST_ERR_INVALID_JSON', /"points" array/],
  ])('body %j -> %s', (body, code, msg) => {
    const e = error(body);
    expect(e.code).toBe(code);
    expect(e.statusCode).toBe(400);
    expect(e.message).toMatch(msg);
  });

  test.each([
    [[1], 1, 'point', /must be an object/],
    [[{ measurement: 'm', fields: { f: 1 }, feilds: {} }], 1, 'feilds', /unknown member/],
    [[{ fields: { f: 1 } }], 1, 'measurement', /non-empty string/],
    [[{ measurement: '', fields: { f: 1 } }], 1, 'measurement', /non-empty string/],
    [[{ measurement: 'm', tags: [], fields: { f: 1 } }], 1, 'tags', /object of strings/],
    [[{ measurement: 'm', tags: { h: 1 }, fields: { f: 1 } }], 1, 'tags.h', /non-empty string/],
    [[{ measurement: 'm', tags: { h: '' }, fields: { f: 1 } }], 1, 'tags.h', /non-empty string/],
    [[{ measurement: 'm', tags: { '': 'x' }, fields: { f: 1 } }], 1, 'tags', /empty tag key/],
    [[{ measurement: 'm' }], 1, 'fields', /must be an object/],
    [[{ measurement: 'm', fields: {} }], 1, 'fields', /at least one field/],
    [[{ measurement: 'm', fields: { '': 1 } }], 1, 'fields', /empty field key/],
    [[{ measurement: 'm', fields: { f: null } }], 1, 'fields.f', /must be a number/],
    [[{ measurement: 'm', fields: { f: [1] } }], 1, 'fields.f', /must be a number/],
    [[{ measurement: 'm', fields: { f: { x: 1 } } }], 1, 'fields.f', /must be a number/],
    [[{ measurement: 'm', fields: { f: { i: 1.5 } } }], 1, 'fields.f', /"i" must be an integer/],
    [[{ measurement: 'm', fields: { f: { i: '9223372036854775808' } } }], 1, 'fields.f', /int64 range/],
    [[{ measurement: 'm', fields: { f: { u: '-1' } } }], 1, 'fields.f', /uint64 range/],
    [[{ measurement: 'm', fields: { f: { u: '18446744073709551616' } } }], 1, 'fields.f', /uint64 range/],
    [[{ measurement: 'm', fields: { f: 1 }, time: 1.5 }], 1, 'time', /integer within/],
    [[{ measurement: 'm', fields: { f: 1 }, time: 2 ** 60 }], 1, 'time', /integer within/],
    [[{ measurement: 'm', fields: { f: 1 }, time: 'soon' }], 1, 'time', /integer or a decimal string/],
    [[{ measurement: 'm', fields: { f: 1 }, time: '9223372036854775808' }], 1, 'time', /int64 nanosecond range/],
    [[{ measurement: 'm', fields: { f: 1 } }, { measurement: 'm', fields: { f: 'x', g: { z: 1 } } }], 2, 'fields.g', /must be a number/],
  ])('points %j -> point %d, %s', (points, point, field, msg) => {
    const e = error({ points });
    expect(e.code).toBe('INGEST_ERR_JSON_POINT');
    expect(e.details).toEqual({ point, field });
    expect(e.message).toMatch(msg);
  });

  test('deeply nested JSON is rejected as a bad field, not a crash', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const e = error(`{"points":[{"measurement":"m","fields":{"f":${deep}}}]}`);
    expect(e.details).toEqual({ point: 1, field: 'fields.f' });
  });
});

describe('JSON format: the limits of line protocol', () => {
  test('a string field over 64 KiB and a series key over 65,535 bytes are refused naming the point', () => {
    const big = error({ points: [{ measurement: 'm', fields: { f: 1 } }, { measurement: 'm', fields: { s: 'x'.repeat(64 * 1024 + 1) } }] });
    expect(big.code).toBe('INGEST_ERR_POINT_TOO_LARGE');
    expect(big.details).toMatchObject({ point: 2, field: 'fields.s', limit: 64 * 1024 });
    const key = error({ points: [{ measurement: 'm', tags: { t: 'k'.repeat(65_535) }, fields: { f: 1 } }] });
    expect(key.details).toMatchObject({ point: 1, field: 'series key', limit: 65_535 });
  });
});
