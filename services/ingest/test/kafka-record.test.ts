import { fastRecordEncoder } from '../src/kafka-record';
// The encoder build.mjs replaces in the bundle; the fast one must produce exactly its bytes.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const original: (r: object) => { buffer: Buffer } = require('kafkajs/src/protocol/recordBatch/record/v0');
const fast = fastRecordEncoder(original) as (r: object) => { buffer: Buffer; buf: Buffer };

describe('fast Kafka record encoder', () => {
  const cases: object[] = [
    { key: 'cpu,host=a', value: '{"v":1}', headers: { 'ms-format': 'point-json-v1' } },
    { key: 'mé,t=ü€😀', value: '{"m":"ü"}', headers: { 'ms-format': 'point-json-v1' }, offsetDelta: 4999, timestampDelta: 0 },
    { key: null, value: 'x'.repeat(70_000), headers: {}, offsetDelta: 127, timestampDelta: -1 },
    { key: Buffer.from([0, 1, 2]), value: null, offsetDelta: 128, timestampDelta: 123_456_789 },
    { key: '', value: '', headers: { a: Buffer.from('b'), 'k€': 'v€' }, offsetDelta: 16383, timestampDelta: -70_000 },
    { key: 'k', value: 'v', headers: { multi: ['a', 'b'] } }, // falls back to the original
    { key: 'k', value: 'v', timestampDelta: 2 ** 40 }, // falls back to the original
  ];
  for (let i = 0; i < 200; i++) {
    cases.push({ key: 'k'.repeat(i), value: 'v'.repeat(i * 37), headers: { h: 'x'.repeat(i % 7) }, offsetDelta: i * 97, timestampDelta: i * 1000 - 5000 });
  }
  it('writes the same bytes as kafkajs for every case', () => {
    for (const c of cases) expect(fast(c).buffer.equals(original(c).buffer)).toBe(true);
  });
  it('looks like an Encoder to RecordBatch (buf is a Buffer, buffer the bytes)', () => {
    const r = fast(cases[0]);
    expect(Buffer.isBuffer(r.buf)).toBe(true);
    expect(r.buffer.length).toBe(original(cases[0]).buffer.length);
  });
});

describe('groupMessagesPerPartition replacement', () => {
  it('groups exactly as kafkajs does', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const kafkajsGroup = require('kafkajs/src/producer/groupMessagesPerPartition');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { groupMessagesPerPartition } = require('../src/kafka-group');
    const messages = Array.from({ length: 500 }, (_, i) => ({ key: `k${i}`, value: String(i) }));
    const partitioner = ({ message }: { message: { key: string } }) => Number(message.key.slice(1)) % 7;
    const args = { topic: 't', partitionMetadata: new Array(7).fill({}), messages, partitioner };
    expect(groupMessagesPerPartition(args)).toEqual(kafkajsGroup(args));
    expect(groupMessagesPerPartition({ ...args, partitionMetadata: [] })).toEqual({});
  });
});

describe('writeEncoderArray replacement (one exact, unfilled growth)', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Encoder = require('kafkajs/src/protocol/encoder');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { withFastEncoderArray } = require('../src/kafka-encoder');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { CompressionTypes } = require('kafkajs');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { installKafkaCodecs } = require('../src/kafka-codec');
  installKafkaCodecs();

  const parts = (n: number, seed: number) =>
    Array.from({ length: n }, (_, i) => new Encoder().writeBuffer(Buffer.alloc(((i * 7919 + seed) % 3000) + (i % 5 === 0 ? 70_000 : 0), (i + seed) % 251)));
  const records = (n: number) => Array.from({ length: n }, (_, i) => fast({ key: null, value: `{"v":1,"i":${i}}\n`.repeat(1 + (i % 50)), headers: { 'ms-format': 'point-json-lines-v1' }, offsetDelta: i, timestampDelta: i }));
  const batch = (compression: number, recs: object[]) =>
    RecordBatch({ compression, firstTimestamp: 1_700_000_000_000, maxTimestamp: 1_700_000_000_999, producerId: 7, producerEpoch: 1, firstSequence: 42, lastOffsetDelta: recs.length - 1, records: recs });
  const write = (prefix: number, n: number, seed: number) => {
    const e = new Encoder().writeBuffer(Buffer.alloc(prefix, 9));
    e.writeEncoderArray(parts(n, seed)).writeInt32(0x01020304).writeString('after');
    return e.buffer as Buffer;
  };

  it('writes what kafkajs writes, alone and in whole record batches of every codec', async () => {
    const shapes = [[0, 0, 1], [0, 1, 2], [3, 40, 3], [5000, 7, 4], [1, 300, 5]] as const;
    const before = shapes.map(([p, n, s]) => write(p, n, s));
    const codecs = [CompressionTypes.None, CompressionTypes.GZIP, CompressionTypes.ZSTD];
    const recs = records(400);
    const batchesBefore = await Promise.all(codecs.map((c) => batch(c, recs)));
    const original = Encoder.prototype.writeEncoderArray;
    withFastEncoderArray(Encoder);
    try {
      expect(Encoder.prototype.writeEncoderArray).not.toBe(original);
      shapes.forEach(([p, n, s], i) => expect(write(p, n, s).equals(before[i])).toBe(true));
      const batchesAfter = await Promise.all(codecs.map((c) => batch(c, recs)));
      codecs.forEach((c, i) => expect({ c, same: batchesAfter[i].buffer.equals(batchesBefore[i].buffer) }).toEqual({ c, same: true }));
      expect(() => new Encoder().writeEncoderArray([{ buf: null }])).toThrow('all values should be an instance of Encoder[]');
    } finally {
      Encoder.prototype.writeEncoderArray = original;
    }
  });
});
