import { randomBytes } from 'node:crypto';
import { gzipSync, zstdCompressSync, constants as zlibConstants } from 'node:zlib';
import type { Message } from 'kafkajs';
import {
  BATCH_HEADER_BYTES, batchRecordBytesLimit, MAX_LINES_RECORD_BYTES, messageBytes, packedMessages, perPointMessages, spillSticky, splitRounds,
} from '../src/kafka-pack';
import { ZSTD_LEVEL } from '../src/kafka-codec';
import { parseLineProtocol } from '../src/line-protocol';
import { partitionFor } from '../src/partitioner';
import { PointBatch } from '../src/point-batch';
import { requestContext, type PointRecord } from '../src/record';

/** Real records, as the line-protocol parser makes them: `hosts` series, `rounds` points each, round by round. */
function records(hosts: number, rounds: number): PointRecord[] {
  const lines: string[] = [];
  for (let r = 0; r < rounds; r++) for (let h = 0; h < hosts; h++) lines.push(`cpu,host=h${h},dc=é${h % 3} usage=${r}.5,seq=${r}i ${1_700_000_000_000 + r}`);
  return parseLineProtocol(lines.join('\n'), requestContext('ms', 'db', 1_700_000_000_123)).toRecords();
}

/** Records as the sink gets them: one batch per request. */
const batch = (recs: PointRecord[]) => [PointBatch.of(recs)];

const unpack = (value: unknown) => String(value).split('\n');

describe('packedMessages (point-json-lines-v1)', () => {
  const recs = records(40, 5);

  it('puts every point in the partition of its series key, once, in acceptance order per partition', () => {
    const messages = packedMessages(batch(recs), 3);
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
    for (const m of packedMessages(batch(recs), 5)) {
      for (const line of unpack(m.value)) expect(JSON.parse(line)).toMatchObject({ v: 1, m: 'cpu', t: { host: expect.any(String) } });
    }
  });

  it('splits a partition into several records at the size bound, keeping the order', () => {
    const max = 1000;
    const messages = packedMessages(batch(recs), 2, undefined, max);
    expect(messages.length).toBeGreaterThan(4);
    for (const p of [0, 1]) {
      const mine = messages.filter((m) => m.partition === p);
      for (const m of mine) expect((m.value as Buffer).length).toBeLessThanOrEqual(max);
      expect(mine.flatMap((m) => unpack(m.value))).toEqual(recs.filter((r) => partitionFor(r.key, 2) === p).map((r) => r.value));
    }
  });

  it('a point larger than the bound travels alone', () => {
    const big: PointRecord = { key: 'big,host=x', value: `{"v":1,"m":"big","t":{},"f":{"s":"${'x'.repeat(MAX_LINES_RECORD_BYTES)}"},"ts":"1"}` };
    const messages = packedMessages(batch([recs[0], big, recs[1]]), 1);
    expect(messages.map((m) => unpack(m.value).length)).toEqual([1, 1, 1]);
    expect(String(messages[1].value)).toBe(big.value);
  });

  it('one partition: one record holding everything', () => {
    expect(packedMessages(batch(recs), 1)).toEqual([{ partition: 0, key: null, value: Buffer.from(recs.map((r) => r.value).join('\n')), headers: { 'ms-format': 'point-json-lines-v1' } }]);
  });
});

describe('sticky partition (KAFKA_PARTITIONER=sticky)', () => {
  const recs = records(9, 4);

  it('packs a whole send into one record of the given partition, in acceptance order', () => {
    expect(packedMessages(batch(recs), 12, 7)).toEqual([{ partition: 7, key: null, value: Buffer.from(recs.map((r) => r.value).join('\n')), headers: { 'ms-format': 'point-json-lines-v1' } }]);
  });

  it('point-json-v1: every keyed record in the given partition', () => {
    const messages = perPointMessages(batch(recs), 12, 4);
    expect(messages.map((m) => m.partition)).toEqual(recs.map(() => 4));
    expect(messages.map((m) => String(m.key))).toEqual(recs.map((r) => r.key));
  });
});

describe('perPointMessages (point-json-v1)', () => {
  it('one keyed record per point, partition left to the partitioner while the partition count is unknown', () => {
    const recs = records(3, 2);
    expect(perPointMessages(batch(recs), 0)).toEqual(recs.map((r) => ({ key: Buffer.from(r.key), value: Buffer.from(r.value), headers: { 'ms-format': 'point-json-v1' } })));
  });

  it('with the partition count known, each record in its series key\'s murmur2 partition', () => {
    const recs = records(7, 2);
    expect(perPointMessages(batch(recs), 5).map((m) => m.partition)).toEqual(recs.map((r) => partitionFor(r.key, 5)));
  });
});

describe('the record batch bound', () => {
  it('incompressible records at the limit still fit max.message.bytes after gzip (which only grows them)', () => {
    for (const max of [1024 * 1024, 200_000]) {
      const limit = batchRecordBytesLimit(max, 'gzip');
      const payload = randomBytes(limit); // worst case: nothing to compress
      for (const level of [1, 6]) expect(gzipSync(payload, { level }).length + BATCH_HEADER_BYTES).toBeLessThanOrEqual(max);
    }
  });

  it('and after zstd, under libzstd\'s documented worst case (ZSTD_COMPRESSBOUND, looser than gzip\'s)', () => {
    for (const max of [1024 * 1024, 200_000, 128 * 1024]) {
      const limit = batchRecordBytesLimit(max, 'zstd');
      expect(limit).toBeLessThan(batchRecordBytesLimit(max, 'gzip'));
      const payload = randomBytes(limit);
      for (const level of [ZSTD_LEVEL, 3, 19]) {
        const out = zstdCompressSync(payload, { params: { [zlibConstants.ZSTD_c_compressionLevel]: level } });
        expect(out.length).toBeGreaterThan(payload.length); // really the worst case
        expect(out.length + BATCH_HEADER_BYTES).toBeLessThanOrEqual(max);
      }
    }
  });

  it('splitRounds keeps every partition\'s batch under the limit and its messages in order', () => {
    const recs = records(40, 50);
    const messages = packedMessages(batch(recs), 3, undefined, 2000); // many small records per partition
    const bytes = (m: Message) => messageBytes(m, 'point-json-lines-v1');
    const limit = 5000;
    const rounds = splitRounds(messages, (m) => m.partition!, bytes, limit);
    expect(rounds.length).toBeGreaterThan(1);
    for (const round of rounds) {
      for (const p of [0, 1, 2]) expect(round.filter((m) => m.partition === p).reduce((n, m) => n + bytes(m), 0)).toBeLessThanOrEqual(limit);
    }
    // Concatenated in round order, each partition's messages are exactly its messages in send order.
    for (const p of [0, 1, 2]) expect(rounds.flat().filter((m) => m.partition === p)).toEqual(messages.filter((m) => m.partition === p));
    expect(splitRounds(messages, (m) => m.partition!, bytes, Infinity)).toEqual([messages]);
  });
});

describe('packing many requests\' batches (what one send carries)', () => {
  const recs = records(30, 6);
  /** The same points cut into batches of 1..13 points, as many requests would bring them. */
  const batches: PointBatch[] = [];
  for (let i = 0, n = 1; i < recs.length; i += n, n = (n % 13) + 1) batches.push(PointBatch.of(recs.slice(i, i + n)));
  const values = (ms: Message[]) => ms.map((m) => ({ partition: m.partition, value: String(m.value) }));

  it.each([undefined, 3])('the records are exactly those of one batch holding every point (sticky %s), at any bound', (sticky) => {
    for (const max of [300, 1000, 4096, MAX_LINES_RECORD_BYTES]) {
      expect(values(packedMessages(batches, 4, sticky, max))).toEqual(values(packedMessages(batch(recs), 4, sticky, max)));
    }
  });

  it('a send of one request is that request\'s values buffer itself (no copy)', () => {
    const one = PointBatch.of(recs.slice(0, 10));
    expect(packedMessages([one], 4, 1)[0].value).toBe(one.values);
  });
});

describe('spillSticky: a large sticky send is one produce request over consecutive partitions', () => {
  const recs = records(40, 50);
  const bytes = (m: Message) => messageBytes(m, 'point-json-lines-v1');

  it('each partition\'s share stays within the bound, in order, and splitRounds then needs one round', () => {
    const messages = packedMessages(batch(recs), 12, 5, 2000);
    const limit = 40_000; // ~8 partitions of the 12: no wrap-around
    expect(splitRounds(messages, (m) => m.partition!, bytes, limit).length).toBeGreaterThan(1); // without spilling: rounds
    let p = 5;
    spillSticky(messages, bytes, limit, () => (p = (p + 1) % 12));
    const used = [...new Set(messages.map((m) => m.partition))];
    expect(used.length).toBeGreaterThan(2);
    expect(used).toEqual(Array.from({ length: used.length }, (_, i) => (5 + i) % 12)); // consecutive, from the send's own
    for (const q of used) expect(messages.filter((m) => m.partition === q).reduce((n, m) => n + bytes(m), 0)).toBeLessThanOrEqual(limit);
    expect(splitRounds(messages, (m) => m.partition!, bytes, limit)).toEqual([messages]);
    expect(messages.flatMap((m) => unpack(m.value))).toEqual(recs.map((r) => r.value)); // every point once, in order
  });

  it('a send within the bound stays in its partition', () => {
    const messages = packedMessages(batch(recs.slice(0, 10)), 12, 3);
    spillSticky(messages, bytes, 1 << 20, () => { throw new Error('no spill expected'); });
    expect(messages.map((m) => m.partition)).toEqual([3]);
  });
});
