/**
 * `npm run kafka:start` creates the planned topics on the real local broker (scripts/kafka/create-topics.ts),
 * idempotently. Names are prefixed here so the shared broker's real `metrics`/`alerts` stay untouched.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { ConfigResourceTypes } from 'kafkajs';
import { CAPACITY_CONFIGS } from '../../../../lib/capacity-config';
import { planCapacity } from '../../../../lib/plan';
import { ensureKafka, kafka } from './kafka-helpers';

const ROOT = path.resolve(__dirname, '../../../..');
const run = promisify(execFile);

beforeAll(() => ensureKafka(), 300_000);

test('creates metrics and alerts with the dev plan\'s partitions and max.message.bytes; a second run changes nothing', async () => {
  const prefix = `it-ct-${Date.now()}-`;
  const script = () => run(path.join(ROOT, 'node_modules/.bin/tsx'), ['scripts/kafka/create-topics.ts'], { cwd: ROOT, env: { ...process.env, KAFKA_TOPIC_PREFIX: prefix }, timeout: 60_000 });
  const first = await script();
  expect(first.stderr).toMatch(new RegExp(`created topic ${prefix}metrics`));
  const plan = planCapacity(CAPACITY_CONFIGS.dev);
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { topics } = await admin.fetchTopicMetadata({ topics: [`${prefix}metrics`, `${prefix}alerts`] });
    expect(Object.fromEntries(topics.map((t) => [t.name, t.partitions.length]))).toEqual({
      [`${prefix}metrics`]: plan.kafka.partitions,
      [`${prefix}alerts`]: plan.kafka.alertsTopicPartitions,
    });
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: `${prefix}metrics`, configNames: ['max.message.bytes', 'retention.ms'] }],
    });
    const configs = Object.fromEntries(resources[0].configEntries.map((c) => [c.configName, c.configValue]));
    expect(configs).toEqual({ 'max.message.bytes': String(plan.kafka.maxMessageBytes), 'retention.ms': String(plan.kafka.retentionHours * 3_600_000) });
  } finally {
    await admin.deleteTopics({ topics: [`${prefix}metrics`, `${prefix}alerts`] }).catch(() => undefined);
    await admin.disconnect();
  }
  // (deleted above so the shared broker keeps no test topics; idempotence is checked on a fresh pair)
  const again = `it-ct-${Date.now()}-b-`;
  const twice = () => run(path.join(ROOT, 'node_modules/.bin/tsx'), ['scripts/kafka/create-topics.ts'], { cwd: ROOT, env: { ...process.env, KAFKA_TOPIC_PREFIX: again }, timeout: 60_000 });
  await twice();
  const second = await twice();
  expect(second.stderr).toMatch(new RegExp(`topic ${again}metrics exists, as planned`));
  expect(second.stderr).not.toMatch(/created topic/); // not Node's own "…where the warning was created"
  const cleanup = kafka.admin();
  await cleanup.connect();
  await cleanup.deleteTopics({ topics: [`${again}metrics`, `${again}alerts`] }).catch(() => undefined);
  await cleanup.disconnect();
}, 180_000);
