/**
 * Configuration from environment variables, validated once at start. Every problem is collected and
 * reported together, each naming the variable and what it expects (docs/ingest.md lists them all).
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { MAX_MESSAGE_BYTES, TOPICS } from '../../../lib/topics';
import { KAFKA_COMPRESSIONS, type KafkaCompression, type RecordFormat } from './kafka-pack';
import { FORMAT_HEADER, FORMAT_LINES_HEADER } from './record';

/**
 * How long a send waits for more points after the first one it carries (as Kafka's linger.ms). At prod's
 * ~900 points/s per worker, 30 ms makes record batches of ~34 points, 35 B per point on the brokers, 1.3x
 * the bulk figure (20 ms: ~20 points, 41 B, 1.56x; docs/benchmarks.md, "Kafka bytes per point at the
 * production shape"). It is 3 % of the 1 s p99 budget and well below the ~100 ms interval of a prod
 * connection that sends one point per request, so such a client does not wait on itself.
 */
export const DEFAULT_LINGER_MS = 30;

export interface KafkaConfig {
  readonly brokers: string[];
  readonly topic: string;
  readonly clientId: string;
  /** `none` = plaintext (local); `iam` = TLS + SASL/OAUTHBEARER signed for MSK IAM. */
  readonly auth: 'none' | 'iam';
  readonly region?: string;
  /** Producer-side batching: flush when this many bytes wait, or after lingerMs. */
  readonly batchBytes: number;
  readonly lingerMs: number;
  /** `sticky`: one partition per send, rotating (full batches); `series`: murmur2 of the series key per point. */
  readonly partitioner: 'sticky' | 'series';
  /** A send slower than this is treated as failed and its records go to the spool. */
  readonly sendTimeoutMs: number;
  /** Batch compression (kafka-codec.ts): zstd (default: least CPU and bytes), gzip (level 1) or none (most bytes). */
  readonly compression: KafkaCompression;
  /** docs/wire-format.md: many points per record (default), or one keyed record per point. */
  readonly recordFormat: RecordFormat;
  /** The topic's max.message.bytes as planned (lib/topics.ts); record batches are packed under it. */
  readonly maxMessageBytes: number;
}

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly workers: number;
  readonly auth: 'keys' | 'none';
  readonly keySources: {
    readonly env?: string;
    readonly file?: string;
    readonly ssmParameter?: string;
    readonly secretId?: string;
  };
  /** The key sources are polled this often; a change takes effect without a restart. */
  readonly keyReloadMs: number;
  readonly maxBodyBytes: number;
  /** Per-key limits per instance for keys without their own (the ingest stack sets them from the plan). */
  readonly requestsPerSecond: number;
  readonly pointsPerSecond: number;
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  readonly drainTimeoutMs: number;
  /** After SIGTERM, keep listening this long with /health at 503 so a load balancer deregisters us first. */
  readonly drainDelayMs: number;
  readonly kafka?: KafkaConfig;
  readonly jsonlPath: string;
  readonly jsonlFlushMs: number;
  readonly spoolDir: string;
  readonly spoolMaxBytes: number;
  /** 503 above this many bytes waiting for the Kafka producer (backpressure before memory runs out). */
  readonly maxPendingBytes: number;
  /** A request that finds the sink's queue full waits this long for room before its 503 (0: refuse at once). */
  readonly overloadWaitMs: number;
  readonly logLevel: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const str = (name: string): string | undefined => {
    const v = env[name]?.trim();
    return v === '' ? undefined : v;
  };
  const int = (name: string, def: number, min: number, max: number): number => {
    const raw = str(name);
    if (raw === undefined) return def;
    const n = Number(raw);
    if (!/^[0-9]+$/.test(raw) || !Number.isSafeInteger(n) || n < min || n > max) {
      problems.push(`${name}=${JSON.stringify(raw)}: expected an integer from ${min} to ${max}`);
      return def;
    }
    return n;
  };
  const oneOf = <T extends string>(name: string, def: T, allowed: readonly T[]): T => {
    const raw = str(name);
    if (raw === undefined) return def;
    if (!(allowed as readonly string[]).includes(raw)) {
      problems.push(`${name}=${JSON.stringify(raw)}: expected one of ${allowed.join(', ')}`);
      return def;
    }
    return raw as T;
  };

  const MiB = 1024 * 1024;
  const auth = oneOf('INGEST_AUTH', 'keys', ['keys', 'none'] as const);
  const keySources = {
    env: str('INGEST_API_KEYS'),
    file: str('INGEST_API_KEYS_FILE'),
    ssmParameter: str('INGEST_API_KEYS_SSM_PARAMETER'),
    secretId: str('INGEST_API_KEYS_SECRET_ID'),
  };
  if (auth === 'keys' && !keySources.env && !keySources.file && !keySources.ssmParameter && !keySources.secretId) {
    problems.push(
      'no API keys configured: set INGEST_API_KEYS, INGEST_API_KEYS_FILE, INGEST_API_KEYS_SSM_PARAMETER or ' +
        'INGEST_API_KEYS_SECRET_ID, or INGEST_AUTH=none to run without authentication',
    );
  }

  let kafka: KafkaConfig | undefined;
  const brokers = str('KAFKA_BROKERS');
  if (brokers) {
    const list = brokers.split(',').map((b) => b.trim()).filter(Boolean);
    for (const b of list) if (!/^[^\s:]+:[0-9]{1,5}$/.test(b)) problems.push(`KAFKA_BROKERS: "${b}" is not host:port`);
    const kafkaAuth = oneOf('KAFKA_AUTH', 'none', ['none', 'iam'] as const);
    const region = str('AWS_REGION') ?? str('AWS_DEFAULT_REGION');
    if (kafkaAuth === 'iam' && !region) problems.push('KAFKA_AUTH=iam needs AWS_REGION for the MSK IAM token');
    kafka = {
      brokers: list,
      topic: str('KAFKA_TOPIC') ?? TOPICS.metrics,
      clientId: str('KAFKA_CLIENT_ID') ?? `ingest-${os.hostname()}`,
      auth: kafkaAuth,
      region,
      batchBytes: int('KAFKA_BATCH_BYTES', 512 * 1024, 1024, 64 * MiB),
      lingerMs: int('KAFKA_LINGER_MS', DEFAULT_LINGER_MS, 0, 1000),
      partitioner: oneOf('KAFKA_PARTITIONER', 'sticky', ['sticky', 'series'] as const),
      sendTimeoutMs: int('KAFKA_SEND_TIMEOUT_MS', 10_000, 100, 120_000),
      compression: oneOf('KAFKA_COMPRESSION', 'zstd', KAFKA_COMPRESSIONS),
      recordFormat: oneOf('KAFKA_RECORD_FORMAT', FORMAT_LINES_HEADER, [FORMAT_LINES_HEADER, FORMAT_HEADER] as const),
      // Below 64 KiB a lone point at the string field limit could not travel; above 1 GiB Kafka itself stops.
      maxMessageBytes: int('KAFKA_MAX_MESSAGE_BYTES', MAX_MESSAGE_BYTES, 128 * 1024, 1024 * MiB),
    };
  }

  const cwd = process.cwd();
  const requestTimeoutMs = int('INGEST_REQUEST_TIMEOUT_MS', 30_000, 100, 600_000);
  const config: Config = {
    port: int('PORT', 8080, 0, 65535),
    host: str('INGEST_HOST') ?? '0.0.0.0',
    workers: int('INGEST_WORKERS', os.availableParallelism(), 1, 256),
    auth,
    keySources,
    keyReloadMs: int('INGEST_API_KEYS_RELOAD_MS', 60_000, 100, 3_600_000),
    maxBodyBytes: int('INGEST_MAX_BODY_BYTES', 10 * MiB, 1024, 1024 * MiB),
    requestsPerSecond: int('INGEST_RATE_REQUESTS_PER_SEC', 1000, 1, 10_000_000),
    pointsPerSecond: int('INGEST_RATE_POINTS_PER_SEC', 100_000, 1, 1_000_000_000),
    headersTimeoutMs: int('INGEST_HEADERS_TIMEOUT_MS', 10_000, 100, 600_000),
    requestTimeoutMs,
    // Above the ALB's 60 s idle timeout, so the ALB, not us, closes idle keep-alive connections.
    keepAliveTimeoutMs: int('INGEST_KEEP_ALIVE_TIMEOUT_MS', 65_000, 100, 600_000),
    drainTimeoutMs: int('INGEST_DRAIN_TIMEOUT_MS', 30_000, 0, 600_000),
    drainDelayMs: int('INGEST_DRAIN_DELAY_MS', 0, 0, 600_000),
    kafka,
    jsonlPath: path.resolve(cwd, str('INGEST_JSONL_PATH') ?? '.local/ingest/points.jsonl'),
    jsonlFlushMs: int('INGEST_JSONL_FLUSH_MS', 0, 0, 1000),
    spoolDir: path.resolve(cwd, str('INGEST_SPOOL_DIR') ?? '.local/ingest/spool'),
    spoolMaxBytes: int('INGEST_SPOOL_MAX_BYTES', 1024 * MiB, MiB, 1024 * 1024 * MiB),
    maxPendingBytes: int('INGEST_MAX_PENDING_BYTES', 64 * MiB, 64 * 1024, 4096 * MiB),
    // By default a third of the request timeout, at most 10 s: the wait precedes reading the body.
    overloadWaitMs: int('INGEST_OVERLOAD_WAIT_MS', Math.min(10_000, Math.floor(requestTimeoutMs / 3)), 0, 600_000),
    logLevel: oneOf('LOG_LEVEL', 'info', ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const),
  };
  if (config.overloadWaitMs >= config.requestTimeoutMs) {
    // The wait comes before the body is read, inside Node's request timeout (it would answer 408).
    problems.push('INGEST_OVERLOAD_WAIT_MS must be below INGEST_REQUEST_TIMEOUT_MS');
  }
  if (config.headersTimeoutMs > config.requestTimeoutMs) {
    problems.push('INGEST_HEADERS_TIMEOUT_MS must not exceed INGEST_REQUEST_TIMEOUT_MS');
  }
  if (problems.length) throw new ConfigError(problems);
  return config;
}
