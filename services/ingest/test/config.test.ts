import { MAX_MESSAGE_BYTES } from '../../../lib/topics';
import { ConfigError, loadConfig } from '../src/config';

const base = { INGEST_API_KEYS: 'k-12345678' };

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  test('defaults: port 8080, JSONL sink, keys required', () => {
    const c = loadConfig(base);
    expect(c.port).toBe(8080);
    expect(c.kafka).toBeUndefined();
    expect(c.jsonlPath).toMatch(/\.local\/ingest\/points\.jsonl$/);
    expect(c.maxBodyBytes).toBe(10 * 1024 * 1024);
  });

  test('refuses to start without keys unless INGEST_AUTH=none', () => {
    expect(problems({})).toEqual([expect.stringMatching(/no API keys configured.*INGEST_AUTH=none/)]);
    expect(loadConfig({ INGEST_AUTH: 'none' }).auth).toBe('none');
  });

  test('KAFKA_BROKERS selects the Kafka sink with its defaults', () => {
    const c = loadConfig({ ...base, KAFKA_BROKERS: '127.0.0.1:9092, b2:9094' });
    expect(c.kafka).toMatchObject({ brokers: ['127.0.0.1:9092', 'b2:9094'], topic: 'metrics', auth: 'none', lingerMs: 30, partitioner: 'sticky' });
  });

  test('a request waits for room in a full queue within its request timeout: a third of it by default, at most 10 s', () => {
    expect(loadConfig({ INGEST_API_KEYS: 'k' }).overloadWaitMs).toBe(10_000);
    expect(loadConfig({ INGEST_API_KEYS: 'k', INGEST_REQUEST_TIMEOUT_MS: '3000', INGEST_HEADERS_TIMEOUT_MS: '2000' }).overloadWaitMs).toBe(1_000);
    expect(() => loadConfig({ INGEST_API_KEYS: 'k', INGEST_REQUEST_TIMEOUT_MS: '3000', INGEST_HEADERS_TIMEOUT_MS: '2000', INGEST_OVERLOAD_WAIT_MS: '3000' })).toThrow(
      'INGEST_OVERLOAD_WAIT_MS must be below INGEST_REQUEST_TIMEOUT_MS',
    );
  });

  test('every problem is reported at once, naming the variable', () => {
    const p = problems({ ...base, PORT: 'eighty', INGEST_WORKERS: '0', KAFKA_BROKERS: 'nohost', KAFKA_AUTH: 'iam', INGEST_AUTH: 'maybe' });
    expect(p).toEqual([
      'INGEST_AUTH="maybe": expected one of keys, none',
      'KAFKA_BROKERS: "nohost" is not host:port',
      'KAFKA_AUTH=iam needs AWS_REGION for the MSK IAM token',
      'PORT="eighty": expected an integer from 0 to 65535',
      'INGEST_WORKERS="0": expected an integer from 1 to 256',
    ]);
  });

  test('the error message lists the problems', () => {
    expect(() => loadConfig({ ...base, INGEST_MAX_BODY_BYTES: '-1' })).toThrow(/INGEST_MAX_BODY_BYTES="-1": expected an integer from 1024/);
  });
});

test('KAFKA_COMPRESSION: zstd by default, gzip or none on request, anything else refused', () => {
  const base = { INGEST_AUTH: 'none', KAFKA_BROKERS: '127.0.0.1:9092' };
  expect(loadConfig(base).kafka?.compression).toBe('zstd');
  expect(loadConfig({ ...base, KAFKA_COMPRESSION: 'gzip' }).kafka?.compression).toBe('gzip');
  expect(loadConfig({ ...base, KAFKA_COMPRESSION: 'none' }).kafka?.compression).toBe('none');
  expect(() => loadConfig({ ...base, KAFKA_COMPRESSION: 'lz4' })).toThrow(/KAFKA_COMPRESSION/);
});

test('KAFKA_RECORD_FORMAT: many points per record by default, one per point on request, anything else refused', () => {
  const base = { INGEST_AUTH: 'none', KAFKA_BROKERS: '127.0.0.1:9092' };
  expect(loadConfig(base).kafka?.recordFormat).toBe('point-json-lines-v1');
  expect(loadConfig({ ...base, KAFKA_RECORD_FORMAT: 'point-json-v1' }).kafka?.recordFormat).toBe('point-json-v1');
  expect(() => loadConfig({ ...base, KAFKA_RECORD_FORMAT: 'v2' })).toThrow(/KAFKA_RECORD_FORMAT="v2": expected one of point-json-lines-v1, point-json-v1/);
});

test('KAFKA_PARTITIONER: one partition per send by default, per series on request, anything else refused', () => {
  const base = { INGEST_AUTH: 'none', KAFKA_BROKERS: '127.0.0.1:9092' };
  expect(loadConfig({ ...base, KAFKA_PARTITIONER: 'series' }).kafka?.partitioner).toBe('series');
  expect(() => loadConfig({ ...base, KAFKA_PARTITIONER: 'random' })).toThrow(/KAFKA_PARTITIONER="random": expected one of sticky, series/);
});

describe('config: the record batch bound', () => {
  test('KAFKA_MAX_MESSAGE_BYTES defaults to the planned topics\' max.message.bytes and is validated', () => {
    expect(loadConfig({ ...base, KAFKA_BROKERS: '127.0.0.1:9092' }).kafka?.maxMessageBytes).toBe(MAX_MESSAGE_BYTES);
    expect(loadConfig({ ...base, KAFKA_BROKERS: '127.0.0.1:9092', KAFKA_MAX_MESSAGE_BYTES: '2097152' }).kafka?.maxMessageBytes).toBe(2_097_152);
    expect(problems({ ...base, KAFKA_BROKERS: '127.0.0.1:9092', KAFKA_MAX_MESSAGE_BYTES: '1000' })).toEqual([
      expect.stringMatching(/^KAFKA_MAX_MESSAGE_BYTES="1000": expected an integer from 131072 to/),
    ]);
  });
});
