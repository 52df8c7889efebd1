import { MAX_LINES_RECORD_CHARS, packedMessages, perPointMessages } from '../src/kafka-pack';
import { parseLineProtocol } from '../src/line-protocol';
import { partitionFor } from '../src/partitioner';
import { requestContext, type PointRecord } from '../src/record';

/** Real records, as the line-protocol parser makes them: `hosts` series, `rounds` points each, round by round. */
function records(hosts: number, rounds: number): PointRecord[] {
  const out: PointRecord[] = [];
  const lines: string[] = [];
  for (let r = 0; r < rounds; r++) for (let h = 0; h < hosts; h++) lines.push(`cpu,host=h${h},dc=é${h % 3} usage=${r}.5,seq=${r}i ${1_700_000_000_000 + r}`);
  parseLineProtocol(lines.join('\n'), requestContext('ms', 'db', 1_700_000_000_123), out);
  return out;
}

const unpack = (value: unknown) => String(value).split('\n');

describe('packedMessages (point-json-lines-v1)', () => {
  const recs = records(40, 5);

  it('puts every point in the partition of its series key, once, in acceptance order per partition', () => {
    const messages = packedMessages(recs, 3);
    expect(messages).toHaveLength(3); // small batch: one record per partition
    const byValue = new Map(recs.map((r) => [r.value, r.key]));
    const seen: string[] = [];
    for (const m of messages) {
      expect(m.key).toBeNull();
      expect(m.headers).toEqual({ 'ms-format': 'point-json-lines-v1' });
      const values = unpack(m.value);
      for (const v of values) expect(partitionFor(byValue.get(v)!, 3)).toBe(m.partition);
      expect(values).toEqual(recs.filter((r) => partitionFor(r.key, 3) === m.partition).map((r) => r.value));
      seen.push(...values);
    }
    expect(seen.sort()).toEqual(recs.map((r) => r.value).sort());
  });

  it('each line is one point-json-v1 object', () => {
    for (const m of packedMessages(recs, 5)) {
      for (const line of unpack(m.value)) expect(JSON.parse(line)).toMatchObject({ v: 1, m: 'cpu', t: { host: expect.any(String) } });
    }
  });

  it('splits a partition into several records at the size bound, keeping the order', () => {
    const max = 1000;
    const messages = packedMessages(recs, 2, max);
    expect(messages.length).toBeGreaterThan(4);
    for (const p of [0, 1]) {
      const mine = messages.filter((m) => m.partition === p);
      for (const m of mine) expect(String(m.value).length).toBeLessThanOrEqual(max);
      expect(mine.flatMap((m) => unpack(m.value))).toEqual(recs.filter((r) => partitionFor(r.key, 2) === p).map((r) => r.value));
    }
  });

  it('a point larger than the bound travels alone', () => {
    const big: PointRecord = { key: 'big,host=x', value: `{"v":1,"m":"big","t":{},"f":{"s":"${'x'.repeat(MAX_LINES_RECORD_CHARS)}"},"ts":"1"}` };
    const messages = packedMessages([recs[0], big, recs[1]], 1);
    expect(messages.map((m) => unpack(m.value).length)).toEqual([1, 1, 1]);
    expect(messages[1].value).toBe(big.value);
  });

  it('one partition: one record holding everything', () => {
    expect(packedMessages(recs, 1)).toEqual([{ partition: 0, key: null, value: recs.map((r) => r.value).join('\n'), headers: { 'ms-format': 'point-json-lines-v1' } }]);
  });
});

describe('perPointMessages (point-json-v1)', () => {
  it('one keyed record per point, partition left to the partitioner', () => {
    const recs = records(3, 2);
    expect(perPointMessages(recs)).toEqual(recs.map((r) => ({ key: r.key, value: r.value, headers: { 'ms-format': 'point-json-v1' } })));
  });
});
