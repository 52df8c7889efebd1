/**
 * One worker: loads keys, opens the sink (Kafka + its spool, or the JSONL file), serves HTTP.
 * Used by the cluster workers (main.ts) and in-process by the tests.
 */
import cluster from 'node:cluster';
import type { AddressInfo, ListenOptions } from 'node:net';
import * as path from 'node:path';
import pino, { type Logger } from 'pino';
import { KeyReloader, loadKeys, type KeyFetcher } from './api-keys';
import type { Config } from './config';
import { JsonlSink } from './jsonl-sink';
import { KafkaSink } from './kafka-sink';
import { Metrics } from './metrics';
import { createIngestServer, type IngestServer } from './server';
import type { Sink } from './sink';
import { Spool } from './spool';

export interface WorkerOptions {
  /** Stable index of this worker (0..workers-1); a restarted worker reuses it, and with it its spool. */
  readonly slot: number;
  readonly log?: Logger;
  readonly metricsText?: () => Promise<string>;
  readonly allWorkersReady?: () => boolean;
  readonly fetchKeys?: KeyFetcher;
}

export interface RunningWorker extends IngestServer {
  readonly port: number;
  readonly sink: Sink;
  readonly metrics: Metrics;
}

export async function openSink(config: Config, slot: number, log: Logger, metrics: Metrics): Promise<Sink> {
  if (!config.kafka) return JsonlSink.open(config.jsonlPath, config.jsonlFlushMs);
  // One spool directory per worker slot: a worker replaced after a crash replays what its predecessor spooled.
  const spool = new Spool({ dir: path.join(config.spoolDir, `slot-${slot}`), maxBytes: Math.floor(config.spoolMaxBytes / config.workers) });
  const sink = new KafkaSink({ kafka: config.kafka, spool, maxPendingBytes: Math.floor(config.maxPendingBytes / config.workers), log, metrics });
  await sink.start();
  return sink;
}

export async function startWorker(config: Config, opts: WorkerOptions): Promise<RunningWorker> {
  const log = opts.log ?? pino({ level: config.logLevel, base: { pid: process.pid, slot: opts.slot } });
  const metrics = new Metrics();
  const keys = await loadKeys(config, opts.fetchKeys);
  const sink = await openSink(config, opts.slot, log, metrics);
  const reloader = keys && new KeyReloader(keys, config, log, metrics, opts.fetchKeys);
  const ingest = createIngestServer({ config, sink, keys, metrics, log, workerCount: config.workers, metricsText: opts.metricsText, allWorkersReady: opts.allWorkersReady });
  await new Promise<void>((resolve, reject) => {
    ingest.server.once('error', reject);
    ingest.server.listen(listenOptions(config), () => resolve());
  });
  reloader?.start();
  const port = (ingest.server.address() as AddressInfo).port;
  return {
    server: ingest.server,
    drain: () => {
      reloader?.stop();
      return ingest.drain();
    },
    get draining() {
      return ingest.draining;
    },
    port,
    sink,
    metrics,
  };
}

/**
 * A cluster worker listens on its own SO_REUSEPORT socket, so the kernel spreads connections over the
 * workers' accept queues and the primary never holds a client socket. With Node's default round-robin
 * the primary accepts every connection and hands it to a worker over IPC; a handoff in flight when that
 * worker dies is never acknowledged, and the primary kept that connection, bytes unread, forever. Now a
 * dead worker's sockets, accepted or still queued, are closed or reset by the kernel with the process.
 * `reusePort` is Linux-only here (Node >= 23.1 passes it to libuv; other platforms reject it), and
 * `exclusive` keeps the handle out of the primary on any Node that would ignore `reusePort` (the second
 * worker's bind then fails loudly instead). https://nodejs.org/api/net.html#serverlistenoptions-callback
 */
export function listenOptions(config: Config, isClusterWorker = cluster.isWorker, platform = process.platform): ListenOptions {
  const own = isClusterWorker && platform === 'linux';
  return { port: config.port, host: config.host, ...(own ? { reusePort: true, exclusive: true } : {}) };
}
