import { parse } from 'smol-toml';
import { BROKERS_AT_BOOT, PIPELINE_STATS_MEASUREMENT, telegrafLoaderConfig, type LoaderConfigInput } from '../../lib/influx/loader-config';
import { loaderConsumerGroup, TOPICS } from '../../lib/topics';

const base: LoaderConfigInput = {
  brokers: ['b-1.example:9098', 'b-2.example:9098'],
  topics: [TOPICS.aggregates],
  consumerGroup: loaderConsumerGroup(0, 1),
  influxUrl: 'http://127.0.0.1:8086',
  database: 'metrics',
  retentionPolicy: 'aggregates',
  username: 'loader',
  passwordEnv: 'INFLUX_LOADER_PASSWORD',
};

type Toml = Record<string, any>;
const parsed = (input: LoaderConfigInput): Toml => parse(telegrafLoaderConfig(input)) as Toml;

describe('telegrafLoaderConfig', () => {
  test('one kafka_consumer with its own group, tracking and the oldest offset, into the local InfluxDB', () => {
    const c = parsed(base);
    expect(c.inputs.kafka_consumer).toHaveLength(1);
    const k = c.inputs.kafka_consumer[0];
    expect(k).toMatchObject({
      brokers: ['b-1.example:9098', 'b-2.example:9098'],
      topics: ['aggregates'],
      consumer_group: 'metricstream-loader-0-1',
      offset: 'oldest',
      data_format: 'influx',
      influx_timestamp_precision: '1ms',
      max_undelivered_messages: 10_000,
      // Telegraf's default 0.10.2.0 speaks fetch versions Kafka 4 brokers refuse
      kafka_version: '3.9.0',
    });
    expect(k.sasl_mechanism).toBeUndefined();
    expect(c.outputs.influxdb).toHaveLength(1);
    expect(c.outputs.influxdb[0]).toMatchObject({
      urls: ['http://127.0.0.1:8086'],
      database: 'metrics',
      retention_policy: 'aggregates',
      skip_database_creation: true,
      username: 'loader',
    });
    expect(Object.keys(c.inputs)).toEqual(['kafka_consumer']);
    expect(Object.keys(c.outputs)).toEqual(['influxdb']);
  });

  test('a starlark processor on the Flink statistics only: loader_lag_ms and the loader tag (default: the consumer group)', () => {
    const c = parsed(base);
    expect(Object.keys(c.processors)).toEqual(['starlark']);
    expect(c.processors.starlark).toHaveLength(1);
    const p = c.processors.starlark[0];
    expect(p.namepass).toEqual([PIPELINE_STATS_MEASUREMENT]);
    expect(p.source).toContain('load("time.star", "time")');
    expect(p.source).toContain('metric.fields["loader_lag_ms"] = (time.now().unix_nano - metric.time) // 1000000');
    expect(p.source).toContain('metric.tags["loader"] = loader');
    expect(p.constants).toEqual({ loader: 'metricstream-loader-0-1' });
    expect(parsed({ ...base, loaderName: 'node-a' }).processors.starlark[0].constants).toEqual({ loader: 'node-a' });
    expect(() => telegrafLoaderConfig({ ...base, loaderName: 'a b' })).toThrow('telegrafLoaderConfig: loaderName must be 1-255 of [a-zA-Z0-9_.-], got "a b"');
  });

  test('the buffer holds more than can be undelivered, so Telegraf never drops a metric whose offset is pending', () => {
    for (const maxUndeliveredMessages of [1, 500, 10_000]) {
      const c = parsed({ ...base, maxUndeliveredMessages, metricBatchSize: Math.min(500, maxUndeliveredMessages) });
      expect(c.agent.metric_buffer_limit).toBeGreaterThan(c.inputs.kafka_consumer[0].max_undelivered_messages);
      expect(c.agent.metric_batch_size).toBeLessThanOrEqual(c.inputs.kafka_consumer[0].max_undelivered_messages);
    }
  });

  test('the password comes from the environment, never the file', () => {
    const text = telegrafLoaderConfig(base);
    expect(parsed(base).outputs.influxdb[0].password).toBe('${INFLUX_LOADER_PASSWORD}');
    expect(text).not.toMatch(/password = "[^$]/);
  });

  test('MSK IAM: TLS and SASL AWS-MSK-IAM with the region', () => {
    const k = parsed({ ...base, sasl: { mechanism: 'AWS-MSK-IAM', region: 'us-east-1' } }).inputs.kafka_consumer[0];
    expect(k).toMatchObject({ enable_tls: true, sasl_mechanism: 'AWS-MSK-IAM', sasl_aws_msk_iam_region: 'us-east-1' });
  });

  test.each([
    [{ brokers: [] }, 'brokers must be host:port'],
    [{ brokers: ['http://b:9092'] }, 'brokers must be host:port'],
    [{ topics: ['a b'] }, 'topics must be valid Kafka topic names'],
    [{ topics: ['aggregates', 'aggregates'] }, 'topics must not repeat'],
    [{ consumerGroup: '' }, 'consumerGroup must be'],
    [{ influxUrl: '127.0.0.1:8086' }, 'influxUrl must be an http(s)://host:port URL'],
    [{ influxUrl: 'http://127.0.0.1:8086/write' }, 'influxUrl must be'],
    [{ database: 'a"b' }, 'database must be'],
    [{ retentionPolicy: '' }, 'retentionPolicy must be'],
    [{ passwordEnv: 'secret value' }, 'passwordEnv must be an environment variable name'],
    [{ sasl: { mechanism: 'PLAIN' as 'AWS-MSK-IAM', region: 'us-east-1' } }, 'sasl.mechanism must be "AWS-MSK-IAM"'],
    [{ sasl: { mechanism: 'AWS-MSK-IAM' as const, region: 'use1' } }, 'sasl.region must be an AWS region'],
    [{ maxUndeliveredMessages: 0 }, 'maxUndeliveredMessages must be an integer'],
    [{ maxUndeliveredMessages: 100, metricBatchSize: 101 }, 'metricBatchSize must be an integer 1..maxUndeliveredMessages (100)'],
    [{ flushInterval: '1 second' }, 'flushInterval must be a Telegraf duration'],
    [{ kafkaVersion: '4' }, 'kafkaVersion must be a version such as 3.9.0'],
  ] as [Partial<LoaderConfigInput>, string][])('rejects %j naming the field', (bad, message) => {
    expect(() => telegrafLoaderConfig({ ...base, ...bad })).toThrow(message);
  });
});

describe('loaderConsumerGroup', () => {
  test('one group per node, named by shard and replica', () => {
    expect(loaderConsumerGroup(2, 0)).toBe('metricstream-loader-2-0');
    expect(new Set([loaderConsumerGroup(0, 0), loaderConsumerGroup(0, 1), loaderConsumerGroup(1, 0)]).size).toBe(3);
    expect(() => loaderConsumerGroup(-1, 0)).toThrow('shard must be an integer >= 0');
    expect(() => loaderConsumerGroup(0, 1.5)).toThrow('replica must be an integer >= 0');
  });
});

test('brokers known only at boot: a marker the node fills in (lib/user-data/influx-node.ts), nothing else changes', () => {
  const atBoot = telegrafLoaderConfig({ ...base, brokers: BROKERS_AT_BOOT });
  expect(atBoot).toContain(`  brokers = [${BROKERS_AT_BOOT}]\n`);
  expect(atBoot.replace(`[${BROKERS_AT_BOOT}]`, '["b-1.example:9098", "b-2.example:9098"]')).toBe(telegrafLoaderConfig(base));
  expect(() => telegrafLoaderConfig({ ...base, brokers: '@OTHER@' as typeof BROKERS_AT_BOOT })).toThrow('brokers must be host:port entries (or BROKERS_AT_BOOT)');
});
