import type { KafkaPlan } from './plan';

const HOURS_TO_MS = 3_600_000;

/**
 * Per-topic settings the plan gives every MetricStream topic, as Kafka topic config names. Used by the
 * Kafka stack (MSK topics) and by scripts/kafka/create-topics.ts (the local broker), so both create
 * the same topics.
 */
export function topicConfigs(kafka: Pick<KafkaPlan, 'retentionHours' | 'minInSyncReplicas' | 'maxMessageBytes'>): Record<string, string> {
  return {
    'retention.ms': String(kafka.retentionHours * HOURS_TO_MS),
    'min.insync.replicas': String(kafka.minInSyncReplicas),
    'max.message.bytes': String(kafka.maxMessageBytes),
  };
}
