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
