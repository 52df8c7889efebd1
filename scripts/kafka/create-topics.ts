/**
 * Creates the planned topics on the local broker, as the Kafka stack creates them on MSK: names from
 * lib/topics.ts, partitions and topic configs from the dev plan (lib/topic-configs.ts, the function the
 * stack uses). The single local broker holds one replica, so the replication factor and min ISR are 1.
 * Idempotent: existing topics are left as they are (their differences from the plan are reported).
 * Called by start.sh; by hand: `npx tsx scripts/kafka/create-topics.ts`.
 *
 * Env: KAFKA_BROKERS (default 127.0.0.1:9092), KAFKA_TOPIC_PREFIX (prepended to every name; for tests).
 */
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { CAPACITY_CONFIGS } from '../../lib/capacity-config';
import { planCapacity, type CapacityPlan } from '../../lib/plan';
import { topicConfigs } from '../../lib/topic-configs';
import { TOPICS } from '../../lib/topics';

export interface TopicSpec {
  readonly topic: string;
  readonly numPartitions: number;
  readonly replicationFactor: number;
  readonly configEntries: Array<{ name: string; value: string }>;
}

/** The topics the Kafka stack would create for `plan`, reshaped for one local broker. */
export function localTopics(plan: CapacityPlan, prefix = ''): TopicSpec[] {
  const configEntries = (retentionHours: number) =>
    Object.entries(topicConfigs({ ...plan.kafka, minInSyncReplicas: 1, retentionHours })).map(([name, value]) => ({ name, value }));
  const { retentionHours } = plan.kafka;
  return [
    { topic: prefix + TOPICS.metrics, numPartitions: plan.kafka.partitions, replicationFactor: 1, configEntries: configEntries(retentionHours) },
    { topic: prefix + TOPICS.alerts, numPartitions: plan.kafka.alertsTopicPartitions, replicationFactor: 1, configEntries: configEntries(retentionHours) },
    {
      topic: prefix + TOPICS.aggregates,
      numPartitions: plan.kafka.aggregatesTopicPartitions,
      replicationFactor: 1,
      configEntries: configEntries(plan.kafka.aggregates.retentionHours),
    },
  ];
}

async function main(): Promise<void> {
  const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
  const specs = localTopics(planCapacity(CAPACITY_CONFIGS.dev), process.env.KAFKA_TOPIC_PREFIX ?? '');
  const admin = new Kafka({ clientId: 'metricstream-create-topics', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.topic));
    if (missing.length) await admin.createTopics({ topics: missing, waitForLeaders: true });
    for (const s of missing) log(`created topic ${s.topic} (${s.numPartitions} partitions, ${s.configEntries.map((c) => `${c.name}=${c.value}`).join(' ')})`);
    for (const s of specs.filter((x) => existing.has(x.topic))) await reportDrift(admin, s);
  } finally {
    await admin.disconnect();
  }
}

/** An existing topic is kept (other checkouts may be using it); say where it differs from the plan. */
async function reportDrift(admin: ReturnType<Kafka['admin']>, s: TopicSpec): Promise<void> {
  const [meta] = (await admin.fetchTopicMetadata({ topics: [s.topic] })).topics;
  const { resources } = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [{ type: ConfigResourceTypes.TOPIC, name: s.topic, configNames: s.configEntries.map((c) => c.name) }],
  });
  const actual = new Map(resources[0].configEntries.map((c) => [c.configName, c.configValue]));
  const diffs = s.configEntries.filter((c) => actual.get(c.name) !== c.value).map((c) => `${c.name}=${actual.get(c.name)} (planned ${c.value})`);
  if (meta.partitions.length !== s.numPartitions) diffs.unshift(`${meta.partitions.length} partitions (planned ${s.numPartitions})`);
  log(`topic ${s.topic} exists${diffs.length ? `; differs from the plan: ${diffs.join(', ')}` : ', as planned'}`);
}

function log(msg: string): void {
  process.stderr.write(`kafka: ${msg}\n`);
}

if (require.main === module) {
  main().catch((e) => {
    log(`creating the planned topics failed: ${(e as Error).message}`);
    process.exit(1);
  });
}
