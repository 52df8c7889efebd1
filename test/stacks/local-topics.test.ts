/**
 * The local runner (scripts/kafka/create-topics.ts, called by `npm run kafka:start`) creates the topics
 * the dev Kafka stack creates on MSK: same names, partitions and topic configs, with one replica.
 */
import { CAPACITY_CONFIGS } from '../../lib/capacity-config';
import { localTopics } from '../../scripts/kafka/create-topics';
import { synthesizeStage } from './synth';

jest.setTimeout(120_000);

test('the local topics are the dev template\'s topics, reshaped for one broker', () => {
  const { templates, stage } = synthesizeStage(CAPACITY_CONFIGS.dev);
  const fromTemplate = Object.values(templates.Kafka.findResources('AWS::MSK::Topic')).map((t) => ({
    topic: t.Properties.TopicName,
    numPartitions: t.Properties.PartitionCount,
    configs: JSON.parse(Buffer.from(t.Properties.Configs, 'base64').toString('utf8')),
  }));
  const local = localTopics(stage.plan).map((s) => ({
    topic: s.topic,
    numPartitions: s.numPartitions,
    configs: Object.fromEntries(s.configEntries.map((c) => [c.name, c.value])),
  }));
  // One broker holds one replica, so min.insync.replicas cannot be the stack's; everything else is.
  for (const l of local) {
    expect(l.configs['min.insync.replicas']).toBe('1');
    expect(l.configs['max.message.bytes']).toBe(String(stage.plan.kafka.maxMessageBytes));
  }
  type Topic = { topic: string; numPartitions: number; configs: Record<string, string | undefined> };
  const withoutIsr = (ts: Topic[]) => ts.map((t) => ({ ...t, configs: { ...t.configs, 'min.insync.replicas': undefined } })).sort((a, b) => a.topic.localeCompare(b.topic));
  expect(withoutIsr(local)).toEqual(withoutIsr(fromTemplate));
  expect(localTopics(stage.plan).every((s) => s.replicationFactor === 1)).toBe(true);
});
