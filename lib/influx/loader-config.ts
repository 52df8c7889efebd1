/**
 * The Telegraf configuration of the loader on one InfluxDB node: `inputs.kafka_consumer` reads the
 * aggregates topic (line protocol, docs/wire-format.md) with the node's own consumer group and
 * `outputs.influxdb` writes it to the node's own InfluxDB. One generator for every place that runs a
 * loader (the Influx stack's user data, the e2e run), so they cannot drift apart.
 *
 * Why nothing accepted is lost or doubled (Telegraf v1.37 plugin docs, plugins/inputs/kafka_consumer
 * and plugins/outputs/influxdb READMEs):
 * - the consumer uses tracking metrics: a message's offset is marked only once the output has
 *   written every metric of it; at most `max_undelivered_messages` are read ahead of the output;
 * - the agent's buffer holds more metrics than can be undelivered, so it never drops metrics (a
 *   dropped metric would let a later offset of its partition be committed past it) while InfluxDB is
 *   down: the output retries, the input waits;
 * - a new group starts at `offset = "oldest"`; a replay rewrites the same points, which InfluxDB
 *   overwrites (same series, timestamp and fields).
 *
 * Pure: no CDK, no I/O. The password is never written here: Telegraf substitutes `${VAR}` from its
 * environment (on hosts the package's systemd unit reads /etc/default/telegraf).
 */

/** The Telegraf release the loader runs: the nodes' pinned package and the e2e run's build (scripts/telegraf/common.sh). */
export const TELEGRAF_VERSION = '1.37.2';

/**
 * Stands for the broker list when it is known only on the host (MSK's bootstrap string is a
 * deploy-time value): the config then holds `brokers = [@KAFKA_BROKERS@]`, which the boot completes
 * (lib/user-data/influx-node.ts brokersAtBootLines) before Telegraf reads it.
 */
export const BROKERS_AT_BOOT = '@KAFKA_BROKERS@';

/** The Flink job's own pipeline statistics on the aggregates topic (docs/flink-job.md, PipelineStats.MEASUREMENT). */
export const PIPELINE_STATS_MEASUREMENT = 'metricstream_flink';

export interface LoaderConfigInput {
  /** Kafka bootstrap brokers, host:port, or BROKERS_AT_BOOT. */
  brokers: string[] | typeof BROKERS_AT_BOOT;
  /** Topics holding line protocol (the aggregates topic). */
  topics: string[];
  /** The node's own consumer group (loaderConsumerGroup in lib/topics.ts). */
  consumerGroup: string;
  /** The local InfluxDB, e.g. http://127.0.0.1:8086. */
  influxUrl: string;
  database: string;
  /** An existing retention policy (the write-only user cannot create one). */
  retentionPolicy: string;
  /** The write-only user. */
  username: string;
  /** Name of the environment variable holding the user's password. */
  passwordEnv: string;
  /** MSK IAM over TLS (SASL AWS-MSK-IAM), with the region of the cluster; omitted: plaintext. */
  sasl?: { mechanism: 'AWS-MSK-IAM'; region: string };
  /** Timestamp precision of the lines on the topic; the Flink job writes milliseconds. */
  timestampPrecision?: '1ns' | '1us' | '1ms' | '1s';
  /** Messages read ahead of what InfluxDB accepted (default 10,000). */
  maxUndeliveredMessages?: number;
  /** Metrics per write to InfluxDB (default 5,000). */
  metricBatchSize?: number;
  /** How often the output flushes, Telegraf duration (default "1s"). */
  flushInterval?: string;
  /**
   * The Kafka protocol version the client speaks (Telegraf's `kafka_version`, default "3.9.0"). Telegraf
   * defaults to 0.10.2.0, whose fetch requests Kafka 4 brokers no longer accept (KIP-896).
   */
  kafkaVersion?: string;
  /** Kafka client id (default the consumer group). */
  clientId?: string;
  /**
   * The `loader` tag this loader adds to the Flink job's statistics with their `loader_lag_ms`, so each
   * replica records its own loader's lag (default the consumer group, which names the node's shard and replica).
   */
  loaderName?: string;
  /** Written into the [agent] section; a file path or "" for stderr (default ""). */
  logFile?: string;
}

/** Metrics per record: the job writes one line per record (docs/wire-format.md). */
const LINES_PER_MESSAGE = 1;

const TOPIC = /^[a-zA-Z0-9._-]{1,249}$/;
const HOST_PORT = /^[^\s:/]+:\d{1,5}$/;
const NAME = /^[a-zA-Z0-9_.-]{1,255}$/;
const ENV = /^[A-Z_][A-Z0-9_]*$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const DURATION = /^\d+(ms|s|m|h)$/;
const KAFKA_VERSION = /^\d+\.\d+\.\d+(\.\d+)?$/;

export class LoaderConfigError extends Error {}

function check(ok: boolean, field: string, rule: string): void {
  if (!ok) throw new LoaderConfigError(`telegrafLoaderConfig: ${field} ${rule}`);
}

/** TOML string with JSON-compatible escaping (TOML basic strings accept JSON's escapes). */
const q = (s: string) => JSON.stringify(s);
const list = (xs: string[]) => `[${xs.map(q).join(', ')}]`;

export function telegrafLoaderConfig(input: LoaderConfigInput): string {
  const maxUndelivered = input.maxUndeliveredMessages ?? 10_000;
  const batch = input.metricBatchSize ?? 5_000;
  const flush = input.flushInterval ?? '1s';
  const precision = input.timestampPrecision ?? '1ms';
  const brokers = input.brokers;
  check(brokers === BROKERS_AT_BOOT || (Array.isArray(brokers) && brokers.length > 0 && brokers.every((b) => HOST_PORT.test(b))), 'brokers', `must be host:port entries (or BROKERS_AT_BOOT), got ${JSON.stringify(brokers)}`);
  check(input.topics.length > 0 && input.topics.every((t) => TOPIC.test(t)), 'topics', `must be valid Kafka topic names, got ${JSON.stringify(input.topics)}`);
  check(new Set(input.topics).size === input.topics.length, 'topics', 'must not repeat a topic');
  check(TOPIC.test(input.consumerGroup), 'consumerGroup', `must be 1-249 of [a-zA-Z0-9._-], got ${q(input.consumerGroup)}`);
  let url: URL | undefined;
  try {
    url = new URL(input.influxUrl);
  } catch {
    url = undefined;
  }
  check(url !== undefined && (url.protocol === 'http:' || url.protocol === 'https:') && url.pathname === '/', 'influxUrl', `must be an http(s)://host:port URL, got ${q(input.influxUrl)}`);
  check(NAME.test(input.database), 'database', `must be 1-255 of [a-zA-Z0-9_.-], got ${q(input.database)}`);
  check(NAME.test(input.retentionPolicy), 'retentionPolicy', `must be 1-255 of [a-zA-Z0-9_.-], got ${q(input.retentionPolicy)}`);
  check(NAME.test(input.username), 'username', `must be 1-255 of [a-zA-Z0-9_.-], got ${q(input.username)}`);
  check(ENV.test(input.passwordEnv), 'passwordEnv', `must be an environment variable name ([A-Z_][A-Z0-9_]*), got ${q(input.passwordEnv)}`);
  if (input.sasl) {
    check(input.sasl.mechanism === 'AWS-MSK-IAM', 'sasl.mechanism', `must be "AWS-MSK-IAM", got ${q(input.sasl.mechanism)}`);
    check(REGION.test(input.sasl.region), 'sasl.region', `must be an AWS region name such as us-east-1, got ${q(input.sasl.region)}`);
  }
  check(Number.isInteger(maxUndelivered) && maxUndelivered >= 1 && maxUndelivered <= 1_000_000, 'maxUndeliveredMessages', `must be an integer 1..1000000, got ${maxUndelivered}`);
  check(Number.isInteger(batch) && batch >= 1 && batch <= maxUndelivered * LINES_PER_MESSAGE, 'metricBatchSize', `must be an integer 1..maxUndeliveredMessages (${maxUndelivered}) so a batch can fill, got ${batch}`);
  check(DURATION.test(flush), 'flushInterval', `must be a Telegraf duration such as 1s or 500ms, got ${q(flush)}`);
  const kafkaVersion = input.kafkaVersion ?? '3.9.0';
  check(KAFKA_VERSION.test(kafkaVersion), 'kafkaVersion', `must be a version such as 3.9.0, got ${q(kafkaVersion)}`);
  const clientId = input.clientId ?? input.consumerGroup;
  check(NAME.test(clientId), 'clientId', `must be 1-255 of [a-zA-Z0-9_.-], got ${q(clientId)}`);
  const loaderName = input.loaderName ?? input.consumerGroup;
  check(NAME.test(loaderName), 'loaderName', `must be 1-255 of [a-zA-Z0-9_.-], got ${q(loaderName)}`);

  // Twice what can be undelivered: the buffer can never overflow and drop (see the header).
  const bufferLimit = 2 * maxUndelivered * LINES_PER_MESSAGE;
  const lines = [
    '# Generated by lib/influx/loader-config.ts: the loader of one InfluxDB node (do not edit by hand).',
    '[agent]',
    '  interval = "10s"',
    '  round_interval = false',
    `  metric_batch_size = ${batch}`,
    `  metric_buffer_limit = ${bufferLimit}`,
    `  flush_interval = ${q(flush)}`,
    '  flush_jitter = "0s"',
    '  omit_hostname = true',
    `  logfile = ${q(input.logFile ?? '')}`,
    '',
    '[[inputs.kafka_consumer]]',
    `  brokers = ${brokers === BROKERS_AT_BOOT ? `[${BROKERS_AT_BOOT}]` : list(brokers)}`,
    `  kafka_version = ${q(kafkaVersion)}`,
    `  topics = ${list(input.topics)}`,
    `  consumer_group = ${q(input.consumerGroup)}`,
    `  client_id = ${q(clientId)}`,
    '  ## A new group reads the topics from their start; an existing one resumes at its committed offsets.',
    '  offset = "oldest"',
    `  max_undelivered_messages = ${maxUndelivered}`,
    '  ## The producer\'s write time, not used for the points (they carry their own timestamps).',
    '  timestamp_source = "metric"',
    '  data_format = "influx"',
    `  influx_timestamp_precision = ${q(precision)}`,
  ];
  if (input.sasl) {
    lines.push(
      '  ## MSK with IAM access control: TLS and SASL AWS-MSK-IAM with the instance role\'s credentials.',
      '  enable_tls = true',
      `  sasl_mechanism = ${q(input.sasl.mechanism)}`,
      `  sasl_aws_msk_iam_region = ${q(input.sasl.region)}`,
    );
  }
  lines.push(
    '',
    '## The Flink job\'s statistics only: loader_lag_ms = when this loader read the point minus its timestamp',
    '## (when the job wrote it; the output writes it at most flush_interval later), and the loader\'s name.',
    '## Telegraf v1.37 plugins/processors/starlark README: time.now() from time.star, metric.time in ns.',
    '[[processors.starlark]]',
    `  namepass = [${q(PIPELINE_STATS_MEASUREMENT)}]`,
    "  source = '''",
    'load("time.star", "time")',
    '',
    'def apply(metric):',
    '    metric.fields["loader_lag_ms"] = (time.now().unix_nano - metric.time) // 1000000',
    '    metric.tags["loader"] = loader',
    '    return metric',
    "'''",
    '  [processors.starlark.constants]',
    `    loader = ${q(loaderName)}`,
    '',
    '[[outputs.influxdb]]',
    `  urls = [${q(input.influxUrl.replace(/\/$/, ''))}]`,
    `  database = ${q(input.database)}`,
    `  retention_policy = ${q(input.retentionPolicy)}`,
    '  ## The write-only user may not create databases: the node creates it (and its retention policy) at setup.',
    '  skip_database_creation = true',
    `  username = ${q(input.username)}`,
    `  password = "\${${input.passwordEnv}}"`,
    '  timeout = "10s"',
    '  content_encoding = "gzip"',
    '',
  );
  return lines.join('\n');
}
