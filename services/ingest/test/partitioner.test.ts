import { murmur2, partitionFor, RotatingPartition, SeriesKeyPartitioner } from '../src/partitioner';
// kafkajs' own (Long-based) murmur2: the partition of a key must not change with our faster version.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kafkajsMurmur2: (key: string) => number = require('kafkajs/src/producer/partitioners/default/murmur2');

describe('partitioner', () => {
  it('matches the test vectors of the Java client (UtilsTest.testMurmur2)', () => {
    expect(murmur2('21')).toBe(-973932308);
    expect(murmur2('foobar')).toBe(-790332482);
    expect(murmur2('a-little-bit-long-string')).toBe(-985981536);
    expect(murmur2('a-little-bit-longer-string')).toBe(-1486304829);
    expect(murmur2('lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8')).toBe(-58897971);
    expect(murmur2('abc')).toBe(479470107);
  });

  it('agrees with kafkajs for ASCII, multi-byte and every tail length', () => {
    const keys = ['', 'a', 'ab', 'abc', 'abcd', 'cpu,host=server-00001,region=eu-west-1', 'mé,t=ü€😀', 'ß'];
    for (let i = 0; i < 3000; i++) {
      let s = '';
      for (let j = 0; j < i % 70; j++) s += String.fromCharCode(32 + ((i * 31 + j * 7) % (i % 5 === 0 ? 900 : 95)));
      keys.push(s);
    }
    for (const k of keys) expect([k, murmur2(k)]).toEqual([k, kafkajsMurmur2(k)]);
  });

  it('partitions as the Java DefaultPartitioner and keeps an explicit partition', () => {
    const p = SeriesKeyPartitioner();
    const meta = [{}, {}, {}];
    expect(p({ partitionMetadata: meta, message: { key: '21' } })).toBe((-973932308 & 0x7fffffff) % 3);
    expect(partitionFor('foobar', 7)).toBe((-790332482 & 0x7fffffff) % 7);
    expect(p({ partitionMetadata: meta, message: { key: 'x', partition: 2 } })).toBe(2);
  });
});

describe('RotatingPartition (KAFKA_PARTITIONER=sticky)', () => {
  it('gives each send the next partition, round the topic, from its start', () => {
    const r = new RotatingPartition(10);
    expect(Array.from({ length: 14 }, () => r.next(12))).toEqual([10, 11, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('follows a changed partition count and any start', () => {
    const r = new RotatingPartition(0x7ffffffe);
    const first = r.next(12);
    expect(first).toBe(0x7ffffffe % 12);
    expect(r.next(3)).toBe((first + 1) % 3);
    const random = new RotatingPartition();
    const seen = new Set(Array.from({ length: 5 }, () => random.next(5)));
    expect(seen).toEqual(new Set([0, 1, 2, 3, 4]));
  });
});
