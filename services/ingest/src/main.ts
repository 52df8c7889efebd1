/**
 * Entry point (`npm run ingest`, dist/ingest.js): the primary validates the configuration, forks one
 * worker per core and keeps them running; workers serve HTTP on the port, each on its own SO_REUSEPORT
 * socket (worker.ts), so the primary never holds a client connection.
 *
 * SIGTERM/SIGINT: the primary forwards SIGTERM to every worker; each answers /health with 503, stops
 * accepting, finishes in-flight requests, flushes its sink and exits; then the primary exits.
 */
import cluster, { type Worker } from 'node:cluster';
import * as net from 'node:net';
import pino from 'pino';
import { AggregatorRegistry } from 'prom-client';
import { ConfigError, loadConfig, type Config } from './config';
import { installKafkaCodecs } from './kafka-codec';
import { startWorker } from './worker';

/** Set by build.mjs from .node-version; undefined when run from source (tsx, tests). */
declare const __INGEST_NODE_MAJOR__: string | undefined;

// The bundle relies on its Node line (per-worker reusePort listeners, crypto.hash): on an older Node
// the second worker's listen would fail with EADDRINUSE, so say what is wrong instead.
if (typeof __INGEST_NODE_MAJOR__ !== 'undefined' && Number(process.versions.node.split('.')[0]) < Number(__INGEST_NODE_MAJOR__)) {
  process.stderr.write(`ingest: needs Node.js ${__INGEST_NODE_MAJOR__} or later, running on ${process.version} (${process.execPath}); \`source scripts/node/ensure.sh\` installs it\n`);
  process.exit(2);
}

function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`ingest: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
}

const config = configOrExit();
const log = pino({ level: config.logLevel, base: { pid: process.pid, role: cluster.isPrimary ? 'primary' : 'worker' } });

if (cluster.isPrimary) void runPrimary();
else void runWorker();

/**
 * The workers bind with SO_REUSEPORT (worker.ts listenOptions), which would let a second instance of the
 * service started as the same user share the port silently. So the primary binds it once, plainly,
 * before forking: taken by anyone, it fails here with EADDRINUSE. PORT=0 would give each worker its own
 * random port.
 */
async function checkPortFree(): Promise<void> {
  if (config.port === 0 && config.workers > 1) throw new Error('PORT=0 picks a random port per worker; set a port or INGEST_WORKERS=1');
  const probe = net.createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen({ port: config.port, host: config.host, exclusive: true }, () => resolve());
  });
  await new Promise((resolve) => probe.close(resolve));
}

async function runPrimary(): Promise<void> {
  try {
    await checkPortFree();
  } catch (e) {
    log.fatal({ err: e }, `cannot serve on ${config.host}:${config.port}: ${(e as Error).message}`);
    process.exit(1);
  }
  const sinkDesc = config.kafka ? `Kafka ${config.kafka.brokers.join(',')} topic ${config.kafka.topic} (spool ${config.spoolDir})` : `JSONL file ${config.jsonlPath}`;
  log.info({ port: config.port, workers: config.workers, auth: config.auth }, `ingest starting: ${config.workers} workers, sink ${sinkDesc}`);
  if (!config.kafka) process.stderr.write(`ingest: writing points to ${config.jsonlPath}\n`);

  const aggregator = new AggregatorRegistry();
  const slots = new Map<Worker, number>();
  const ready = new Set<number>();
  let stopping = false;

  const fork = (slot: number) => {
    const w = cluster.fork({ INGEST_WORKER_SLOT: String(slot) });
    slots.set(w, slot);
    w.on('message', (msg: { type?: string; id?: number }) => {
      if (msg?.type === 'ready') {
        ready.add(slot);
        if (ready.size === config.workers) {
          // Every worker serves now: /health may answer 200 (see allWorkersReady in server.ts).
          // A worker that is just exiting has no channel; the callback keeps a failed send from throwing.
          for (const other of slots.keys()) if (other.isConnected()) other.send({ type: 'all-ready' }, undefined, () => undefined);
          log.info(`ingest listening on ${config.host}:${config.port}`);
        }
      } else if (msg?.type === 'metrics-request') {
        aggregator.clusterMetrics().then(
          (text) => w.send({ type: 'metrics-response', id: msg.id, text }),
          (e: Error) => w.send({ type: 'metrics-response', id: msg.id, error: e.message }),
        );
      }
    });
  };
  for (let i = 0; i < config.workers; i++) fork(i);

  cluster.on('exit', (w, code, signal) => {
    const slot = slots.get(w)!;
    slots.delete(w);
    if (stopping) {
      if (slots.size === 0) {
        log.info('all workers stopped');
        process.exit(0);
      }
      return;
    }
    if (!ready.has(slot)) {
      // Died before serving: a startup error (keys, port, sink) that a restart would only repeat.
      log.fatal({ slot, code, signal }, 'worker failed to start; stopping');
      stopping = true;
      for (const other of slots.keys()) other.process.kill('SIGTERM');
      process.exitCode = 1;
      if (slots.size === 0) process.exit(1);
      return;
    }
    ready.delete(slot);
    log.error({ slot, code, signal }, 'worker died; restarting it (it replays its spool)');
    setTimeout(() => fork(slot), 500);
  });

  const stop = (sig: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal: sig }, 'draining workers');
    for (const w of slots.keys()) w.process.kill('SIGTERM');
    setTimeout(() => {
      log.error('workers did not stop in time; exiting');
      process.exit(1);
    }, config.drainTimeoutMs + 10_000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

async function runWorker(): Promise<void> {
  installKafkaCodecs(); // before the sink opens: its producer compresses with one of them (kafka-codec.ts)
  const slot = Number(process.env.INGEST_WORKER_SLOT ?? 0);
  const pending = new Map<number, (text: string) => void>();
  let nextId = 0;
  let allReady = false;
  process.on('message', (msg: { type?: string; id: number; text?: string; error?: string }) => {
    if (msg?.type === 'all-ready') allReady = true;
    else if (msg?.type === 'metrics-response') {
      pending.get(msg.id)?.(msg.text ?? `# aggregation failed: ${msg.error}\n`);
      pending.delete(msg.id);
    }
  });
  const metricsText = () =>
    new Promise<string>((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      process.send!({ type: 'metrics-request', id });
    });

  let worker;
  try {
    worker = await startWorker(config, { slot, log: log.child({ slot }), metricsText, allWorkersReady: () => allReady });
  } catch (e) {
    log.fatal({ err: e }, 'worker start failed');
    process.exit(1);
  }
  // Constructing one installs prom-client's worker-side listener that answers the primary's requests.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([worker.metrics.registry]);
  process.send!({ type: 'ready' });

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await worker.drain().catch((e) => log.error({ err: e }, 'drain failed'));
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop()); // Ctrl-C reaches the whole process group
  process.on('disconnect', () => void stop()); // the primary is gone
}
