/** Kafka topic names shared by the cluster, the ingest service and the Flink job. */
export const TOPICS = {
  /** Points from the ingest service, in the point-json format of docs/wire-format.md. */
  metrics: 'metrics',
  /** Alert fire/resolve events from the Flink job, as JSON (for notification). */
  alerts: 'alerts',
  /**
   * Window aggregates and alert events from the Flink job as line protocol, one record per line
   * (docs/wire-format.md): what every InfluxDB node loads into its own copy.
   */
  aggregates: 'aggregates',
} as const;

/**
 * Largest record batch (bytes, after compression) a topic accepts: its `max.message.bytes`. The Kafka
 * stack sets it on the topics, the ingest service packs its records under it (KAFKA_MAX_MESSAGE_BYTES)
 * and checks it against the topic at start. 1 MiB, Kafka's own default (message.max.bytes 1048588 less
 * headroom), is what every client and replica fetch handles without tuning.
 */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

/**
 * The one rule from InfluxDB shards to what their nodes load: shard s of S reads the topic
 * aggregatesTopicOfShard(s, S). With one shard (every environment today) that is the aggregates
 * topic itself, all of it. With more, shard s would read `aggregates-shard-<s>`, a topic the Flink job
 * would fill with the series of that shard; the job does not route by shard yet, so the Influx stack
 * refuses more than one shard (lib/influx-stack.ts) rather than deploy nodes that load nothing.
 */
export function aggregatesTopicOfShard(shard: number, shards: number): string {
  if (!Number.isInteger(shards) || shards < 1) throw new Error(`aggregatesTopicOfShard: shards must be an integer >= 1, got ${shards}`);
  if (!Number.isInteger(shard) || shard < 0 || shard >= shards) throw new Error(`aggregatesTopicOfShard: shard must be an integer in 0..${shards - 1}, got ${shard}`);
  return shards === 1 ? TOPICS.aggregates : `${TOPICS.aggregates}-shard-${shard}`;
}

/** The Flink job's consumer group. */
export const FLINK_CONSUMER_GROUP = 'metricstream-flink';

/**
 * The consumer group of the loader on one InfluxDB node: one group per node, so each node reads every
 * record on its own and keeps its own offsets (a node that was down catches up from them; a restored
 * node's group is reset to its backup's time).
 */
export function loaderConsumerGroup(shard: number, replica: number): string {
  for (const [name, v] of [['shard', shard], ['replica', replica]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new Error(`loaderConsumerGroup: ${name} must be an integer >= 0, got ${v}`);
  }
  return `metricstream-loader-${shard}-${replica}`;
}

/** InfluxDB database and retention policy the loaders write to. */
export const INFLUX_DATABASE = 'metrics';
export const INFLUX_RETENTION_POLICY = 'aggregates';
