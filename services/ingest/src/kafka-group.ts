/**
 * Drop-in for kafkajs' `producer/groupMessagesPerPartition` (swapped in by build.mjs): the same
 * `{ [partition]: messages in send order }`, built with push. kafkajs rebuilds the partition's array with
 * a spread for every message, which is quadratic in the batch (a 1000-record send copied ~170k elements).
 */
type Partitioner = (a: { topic: string; partitionMetadata: unknown[]; message: unknown }) => number;

export function groupMessagesPerPartition({ topic, partitionMetadata, messages, partitioner }: {
  topic: string; partitionMetadata: unknown[]; messages: unknown[]; partitioner: Partitioner;
}): Record<number, unknown[]> {
  const result: Record<number, unknown[]> = {};
  if (partitionMetadata.length === 0) return result;
  for (const message of messages) {
    const partition = partitioner({ topic, partitionMetadata, message });
    (result[partition] ??= []).push(message);
  }
  return result;
}
