/**
 * Kafka sink: an idempotent kafkajs producer (acks=all, gzip) behind a producer-side accumulator, so the
 * points of many HTTP requests share one send (and, in the default record format, one record per
 * partition: kafka-pack.ts); and the spool, which takes over while Kafka is unreachable.
 *
 * Ordering: exactly one send is in flight at a time and the spool is strictly FIFO. Once any batch
 * failed, every later batch goes to the spool behind it until the replay has emptied it; only then do
 * records go straight to Kafka again. So one series' records reach a partition in acceptance order.
 * Delivery is at-least-once: a send that timed out may still land, and then its spooled copy is sent again.
 */
import { promisify } from 'node:util';
import { gzip, gzipSync, unzip, constants as zlibConstants } from 'node:zlib';
import { CompressionCodecs, CompressionTypes, Kafka, logLevel, type Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { KafkaConfig } from './config';
import { IngestError } from './errors';
import type { Metrics } from './metrics';
import { SeriesKeyPartitioner } from './partitioner';
import { packedMessages, perPointMessages } from './kafka-pack';
import { FORMAT_LINES_HEADER, type PointRecord } from './record';
import type { Sink } from './sink';
import { Spool } from './spool';

interface Pending {
  records: PointRecord[];
  bytes: number;
  resolve: () => void;
  reject: (e: Error) => void;
}

/**
 * gzip at level 1 instead of kafkajs' default (zlib level 6): on our JSON records the batch comes out
 * ~10 % larger but compressing costs about half the CPU. Still gzip (codec 1): brokers and consumers
 * decode every level alike. Batches up to 1 MiB are compressed synchronously: node's async zlib costs
 * more CPU in stream set-up and thread-pool hand-offs than level 1 needs for the work (~0.3 ms per 100 kB
 * here; it was the largest single item in a worker's profile); bigger ones go to the thread pool.
 */
const SYNC_GZIP_MAX = 1024 * 1024;
const GZIP_OPTIONS = { level: zlibConstants.Z_BEST_SPEED };
const gzipAsync = promisify((buf: Buffer, cb: (e: Error | null, out: Buffer) => void) => gzip(buf, GZIP_OPTIONS, cb));
const gunzipAny = promisify(unzip);
CompressionCodecs[CompressionTypes.GZIP] = () => ({
  compress: async (encoder: { buffer: Buffer }) => {
    const buf = encoder.buffer;
    return buf.length <= SYNC_GZIP_MAX ? gzipSync(buf, GZIP_OPTIONS) : gzipAsync(buf);
  },
  decompress: (buffer: Buffer) => gunzipAny(buffer),
});

/** How often the topic's partition count is looked up again (kafkajs' own metadata max age). */
const PARTITIONS_MAX_AGE_MS = 5 * 60_000;

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
  /** The topic's partition count, for packing records per partition (point-json-lines-v1 only). */
  private partitions = 0;
  private partitionsAt = 0;
  private refreshingPartitions = false;
  private queue: Pending[] = [];
  private queuedBytes = 0;
  private sending = false;
  private lingerTimer: NodeJS.Timeout | undefined;
  /** true while records go to the spool (Kafka failed, or the spool still holds older records). */
  private spooling: boolean;
  private replaying: Promise<void> | undefined;
  private closed = false;
  /**
   * Set while the replay sends the last (formerly active) spool segment: new batches wait in the queue,
   * neither spooled (the replay would chase them) nor sent (they would overtake the spooled ones).
   */
  private holding = false;
  /** Records per replay send: grows while sends succeed, shrinks when one fails. */
  private replayChunk = 1000;
  /** Cuts the replay loop's backoff sleep short on close. */
  private wake: (() => void) | undefined;

  constructor(private readonly o: KafkaSinkOptions) {
    const k = o.kafka;
    this.description = `kafka:${k.topic}@${k.brokers.join(',')}`;
    this.client = new Kafka({
      clientId: k.clientId,
      brokers: k.brokers,
      ssl: k.auth === 'iam',
      sasl: k.auth === 'iam' ? { mechanism: 'oauthbearer', oauthBearerProvider: () => mskIamToken(k.region!) } : undefined,
      connectionTimeout: 3000,
      requestTimeout: Math.max(1000, k.sendTimeoutMs - 500),
      // Few, short retries: an unreachable broker should fail a send quickly so its records reach the
      // spool (and the client its 204) within the send timeout, instead of retrying in memory.
      retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1000 },
      logLevel: logLevel.WARN,
      logCreator: () => ({ level, log }) => {
        const { message, ...rest } = log;
        // kafkajs logs every refused connection at ERROR (we report the outage once ourselves) and warns
        // on each producer that retries are limited (on purpose, see above): both go to debug.
        const quiet = level !== logLevel.ERROR || /Connection error|ECONNREFUSED|Limiting retries/.test(message);
        o.log[quiet ? 'debug' : 'warn']({ kafkajs: rest }, `kafkajs: ${message}`);
      },
    });
    this.spooling = !o.spool.isEmpty; // records left from a previous run go first
    o.metrics.spoolBytes.set(o.spool.bytes);
    o.metrics.kafkaUp.set(this.spooling ? 0 : 1);
    if (this.spooling) this.startReplay();
  }

  /** Connects once before serving, so a wrong broker list fails loudly at start rather than per request. */
  async start(): Promise<void> {
    try {
      await this.getProducer();
    } catch (e) {
      this.o.log.warn({ err: e }, 'Kafka not reachable at start; accepting into the spool until it is');
      this.enterSpooling();
    }
  }

  private getProducer(): Promise<Producer> {
    if (this.producer) return Promise.resolve(this.producer);
    if (!this.connecting) {
      const producer = this.client.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        // murmur2 of the key, as Java clients and kafkajs' DefaultPartitioner, without its Long emulation.
        createPartitioner: SeriesKeyPartitioner,
        allowAutoTopicCreation: false,
        retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1000 },
      });
      this.connecting = producer.connect().then(
        async () => {
          if (this.packs) await this.refreshPartitions();
          return (this.producer = producer);
        },
        async (e) => {
          await producer.disconnect().catch(() => undefined);
          throw e;
        },
      ).finally(() => (this.connecting = undefined));
    }
    return this.connecting;
  }

  private get packs(): boolean {
    return this.o.kafka.recordFormat === FORMAT_LINES_HEADER;
  }

  /**
   * Looks the partition count up with an admin client. Partitions can only be added; points of a series
   * then move to another partition, exactly as with Kafka's default partitioner.
   */
  private async refreshPartitions(): Promise<void> {
    const admin = this.client.admin({ retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1000 } });
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [this.o.kafka.topic] });
      const n = topics[0]?.partitions.length ?? 0;
      if (n < 1) throw new Error(`topic "${this.o.kafka.topic}" has no partitions`);
      if (this.partitions && n !== this.partitions) this.o.log.info({ from: this.partitions, to: n }, 'topic partition count changed');
      this.partitions = n;
      this.partitionsAt = Date.now();
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  /** Drops the producer after a failure: a fresh one (new producer id) avoids stale sequence state. */
  private resetProducer(): void {
    const p = this.producer;
    this.producer = undefined;
    if (p) void p.disconnect().catch(() => undefined);
  }

  admission(): IngestError | undefined {
    if (this.closed) return new IngestError('INGEST_ERR_DRAINING', undefined, undefined, 1);
    if (this.queuedBytes > this.o.maxPendingBytes) return new IngestError('INGEST_ERR_OVERLOADED', undefined, undefined, 1);
    if (this.spooling && !this.o.spool.hasRoom) return new IngestError('INGEST_ERR_SPOOL_FULL', undefined, undefined, 5);
    return undefined;
  }

  healthy(): boolean {
    return !this.closed && (!this.spooling || this.o.spool.hasRoom);
  }

  write(records: PointRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    // Spooled or sent, every batch passes the one queue, so acceptance order is kept across mode changes.
    let bytes = 0;
    for (const r of records) bytes += r.key.length + r.value.length; // chars ≈ bytes: only a batching heuristic
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ records, bytes, resolve, reject });
      this.queuedBytes += bytes;
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.sending) return; // the running send loop picks the queue up when it finishes
    if (this.queuedBytes >= this.o.kafka.batchBytes || this.o.kafka.lingerMs === 0 || this.spooling) {
      if (this.lingerTimer) { clearTimeout(this.lingerTimer); this.lingerTimer = undefined; }
      void this.sendLoop();
    } else if (!this.lingerTimer) {
      this.lingerTimer = setTimeout(() => { this.lingerTimer = undefined; void this.sendLoop(); }, this.o.kafka.lingerMs);
    }
  }

  /** Sends queued batches one at a time until the queue is empty. */
  private async sendLoop(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      while (this.queue.length && !this.holding) {
        // This loop is the spool's only writer and no append of it is in flight here, so an empty spool
        // means the replay has delivered everything: back to direct sends (under steady load the replay
        // loop below may never see the loop idle, so the switch must also happen here).
        if (this.spooling && this.o.spool.isEmpty) this.leaveSpooling();
        // Take up to ~4 batch sizes per send: big enough to amortise, small enough to bound latency.
        const take: Pending[] = [];
        let bytes = 0;
        while (this.queue.length && (take.length === 0 || bytes < 4 * this.o.kafka.batchBytes)) {
          const p = this.queue.shift()!;
          take.push(p);
          bytes += p.bytes;
        }
        this.queuedBytes -= bytes;
        const records = take.length === 1 ? take[0].records : take.flatMap((p) => p.records);
        if (!this.spooling) {
          try {
            await this.send(records);
            for (const p of take) p.resolve();
            continue;
          } catch (e) {
            const hint = /does not host this topic-partition/.test(String(e)) ? ` (does topic "${this.o.kafka.topic}" exist?)` : '';
            this.o.log.warn({ err: e, records: records.length }, `Kafka send failed${hint}; spooling until it works again`);
            this.enterSpooling();
          }
        }
        try {
          await this.toSpool(records);
          for (const p of take) p.resolve();
        } catch (e) {
          for (const p of take) p.reject(e as Error);
        }
      }
    } finally {
      this.sending = false;
    }
  }

  /** One producer send with a deadline; throws on failure or timeout. */
  private async send(records: PointRecord[]): Promise<void> {
    const started = performance.now();
    if (this.packs && this.producer && !this.refreshingPartitions && Date.now() - this.partitionsAt > PARTITIONS_MAX_AGE_MS) {
      this.refreshingPartitions = true; // in the background: the current count stays valid meanwhile
      this.refreshPartitions()
        .catch((e) => this.o.log.warn({ err: e }, 'partition count lookup failed; keeping the last one'))
        .finally(() => (this.refreshingPartitions = false));
    }
    let timer: NodeJS.Timeout | undefined;
    // The deadline covers (re)connecting too: against a broker that is shutting down, connect alone can
    // take many seconds, and every request waits behind this one send.
    const attempt = this.getProducer().then((producer) =>
      producer.send({
        topic: this.o.kafka.topic,
        acks: -1,
        compression: this.o.kafka.compression === 'none' ? CompressionTypes.None : CompressionTypes.GZIP,
        messages: this.packs ? packedMessages(records, this.partitions) : perPointMessages(records),
      }),
    );
    attempt.catch(() => undefined); // it may settle after the deadline; that outcome is not needed
    try {
      await Promise.race([
        attempt,
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`send timed out after ${this.o.kafka.sendTimeoutMs} ms`)), this.o.kafka.sendTimeoutMs);
        }),
      ]);
      this.o.metrics.kafkaSendSeconds.observe({ outcome: 'ok' }, (performance.now() - started) / 1000);
      this.o.metrics.kafkaBatchRecords.observe(records.length);
    } catch (e) {
      this.o.metrics.kafkaSendSeconds.observe({ outcome: 'error' }, (performance.now() - started) / 1000);
      this.resetProducer();
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  private async toSpool(records: PointRecord[]): Promise<void> {
    try {
      await this.o.spool.append(records);
    } catch (e) {
      if (e instanceof IngestError) throw e;
      throw new IngestError('INGEST_ERR_SINK_FAILED', `spool write failed: ${(e as Error).message}`, undefined, 5);
    } finally {
      this.o.metrics.spoolBytes.set(this.o.spool.bytes);
    }
    this.o.metrics.spooledRecords.inc(records.length);
  }

  private enterSpooling(): void {
    if (!this.spooling) {
      this.spooling = true;
      this.o.metrics.kafkaUp.set(0);
    }
    this.startReplay();
  }

  /** Lets the send loop run again after a hold (see `holding`). */
  private release(): void {
    if (!this.holding) return;
    this.holding = false;
    if (this.queue.length) this.schedule();
  }

  private leaveSpooling(): void {
    if (!this.spooling) return;
    this.spooling = false;
    this.release(); // queued batches are newer than everything replayed: they go direct now
    this.o.metrics.kafkaUp.set(1);
    this.o.metrics.spoolBytes.set(this.o.spool.bytes);
    this.o.log.info('spool replayed; sending to Kafka directly again');
  }

  private startReplay(): void {
    if (this.replaying || this.closed) return;
    this.replaying = this.replayLoop().finally(() => (this.replaying = undefined));
  }

  /** Retries (with backoff) until the spool is empty, then switches back to direct sends. */
  private async replayLoop(): Promise<void> {
    let backoff = 250;
    while (!this.closed && this.spooling) {
      try {
        await this.o.spool.replay(
          async (chunk) => {
            const t0 = performance.now();
            try {
              await this.send(chunk);
            } catch (e) {
              // A chunk too big to make the send deadline would fail forever: shrink it.
              this.replayChunk = Math.max(50, Math.floor(this.replayChunk / 4));
              throw e;
            }
            // Grow only while sends stay well inside the deadline: a send that times out but lands
            // anyway is resent, so an oversized chunk costs duplicates.
            const ms = performance.now() - t0;
            if (ms < this.o.kafka.sendTimeoutMs / 8) this.replayChunk = Math.min(10_000, this.replayChunk * 2);
            else if (ms > this.o.kafka.sendTimeoutMs / 3) this.replayChunk = Math.max(50, Math.floor(this.replayChunk / 2));
            this.o.metrics.replayedRecords.inc(chunk.length);
            this.o.metrics.spoolBytes.set(this.o.spool.bytes);
          },
          () => this.replayChunk,
          () => (this.holding = true),
        );
        // Synchronously after the spool was found empty (no await in between), so no append can slip
        // behind: from here on the accumulator is again the only path.
        if (this.o.spool.isEmpty && !this.sending) {
          this.leaveSpooling();
          return;
        }
      } catch (e) {
        this.o.log.debug({ err: e, chunk: this.replayChunk, backoff }, 'replay attempt failed');
        this.release(); // Kafka failed again: queued batches go to the spool as before
        await new Promise<void>((r) => {
          const t = setTimeout(r, backoff);
          this.wake = () => (clearTimeout(t), r());
        });
        this.wake = undefined;
        backoff = Math.min(backoff * 2, 5000);
        continue;
      }
      await new Promise((r) => setTimeout(r, 1)); // a spool append is in flight; look again shortly
    }
  }

  async close(): Promise<void> {
    // Send or spool everything already accepted, then stop.
    if (this.lingerTimer) { clearTimeout(this.lingerTimer); this.lingerTimer = undefined; }
    while (this.queue.length || this.sending) {
      if (this.holding) {
        await new Promise((r) => setTimeout(r, 5)); // the replay finishes or fails, then releases
        continue;
      }
      if (!this.sending) await this.sendLoop();
      else await new Promise((r) => setTimeout(r, 5));
    }
    this.closed = true;
    this.wake?.();
    await this.replaying; // at most one send deadline; what it did not deliver stays spooled for next start
    await this.o.spool.close();
    if (this.producer) await this.producer.disconnect().catch(() => undefined);
  }
}

async function mskIamToken(region: string): Promise<{ value: string }> {
  const { generateAuthToken } = await import('aws-msk-iam-sasl-signer-js');
  const { token } = await generateAuthToken({ region });
  return { value: token };
}
