/**
 * The service's own Prometheus metrics. Each worker keeps its registry; GET /metrics on any worker
 * answers for the whole instance by asking the primary, which aggregates every worker's registry
 * (prom-client's AggregatorRegistry over the cluster IPC channel).
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export class Metrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'ingest_requests_total', help: 'HTTP requests by route and status', labelNames: ['route', 'status'] as const, registers: [this.registry],
  });
  readonly requestSeconds = new Histogram({
    name: 'ingest_request_duration_seconds', help: 'Write request duration, first byte to answer', labelNames: ['route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers: [this.registry],
  });
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
}
