/**
 * The service's own Prometheus metrics. Each worker keeps its registry; GET /metrics on any worker
 * answers for the whole instance by asking the primary, which aggregates every worker's registry
 * (prom-client's AggregatorRegistry over the cluster IPC channel).
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

const REQUEST_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** The p99 gauge's window: the requests of the last 45-60 s (four 15 s sub-windows; see RecentQuantile). */
export const P99_WINDOW_MS = 60_000;
export const P99_SUB_WINDOW_MS = 15_000;

/**
 * The q-quantile of a histogram from its cumulative bucket counts, interpolated linearly inside the
 * bucket that holds the rank, as Prometheus' histogram_quantile does: the first bucket's lower bound
 * is 0, and a rank in the +Inf bucket gives the highest finite bound. Undefined for no observations.
 */
export function bucketQuantile(q: number, bounds: readonly number[], cumulative: readonly number[], total: number): number | undefined {
  if (!(total > 0)) return undefined;
  const rank = q * total;
  for (let i = 0; i < bounds.length; i++) {
    if (cumulative[i] >= rank) {
      const lower = i === 0 ? 0 : bounds[i - 1];
      const below = i === 0 ? 0 : cumulative[i - 1];
      const inBucket = cumulative[i] - below;
      return inBucket > 0 ? lower + (bounds[i] - lower) * ((rank - below) / inBucket) : bounds[i];
    }
  }
  return bounds[bounds.length - 1];
}

type Counts = { readonly cumulative: number[]; readonly total: number };

/**
 * A quantile of a cumulative histogram's recent observations: at each collect it keeps a snapshot of
 * the histogram's bucket counts (at most one per sub-window, none older than the window) and takes
 * the quantile of the difference between now and the oldest snapshot kept. Nothing runs per request
 * (the histogram's own observe is the only cost); with collects at least once per sub-window the
 * window spans the last P99_WINDOW_MS - P99_SUB_WINDOW_MS to P99_WINDOW_MS; before the first
 * snapshot it covers everything since start.
 */
class RecentQuantile {
  private readonly snapshots: Array<{ at: number; byRoute: Map<string, Counts> }> = [];

  constructor(private readonly q: number, private readonly histogram: Histogram<'route'>, private readonly now: () => number) {}

  async collect(gauge: Gauge<'route'>): Promise<void> {
    const at = this.now();
    const current = await this.counts();
    while (this.snapshots.length > 0 && at - this.snapshots[0].at > P99_WINDOW_MS) this.snapshots.shift();
    const base = this.snapshots[0]?.byRoute;
    gauge.reset();
    for (const [route, c] of current) {
      const b = base?.get(route);
      const cumulative = c.cumulative.map((n, i) => n - (b?.cumulative[i] ?? 0));
      const value = bucketQuantile(this.q, REQUEST_BUCKETS, cumulative, c.total - (b?.total ?? 0));
      if (value !== undefined) gauge.set({ route }, value);
    }
    const last = this.snapshots[this.snapshots.length - 1];
    if (!last || at - last.at >= P99_SUB_WINDOW_MS) this.snapshots.push({ at, byRoute: current });
  }

  /** Per route: the cumulative count of each finite bucket, and the count of all observations. */
  private async counts(): Promise<Map<string, Counts>> {
    const byRoute = new Map<string, { cumulative: number[]; total: number }>();
    for (const v of (await this.histogram.get()).values) {
      const labels = v.labels as Record<string, string | number | undefined>;
      if (labels.le === undefined) continue; // _sum and _count
      const route = String(labels.route);
      let c = byRoute.get(route);
      if (!c) byRoute.set(route, (c = { cumulative: REQUEST_BUCKETS.map(() => 0), total: 0 }));
      const i = REQUEST_BUCKETS.indexOf(Number(labels.le));
      if (labels.le === '+Inf') c.total = v.value;
      else if (i >= 0) c.cumulative[i] = v.value;
    }
    return byRoute;
  }
}

export class Metrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'ingest_requests_total', help: 'HTTP requests by route and status', labelNames: ['route', 'status'] as const, registers: [this.registry],
  });
  readonly requestSeconds = new Histogram({
    name: 'ingest_request_duration_seconds', help: 'Write request duration, first byte to answer', labelNames: ['route'] as const,
    buckets: REQUEST_BUCKETS, registers: [this.registry],
  });
  private readonly recentP99: RecentQuantile;
  // InfluxQL cannot take a quantile of the histogram's aggregated bucket rows, so the service exposes one.
  readonly requestP99Seconds: Gauge<'route'>;
  readonly pointsAccepted = new Counter({ name: 'ingest_points_accepted_total', help: 'Points answered with 204', registers: [this.registry] });
  readonly overloadWaits = new Counter({ name: 'ingest_overload_waits_total', help: 'Requests that waited for room in a full sink queue (INGEST_OVERLOAD_WAIT_MS) before being answered', registers: [this.registry] });
  readonly pointsRejected = new Counter({
    name: 'ingest_points_rejected_total', help: 'Points (or requests, when the body was never parsed) refused, by error code',
    labelNames: ['reason'] as const, registers: [this.registry],
  });
  readonly bytesReceived = new Counter({ name: 'ingest_body_bytes_total', help: 'Request body bytes as received (before gunzip)', registers: [this.registry] });
  readonly kafkaSendSeconds = new Histogram({
    name: 'ingest_kafka_send_seconds', help: 'Latency of one producer send (a batch shared by many requests)', labelNames: ['outcome'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [this.registry],
  });
  readonly kafkaBatchRecords = new Histogram({
    name: 'ingest_kafka_batch_records', help: 'Points per producer send (in point-json-lines-v1 packed into one record per partition)', buckets: [1, 10, 100, 500, 1000, 5000, 20000], registers: [this.registry],
  });
  readonly spoolBytes = new Gauge({ name: 'ingest_spool_bytes', help: 'Bytes waiting in the on-disk spool', registers: [this.registry] });
  readonly spooledRecords = new Counter({ name: 'ingest_spooled_records_total', help: 'Records written to the spool', registers: [this.registry] });
  readonly replayedRecords = new Counter({ name: 'ingest_replayed_records_total', help: 'Spooled records delivered to Kafka', registers: [this.registry] });
  // Aggregated over workers: up only if every worker is up; draining if any is.
  readonly kafkaUp = new Gauge({ name: 'ingest_kafka_up', help: '1 when records go straight to Kafka, 0 while spooling', aggregator: 'min', registers: [this.registry] });
  // Every worker holds the same keys once its reload ran: min shows a worker still on an older set.
  readonly apiKeys = new Gauge({ name: 'ingest_api_keys', help: 'Active (unrevoked) API keys', aggregator: 'min', registers: [this.registry] });
  readonly apiKeyReloads = new Counter({
    name: 'ingest_api_key_reloads_total', help: 'Key source polls that changed the key set (reloaded) or were refused (failed)', labelNames: ['result'] as const, registers: [this.registry],
  });
  // Summed over workers: how many workers are in each mode (direct, spooling, holding, closed).
  readonly sinkMode = new Gauge({ name: 'ingest_sink_mode', help: 'Workers whose Kafka sink is in this mode (kafka-sink.ts)', labelNames: ['mode'] as const, registers: [this.registry] });
  readonly sinkSpoolingReason = new Gauge({
    name: 'ingest_sink_spooling_reason', help: 'Workers spooling for this reason (backlog, kafka-unreachable, topic-missing, send-failed)', labelNames: ['reason'] as const, registers: [this.registry],
  });
  readonly deadLetterRecords = new Counter({
    name: 'ingest_dead_letter_records_total', help: 'Points Kafka refused for good, set aside in the spool volume\'s dead-letter.jsonl', labelNames: ['reason'] as const, registers: [this.registry],
  });
  readonly maxMessageBytes = new Gauge({ name: 'ingest_kafka_max_message_bytes', help: 'Record batch bound the sink packs under (KAFKA_MAX_MESSAGE_BYTES or the topic\'s smaller max.message.bytes)', aggregator: 'min', registers: [this.registry] });
  readonly draining = new Gauge({ name: 'ingest_draining', help: '1 while shutting down', aggregator: 'max', registers: [this.registry] });

  /** now: the clock of the p99 gauge's window (tests move it). */
  constructor(now: () => number = Date.now) {
    this.recentP99 = new RecentQuantile(0.99, this.requestSeconds, now);
    const recent = this.recentP99;
    this.requestP99Seconds = new Gauge({
      name: 'ingest_request_duration_p99_seconds',
      help: 'p99 of ingest_request_duration_seconds over the last 45-60 s, interpolated in its buckets like histogram_quantile; '
        + 'the maximum over the workers, so an upper bound of the host\'s p99',
      labelNames: ['route'] as const, aggregator: 'max', registers: [this.registry],
      async collect() {
        await recent.collect(this);
      },
    });
  }
}
