/**
 * Kafka sink: an idempotent kafkajs producer (acks=all, zstd or gzip) behind a producer-side accumulator, so the
 * points of many HTTP requests share one send (and, in the default record format, one record per
 * partition: kafka-pack.ts); and the spool, which takes over while Kafka cannot take records.
 *
 * One mode says where accepted batches go, and `transition` is the only place it changes
 * (SINK_TRANSITIONS):
 *   direct → spooling            a send failed (why is logged once, exported and shown by /health)
 *   spooling → holding           the replay reached the spool's last segment
 *   holding → spooling           that replay failed: queued batches go to the spool again
 *   spooling | holding → direct  the spool is replayed and Kafka has answered
 *   any → closed                 close()
 *
 * - direct: batches are sent to Kafka.
 * - spooling: batches are appended to the spool; the replay loop sends the spool, oldest first.
 * - holding: the replay sends the last (formerly active) spool segment; new batches wait in the queue,
 *   neither spooled (the replay would chase them) nor sent (they would overtake the spooled ones).
 *
 * Batching: a send waits until its oldest point has waited KAFKA_LINGER_MS (or KAFKA_BATCH_BYTES are
 * queued), also right after the previous send, as Kafka's linger.ms; with the sticky partitioner (the
 * default) all of it goes to one partition, the next send to the next (RotatingPartition), so a send is
 * one full record batch instead of one nearly empty batch per partition. A send above one partition's
 * batch bound spills into the next partitions within the same produce request (spillSticky), not into
 * further round trips: at Telegraf's 1,000-point requests and 1,000 connections the extra rounds had
 * made the queue overflow into 503s (docs/benchmarks.md).
 *
 * Ordering: exactly one send is in flight at a time and the spool is strictly FIFO, so a worker's
 * records reach Kafka in acceptance order: within a partition in offset order, and across partitions in
 * send order (docs/wire-format.md, "Ordering"). With KAFKA_PARTITIONER=series one series' records reach
 * one partition in acceptance order. Delivery is at-least-once: a send that timed out may still land,
 * and then its spooled copy is sent again.
 *
 * Nothing accepted is undeliverable: points are bounded by the topic's max.message.bytes at parse time
 * (maxPointBytes), each partition's batch is packed under it (kafka-pack.ts splitRounds), and a batch the
 * broker still refuses as too large or corrupt is split until the refused points are alone; those go to
 * the dead-letter file, and the rest flows on.
 */
import { CompressionCodecs, ConfigResourceTypes, Kafka, CompressionTypes, logLevel, type Message, type Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { KafkaConfig } from './config';
import { DeadLetterFile } from './dead-letter';
import { IngestError } from './errors';
import { MAX_SERIES_KEY_BYTES } from './line-protocol';
import type { Metrics } from './metrics';
import { partitionFor, partitionForBytes, RotatingPartition, SeriesKeyPartitioner } from './partitioner';
import { pick, pointCount, splitAt, type PointBatch } from './point-batch';
import {
  batchRecordBytesLimit, headerBytes, messageBytes, packedMessages, perPointMessages, RECORD_FRAMING_BYTES, spillSticky, splitRounds, type KafkaCompression, type RecordFormat,
} from './kafka-pack';
import { FORMAT_LINES_HEADER, type PointRecord } from './record';
import type { Sink, SinkHealth } from './sink';
import { Spool } from './spool';

// ---- tuning ------------------------------------------------------------------------------------------
/** How often the topic's partition count and max.message.bytes are looked up again (kafkajs' metadata max age). */
const TOPIC_REFRESH_MS = 5 * 60_000;
/** TCP connect deadline per broker. */
const CONNECTION_TIMEOUT_MS = 3000;
/** kafkajs' request timeout sits this far inside the send deadline, but never below the floor. */
const REQUEST_TIMEOUT_MARGIN_MS = 500;
const REQUEST_TIMEOUT_FLOOR_MS = 1000;
/**
 * Few, short retries: an unreachable broker should fail a send quickly so its records reach the spool
 * (and the client its 204) within the send timeout, instead of retrying in memory.
 */
const RETRY = { retries: 2, initialRetryTime: 100, maxRetryTime: 1000 };
/** One send takes queued batches up to this many KAFKA_BATCH_BYTES: big enough to amortise, small enough to bound latency. */
const BATCHES_PER_SEND = 4;
/** Records per replay send: starts here, doubles while sends are fast, shrinks when they are slow or fail. */
const REPLAY_CHUNK_INITIAL = 1000;
const REPLAY_CHUNK_MIN = 50;
const REPLAY_CHUNK_MAX = 10_000;
/** A replay chunk grows below this share of the send deadline and halves above the other. */
const REPLAY_FAST_SHARE = 1 / 8;
const REPLAY_SLOW_SHARE = 1 / 3;
/** Backoff between failed replay attempts. */
const REPLAY_BACKOFF_INITIAL_MS = 250;
const REPLAY_BACKOFF_MAX_MS = 5000;
/** Polling while a spool append or a replay is in flight (rare, short waits). */
const REPLAY_POLL_MS = 1;
const CLOSE_POLL_MS = 5;

/** KAFKA_COMPRESSION → kafkajs' codec id (gzip and zstd are installed by main: kafka-codec.ts). */
const CODEC: Record<KafkaCompression, CompressionTypes> = { gzip: CompressionTypes.GZIP, zstd: CompressionTypes.ZSTD, none: CompressionTypes.None };
/**
 * kafkajs ships no zstd codec (its table entry throws on first use): without installKafkaCodecs every
 * send would fail and every accepted point stay in the spool, so a missing codec stops the start instead.
 */
function requireCodec(compression: KafkaCompression): void {
  try {
    if (compression !== 'none') CompressionCodecs[CODEC[compression] as CompressionTypes.GZIP | CompressionTypes.ZSTD]();
  } catch (e) {
    throw new Error(`KAFKA_COMPRESSION=${compression}: no ${compression} codec installed in kafkajs (${(e as Error).message}); main installs it (kafka-codec.ts installKafkaCodecs)`);
  }
}
/** Broker errors that a resend cannot cure: the batch itself is refused. */
const REFUSED = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE', 'CORRUPT_MESSAGE', 'INVALID_RECORD']);

export type SinkMode = 'direct' | 'spooling' | 'holding' | 'closed';

/** The transitions `transition` allows; anything else is a bug and throws. */
export const SINK_TRANSITIONS: Readonly<Record<SinkMode, readonly SinkMode[]>> = {
  direct: ['spooling', 'closed'],
  spooling: ['holding', 'direct', 'closed'],
  holding: ['spooling', 'direct', 'closed'],
  closed: [],
};

export type SpoolingReason = 'backlog' | 'kafka-unreachable' | 'topic-missing' | 'send-failed';

interface Why {
  readonly reason: SpoolingReason;
  /** One line naming what is wrong and how to fix it. */
  readonly message: string;
}

interface Pending {
  records: PointBatch;
  bytes: number;
  /** performance.now() at acceptance: the linger runs from the oldest queued batch. */
  at: number;
  resolve: () => void;
  reject: (e: Error) => void;
}

export interface KafkaSinkOptions {
  readonly kafka: KafkaConfig;
  readonly spool: Spool;
  readonly maxPendingBytes: number;
  readonly log: Logger;
  readonly metrics: Metrics;
}

export class KafkaSink implements Sink {
  readonly description: string;
  private readonly client: Kafka;
  private producer: Producer | undefined;
  private connecting: Promise<Producer> | undefined;
  private readonly format: RecordFormat;
  private readonly deadLetters: DeadLetterFile;
  /** The partition of each send under KAFKA_PARTITIONER=sticky. */
  private readonly rotation = new RotatingPartition();
  /** Set by close(): what is queued goes out now, without lingering. */
  private flushing = false;

  private mode: SinkMode = 'direct';
  /** Why the sink is spooling (undefined while direct). */
  private why: Why | undefined;

  /** The topic's partition count, for packing records per partition and bounding each partition's batch. */
  private partitions = 0;
  /** The record batch bound in force: KAFKA_MAX_MESSAGE_BYTES, or the topic's smaller max.message.bytes. */
  private maxMessageBytes: number;
  private topicCheckedAt = 0;
  private refreshingTopic: Promise<void> | undefined;

  private queue: Pending[] = [];
  private queuedBytes = 0;
  /** Requests waiting for the queue to fall under maxPendingBytes (room()). */
  private roomWaiters = new Set<() => void>();
  /** The running send loop (at most one). */
  private sendLoopRun: Promise<void> | undefined;
  private lingerTimer: NodeJS.Timeout | undefined;
  private replaying: Promise<void> | undefined;
  private replayChunk = REPLAY_CHUNK_INITIAL;
  /** Cuts the replay loop's backoff sleep short on close. */
  private wake: (() => void) | undefined;

  constructor(private readonly o: KafkaSinkOptions) {
    const k = o.kafka;
    requireCodec(k.compression);
    this.description = `kafka:${k.topic}@${k.brokers.join(',')}`;
    this.format = k.recordFormat;
    this.maxMessageBytes = k.maxMessageBytes;
    this.deadLetters = new DeadLetterFile(o.spool.dir);
    this.client = new Kafka({
      clientId: k.clientId,
      brokers: k.brokers,
      ssl: k.auth === 'iam',
      sasl: k.auth === 'iam' ? { mechanism: 'oauthbearer', oauthBearerProvider: () => mskIamToken(k.region!) } : undefined,
      connectionTimeout: CONNECTION_TIMEOUT_MS,
      requestTimeout: Math.max(REQUEST_TIMEOUT_FLOOR_MS, k.sendTimeoutMs - REQUEST_TIMEOUT_MARGIN_MS),
      retry: RETRY,
      logLevel: logLevel.WARN,
      logCreator: () => ({ level, log }) => {
        const { message, ...rest } = log;
        // kafkajs logs every refused connection at ERROR (we report the outage once ourselves) and warns
        // on each producer that retries are limited (on purpose, see RETRY): both go to debug.
        const quiet = level !== logLevel.ERROR || /Connection error|ECONNREFUSED|Limiting retries/.test(message);
        o.log[quiet ? 'debug' : 'warn']({ kafkajs: rest }, `kafkajs: ${message}`);
      },
    });
    o.metrics.spoolBytes.set(o.spool.bytes);
    o.metrics.maxMessageBytes.set(this.maxMessageBytes);
    o.metrics.kafkaUp.set(1);
    o.metrics.sinkMode.set({ mode: 'direct' }, 1);
    if (!o.spool.isEmpty) {
      // Records left from a previous run go first.
      this.transition('spooling', { reason: 'backlog', message: `replaying ${o.spool.bytes} bytes spooled by an earlier run` });
    }
  }

  /** Connects once before serving, so a wrong broker list or a missing topic is reported at start. */
  async start(): Promise<void> {
    try {
      await this.getProducer();
    } catch (e) {
      if (this.is('direct')) this.transition('spooling', this.explain(e));
      else this.note(this.explain(e));
    }
  }

  get maxPointBytes(): number {
    // A point may travel alone in its batch; in point-json-v1 its key travels too (at most the series key limit).
    const keyBytes = this.format === FORMAT_LINES_HEADER ? 0 : MAX_SERIES_KEY_BYTES;
    return batchRecordBytesLimit(this.maxMessageBytes, this.o.kafka.compression) - RECORD_FRAMING_BYTES - headerBytes(this.format) - keyBytes;
  }

  // ---- the state machine ---------------------------------------------------------------------------

  private is(mode: SinkMode): boolean {
    return this.mode === mode;
  }

  /** The one place the mode changes; `why` is the reason when entering spooling. */
  private transition(to: SinkMode, why?: Why): void {
    const from = this.mode;
    if (!SINK_TRANSITIONS[from].includes(to)) throw new Error(`KafkaSink: no transition from ${from} to ${to}`);
    this.mode = to;
    const m = this.o.metrics;
    m.sinkMode.set({ mode: from }, 0);
    m.sinkMode.set({ mode: to }, 1);
    m.kafkaUp.set(to === 'direct' ? 1 : 0);
    if (to === 'closed') this.wakeRoomWaiters();
    switch (to) {
      case 'spooling':
        if (why) this.note(why);
        this.startReplay();
        if (from === 'holding' && this.queue.length) this.schedule(); // Kafka failed again: queued batches go to the spool
        break;
      case 'direct':
        this.note(undefined);
        m.spoolBytes.set(this.o.spool.bytes);
        this.o.log.info('spool replayed; sending to Kafka directly again');
        if (this.queue.length) this.schedule(); // queued batches are newer than everything replayed: they go direct now
        break;
      case 'holding':
        break;
      case 'closed':
        this.wake?.();
        break;
    }
  }

  /** Records why the sink spools; logs once per distinct reason (not once per failed retry). */
  private note(why: Why | undefined): void {
    const before = this.why;
    if (before?.reason === why?.reason && before?.message === why?.message) return;
    const m = this.o.metrics.sinkSpoolingReason;
    if (before) m.set({ reason: before.reason }, 0);
    this.why = why;
    if (why) {
      m.set({ reason: why.reason }, 1);
      this.o.log.warn({ reason: why.reason, topic: this.o.kafka.topic }, why.message);
    }
  }

  /** What a failure means for an operator: the reason and a line with the fix. */
  private explain(e: unknown): Why {
    const k = this.o.kafka;
    const text = errorText(e);
    if (kafkaErrorType(e) === 'UNKNOWN_TOPIC_OR_PARTITION' || /does not host this topic-partition|has no partitions|UNKNOWN_TOPIC/.test(text)) {
      return {
        reason: 'topic-missing',
        message: `topic "${k.topic}" does not exist on ${k.brokers.join(',')}: create it (locally \`npm run kafka:start\` creates the planned topics; on AWS the Kafka stack does); accepting into the spool until it exists`,
      };
    }
    if (/ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EHOSTUNREACH|Connection (error|timeout)|timed out|KafkaJSConnection|broker.*not.*(available|connected)/i.test(text)) {
      return { reason: 'kafka-unreachable', message: `Kafka at ${k.brokers.join(',')} is not reachable (${firstLine(text)}); accepting into the spool until it is` };
    }
    return { reason: 'send-failed', message: `Kafka send to topic "${k.topic}" failed (${firstLine(text)}); accepting into the spool until it works again` };
  }

  // ---- the producer and the topic ------------------------------------------------------------------

  private getProducer(): Promise<Producer> {
    if (this.producer) return Promise.resolve(this.producer);
    if (!this.connecting) {
      const producer = this.client.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        // murmur2 of the key, as Java clients and kafkajs' DefaultPartitioner, without its Long emulation.
        createPartitioner: SeriesKeyPartitioner,
        allowAutoTopicCreation: false,
        retry: RETRY,
      });
      // A failed topic lookup (the topic missing, say) fails the attempt like a failed connect: the
      // connected producer is closed too, or every replay attempt would leave one open to the brokers.
      this.connecting = producer
        .connect()
        .then(() => this.refreshTopic())
        .then(
          () => (this.producer = producer),
          async (e) => {
            await producer.disconnect().catch(() => undefined);
            throw e;
          },
        )
        .finally(() => (this.connecting = undefined));
    }
    return this.connecting;
  }

  /**
   * Looks up the topic's partition count (partitions can only be added; points of a series then move to
   * another partition, exactly as with Kafka's default partitioner) and checks its max.message.bytes
   * against KAFKA_MAX_MESSAGE_BYTES: a smaller topic value is logged as an error and packed under, so
   * nothing accepted meets a bound it cannot pass.
   */
  private async refreshTopic(): Promise<void> {
    const topic = this.o.kafka.topic;
    const admin = this.client.admin({ retry: RETRY });
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      const n = topics[0]?.partitions.length ?? 0;
      if (n < 1) throw new Error(`topic "${topic}" has no partitions`);
      if (this.partitions && n !== this.partitions) this.o.log.info({ from: this.partitions, to: n }, 'topic partition count changed');
      this.partitions = n;
      this.topicCheckedAt = Date.now();
      let topicMax: number | undefined;
      try {
        const { resources } = await admin.describeConfigs({
          includeSynonyms: false,
          resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['max.message.bytes'] }],
        });
        topicMax = Number(resources[0]?.configEntries.find((c) => c.configName === 'max.message.bytes')?.configValue);
      } catch (e) {
        this.o.log.warn({ err: e }, `could not read topic "${topic}"'s max.message.bytes; packing under KAFKA_MAX_MESSAGE_BYTES=${this.o.kafka.maxMessageBytes}`);
      }
      if (topicMax !== undefined && Number.isSafeInteger(topicMax) && topicMax > 0) this.applyTopicMax(topicMax);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  private applyTopicMax(topicMax: number): void {
    const planned = this.o.kafka.maxMessageBytes;
    const bound = Math.min(planned, topicMax);
    if (bound === this.maxMessageBytes) return;
    if (topicMax < planned) {
      this.o.log.error(
        { topic: this.o.kafka.topic, topicMaxMessageBytes: topicMax, plannedMaxMessageBytes: planned },
        `topic "${this.o.kafka.topic}" has max.message.bytes=${topicMax}, below KAFKA_MAX_MESSAGE_BYTES=${planned}: packing records under ${topicMax} and refusing larger points; set the topic's max.message.bytes to ${planned} (the Kafka stack and npm run kafka:start do)`,
      );
    } else {
      this.o.log.info({ topicMaxMessageBytes: topicMax }, `topic max.message.bytes is back at or above ${planned}`);
    }
    this.maxMessageBytes = bound;
    this.o.metrics.maxMessageBytes.set(bound);
  }

  /** Looks the topic up again in the background; the current values stay valid meanwhile. */
  private refreshTopicSoon(): void {
    if (!this.producer || this.refreshingTopic) return;
    this.refreshingTopic = this.refreshTopic()
      .catch((e) => this.o.log.warn({ err: e }, 'topic lookup failed; keeping the last partition count and bound'))
      .finally(() => (this.refreshingTopic = undefined));
  }

  /** Drops the producer after a failure: a fresh one (new producer id) avoids stale sequence state. */
  private resetProducer(): void {
    const p = this.producer;
    this.producer = undefined;
    if (p) void p.disconnect().catch(() => undefined);
  }

  // ---- the Sink interface --------------------------------------------------------------------------

  admission(): IngestError | undefined {
    if (this.is('closed')) return new IngestError('INGEST_ERR_DRAINING', undefined, undefined, 1);
    if (this.queuedBytes > this.o.maxPendingBytes) return new IngestError('INGEST_ERR_OVERLOADED', undefined, undefined, 1);
    if (!this.is('direct') && !this.o.spool.hasRoom) return new IngestError('INGEST_ERR_SPOOL_FULL', undefined, undefined, 5);
    return undefined;
  }

  room(ms: number): Promise<void> {
    if (this.queuedBytes <= this.o.maxPendingBytes || this.is('closed')) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.roomWaiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.roomWaiters.add(done);
    });
  }

  private wakeRoomWaiters(): void {
    if (this.queuedBytes > this.o.maxPendingBytes && !this.is('closed')) return;
    for (const done of [...this.roomWaiters]) done();
  }

  health(): SinkHealth {
    if (this.is('closed')) return { ready: false, status: 'unavailable', reason: 'the sink is closed' };
    if (this.is('direct')) return { ready: true, status: 'ok' };
    const why = this.why?.message ?? 'replaying the spool';
    if (!this.o.spool.hasRoom) return { ready: false, status: 'unavailable', reason: `the spool is full (${this.o.spool.bytes} of ${this.o.spool.maxBytes} bytes); ${why}` };
    return { ready: true, status: 'spooling', reason: why };
  }

  write(records: PointBatch): Promise<void> {
    if (records.count === 0) return Promise.resolve();
    // Spooled or sent, every batch passes the one queue, so acceptance order is kept across mode changes.
    const bytes = records.bytes;
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ records, bytes, at: performance.now(), resolve, reject });
      this.queuedBytes += bytes;
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.sendLoopRun) return; // the running send loop picks the queue up when it finishes
    const wait = this.lingerLeft();
    if (wait <= 0) {
      if (this.lingerTimer) { clearTimeout(this.lingerTimer); this.lingerTimer = undefined; }
      this.runSendLoop();
    } else {
      this.lingerFor(wait);
    }
  }

  /**
   * Milliseconds the next send should still wait for more points: KAFKA_LINGER_MS after the oldest queued
   * batch was accepted, unless a full KAFKA_BATCH_BYTES is queued, or the batches go to the spool (which
   * answers only once they are fsynced), or the sink is closing. Applies before EVERY send, also right
   * after one finished: a send that follows its predecessor at once would carry only what arrived during
   * that one send.
   */
  private lingerLeft(): number {
    const linger = this.o.kafka.lingerMs;
    if (linger === 0 || !this.queue.length || this.flushing || !this.is('direct') || this.queuedBytes >= this.o.kafka.batchBytes) return 0;
    return linger - (performance.now() - this.queue[0].at);
  }

  private lingerFor(ms: number): void {
    if (this.lingerTimer) return; // armed for the same oldest batch (a later batch only shortens nothing)
    this.lingerTimer = setTimeout(() => { this.lingerTimer = undefined; this.runSendLoop(); }, Math.ceil(ms));
  }

  private runSendLoop(): void {
    if (this.sendLoopRun) return;
    this.sendLoopRun = this.sendLoop().finally(() => (this.sendLoopRun = undefined));
  }

  /**
   * Sends (or spools) queued batches one at a time until the queue is empty, the replay holds it, or the
   * next send should linger (then a timer runs the loop again).
   */
  private async sendLoop(): Promise<void> {
    while (this.queue.length && !this.is('holding')) {
      const wait = this.lingerLeft();
      if (wait > 0) {
        this.lingerFor(wait);
        return;
      }
      // This loop is the spool's only writer and no append of it is in flight here, so an empty spool
      // means the replay has delivered everything: back to direct sends (under steady load the replay
      // loop may never see the loop idle, so the switch must also happen here). Only with a producer:
      // every failure drops it, so one exists only once Kafka has answered since (an empty spool alone
      // may just mean nothing was spooled yet).
      if (this.is('spooling') && this.o.spool.isEmpty && this.producer) this.transition('direct');
      const take: Pending[] = [];
      let bytes = 0;
      while (this.queue.length && (take.length === 0 || bytes < BATCHES_PER_SEND * this.o.kafka.batchBytes)) {
        const p = this.queue.shift()!;
        take.push(p);
        bytes += p.bytes;
      }
      this.queuedBytes -= bytes;
      this.wakeRoomWaiters();
      const records = take.map((p) => p.records);
      if (this.is('direct')) {
        try {
          await this.deliver(records);
          for (const p of take) p.resolve();
          continue;
        } catch (e) {
          if (this.is('direct')) this.transition('spooling', this.explain(e));
        }
      }
      try {
        await this.toSpool(records);
        for (const p of take) p.resolve();
      } catch (e) {
        for (const p of take) p.reject(e as Error);
      }
    }
  }

  /**
   * Sends `records`; when the broker refuses a batch itself (too large, corrupt, invalid), narrows the
   * refusal down until each refused point is alone and sets those aside, so one bad point never blocks
   * the rest. With KAFKA_PARTITIONER=series the broker answers per partition but kafkajs reports only the
   * first error, so the records are first resent partition by partition (the partitions that had landed
   * arrive twice: at-least-once); within one partition a batch lands whole or not at all, so halving it
   * resends nothing that landed. A sticky send is one partition (or, above one partition's batch bound,
   * a few consecutive ones: a partition that landed may then arrive twice); it is halved (each half goes
   * to the next partition in turn). Other failures throw.
   */
  private async deliver(records: PointBatch[]): Promise<void> {
    try {
      await this.send(records);
    } catch (e) {
      const type = kafkaErrorType(e);
      if (type === undefined || !REFUSED.has(type)) throw e;
      this.refreshTopicSoon(); // the topic's bound may have shrunk: later points then get a 400 instead
      const total = pointCount(records);
      if (total === 1) {
        const b = records.find((r) => r.count === 1)!;
        return this.deadLetter({ key: b.key(0), value: b.value(0) }, `${type}: ${firstLine(errorText(e))}`, type);
      }
      const n = this.partitions;
      const partitionOf = (b: PointBatch, i: number) => (n ? partitionForBytes(b.keys, b.keyStart(i), b.keyEnds[i], n) : 0);
      const seen = new Set<number>();
      if (this.o.kafka.partitioner === 'series') for (const b of records) for (let i = 0; i < b.count; i++) seen.add(partitionOf(b, i));
      const parts = seen.size > 1
        ? [...seen].map((p) => [pick(records, (b, i) => partitionOf(b, i) === p)])
        : splitAt(records, total >>> 1);
      for (const part of parts) await this.deliver(part);
    }
  }

  private async deadLetter(record: PointRecord, reason: string, type: string): Promise<void> {
    await this.deadLetters.append(record, reason);
    this.o.metrics.deadLetterRecords.inc({ reason: type });
    this.o.log.error(
      { series: record.key.slice(0, 200), bytes: Buffer.byteLength(record.value), file: this.deadLetters.path, reason },
      `Kafka refused a point of series ${JSON.stringify(record.key.slice(0, 200))} for good (${reason}); set aside in ${this.deadLetters.path}`,
    );
  }

  /** One producer send (in as many rounds as the batch bound needs) with a deadline; throws on failure or timeout. */
  private async send(records: PointBatch[]): Promise<void> {
    const started = performance.now();
    if (Date.now() - this.topicCheckedAt > TOPIC_REFRESH_MS) this.refreshTopicSoon();
    let timer: NodeJS.Timeout | undefined;
    // The deadline covers (re)connecting too: against a broker that is shutting down, connect alone can
    // take many seconds, and every request waits behind this one send.
    const attempt = this.getProducer().then(async (producer) => {
      const packs = this.format === FORMAT_LINES_HEADER;
      const sticky = this.o.kafka.partitioner === 'sticky' ? this.rotation.next(this.partitions) : undefined;
      const messages = packs ? packedMessages(records, this.partitions, sticky) : perPointMessages(records, this.partitions, sticky);
      const partitionOf = (m: Message) => m.partition ?? (this.partitions ? partitionFor(m.key as Buffer, this.partitions) : 0);
      const bytesOf = (m: Message) => messageBytes(m, this.format);
      const limit = batchRecordBytesLimit(this.maxMessageBytes, this.o.kafka.compression);
      // One produce request for the whole send: what exceeds one partition's batch continues in the next.
      if (sticky !== undefined && this.partitions > 1) spillSticky(messages, bytesOf, limit, () => this.rotation.next(this.partitions));
      const rounds = splitRounds(messages, partitionOf, bytesOf, limit);
      for (const round of rounds) {
        await producer.send({
          topic: this.o.kafka.topic,
          acks: -1,
          compression: CODEC[this.o.kafka.compression],
          messages: round,
        });
      }
    });
    attempt.catch(() => undefined); // it may settle after the deadline; that outcome is not needed
    try {
      await Promise.race([
        attempt,
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`send timed out after ${this.o.kafka.sendTimeoutMs} ms`)), this.o.kafka.sendTimeoutMs);
        }),
      ]);
      this.o.metrics.kafkaSendSeconds.observe({ outcome: 'ok' }, (performance.now() - started) / 1000);
      this.o.metrics.kafkaBatchRecords.observe(pointCount(records));
    } catch (e) {
      this.o.metrics.kafkaSendSeconds.observe({ outcome: 'error' }, (performance.now() - started) / 1000);
      this.resetProducer();
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  private async toSpool(records: PointBatch[]): Promise<void> {
    try {
      await this.o.spool.append(records);
    } catch (e) {
      if (e instanceof IngestError) throw e;
      throw new IngestError('INGEST_ERR_SINK_FAILED', `spool write failed: ${(e as Error).message}`, undefined, 5);
    } finally {
      this.o.metrics.spoolBytes.set(this.o.spool.bytes);
    }
    this.o.metrics.spooledRecords.inc(pointCount(records));
  }

  // ---- the replay ----------------------------------------------------------------------------------

  private startReplay(): void {
    if (this.replaying || this.is('closed')) return;
    this.replaying = this.replayLoop().finally(() => (this.replaying = undefined));
  }

  /** Retries (with backoff) until the spool is empty, then switches back to direct sends. */
  private async replayLoop(): Promise<void> {
    let backoff = REPLAY_BACKOFF_INITIAL_MS;
    while (this.is('spooling') || this.is('holding')) {
      try {
        let delivered = false;
        await this.o.spool.replay(
          async (chunk) => {
            if (this.is('closed')) throw new Error('closing'); // what is left stays spooled for the next start
            const t0 = performance.now();
            try {
              await this.deliver([chunk]);
            } catch (e) {
              // A chunk too big to make the send deadline would fail forever: shrink it.
              this.replayChunk = Math.max(REPLAY_CHUNK_MIN, Math.floor(this.replayChunk / 4));
              throw e;
            }
            // Grow only while sends stay well inside the deadline: a send that times out but lands
            // anyway is resent, so an oversized chunk costs duplicates.
            const ms = performance.now() - t0;
            if (ms < this.o.kafka.sendTimeoutMs * REPLAY_FAST_SHARE) this.replayChunk = Math.min(REPLAY_CHUNK_MAX, this.replayChunk * 2);
            else if (ms > this.o.kafka.sendTimeoutMs * REPLAY_SLOW_SHARE) this.replayChunk = Math.max(REPLAY_CHUNK_MIN, Math.floor(this.replayChunk / 2));
            delivered = true;
            this.o.metrics.replayedRecords.inc(chunk.count);
            this.o.metrics.spoolBytes.set(this.o.spool.bytes);
          },
          () => this.replayChunk,
          () => {
            if (this.is('spooling')) this.transition('holding');
          },
        );
        // An empty spool proves nothing about Kafka: unless this pass delivered, connect (and look the
        // topic up) before going direct, or a missing topic or a dead broker would pass for healthy.
        if (!delivered) await this.getProducer();
        // Synchronously after the spool was found empty (no await in between), so no append can slip
        // behind: from here on the accumulator is again the only path.
        if (this.o.spool.isEmpty && !this.sendLoopRun && !this.is('closed') && !this.is('direct')) {
          this.transition('direct');
          return;
        }
      } catch (e) {
        if (this.is('closed')) return;
        this.o.log.debug({ err: e, chunk: this.replayChunk, backoff }, 'replay attempt failed');
        this.note(this.explain(e)); // logs only when the cause changes (say, broker back but topic missing)
        if (this.is('holding')) this.transition('spooling');
        await new Promise<void>((r) => {
          const t = setTimeout(r, backoff);
          this.wake = () => (clearTimeout(t), r());
        });
        this.wake = undefined;
        backoff = Math.min(backoff * 2, REPLAY_BACKOFF_MAX_MS);
        continue;
      }
      await new Promise((r) => setTimeout(r, REPLAY_POLL_MS)); // a spool append is in flight; look again shortly
    }
  }

  async close(): Promise<void> {
    // Send or spool everything already accepted, then stop.
    this.flushing = true;
    if (this.lingerTimer) { clearTimeout(this.lingerTimer); this.lingerTimer = undefined; }
    while (this.queue.length || this.sendLoopRun) {
      if (this.is('holding') || this.sendLoopRun) {
        await new Promise((r) => setTimeout(r, CLOSE_POLL_MS)); // the replay finishes or fails, then releases
        continue;
      }
      this.runSendLoop();
      await this.sendLoopRun;
    }
    if (!this.is('closed')) this.transition('closed');
    await this.replaying; // at most one send deadline; what it did not deliver stays spooled for next start
    await this.refreshingTopic;
    await this.o.spool.close();
    if (this.producer) await this.producer.disconnect().catch(() => undefined);
  }
}

/** kafkajs wraps broker errors (retries exceeded, …): the first `type` along the cause chain. */
function kafkaErrorType(e: unknown): string | undefined {
  for (let x = e as { type?: unknown; cause?: unknown; originalError?: unknown } | undefined, i = 0; x && i < 8; i++) {
    if (typeof x.type === 'string' && x.type !== 'UNKNOWN') return x.type;
    x = (x.cause ?? x.originalError) as typeof x;
  }
  return undefined;
}

function errorText(e: unknown): string {
  const parts: string[] = [];
  for (let x = e as { message?: unknown; name?: unknown; cause?: unknown; originalError?: unknown } | undefined, i = 0; x && i < 8; i++) {
    parts.push(`${String(x.name ?? 'Error')}: ${String(x.message ?? x)}`);
    x = (x.cause ?? x.originalError) as typeof x;
  }
  return parts.join(' <- ');
}

function firstLine(s: string): string {
  return s.split('\n', 1)[0].slice(0, 300);
}

async function mskIamToken(region: string): Promise<{ value: string }> {
  const { generateAuthToken } = await import('aws-msk-iam-sasl-signer-js');
  const { token } = await generateAuthToken({ region });
  return { value: token };
}
