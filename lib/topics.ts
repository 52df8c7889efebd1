/** Kafka topic names shared by the cluster, the ingest service and the Flink job. */
export const TOPICS = {
  /** Points from the ingest service, in the point-json format of docs/wire-format.md. */
  metrics: 'metrics',
  /** Alert fire/resolve events from the Flink job. */
  alerts: 'alerts',
} as const;

/** The Flink job's consumer group. */
export const FLINK_CONSUMER_GROUP = 'metricstream-flink';

/** InfluxDB database and retention policy the Flink job writes to. */
export const INFLUX_DATABASE = 'metrics';
export const INFLUX_RETENTION_POLICY = 'aggregates';
