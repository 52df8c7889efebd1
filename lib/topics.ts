/** Kafka topic names shared by the cluster, the ingest service and the Flink job. */
export const TOPICS = {
  /** Points from the ingest service, in the point-json format of docs/wire-format.md. */
  metrics: 'metrics',
  /** Alert fire/resolve events from the Flink job. */
  alerts: 'alerts',
} as const;

/**
 * Largest record batch (bytes, after compression) a topic accepts: its `max.message.bytes`. The Kafka
 * stack sets it on the topics, the ingest service packs its records under it (KAFKA_MAX_MESSAGE_BYTES)
 * and checks it against the topic at start. 1 MiB, Kafka's own default (message.max.bytes 1048588 less
 * headroom), is what every client and replica fetch handles without tuning.
 */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

/** The Flink job's consumer group. */
export const FLINK_CONSUMER_GROUP = 'metricstream-flink';

/** InfluxDB database and retention policy the Flink job writes to. */
export const INFLUX_DATABASE = 'metrics';
export const INFLUX_RETENTION_POLICY = 'aggregates';
