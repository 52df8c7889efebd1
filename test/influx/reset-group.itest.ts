/**
 * The restored node's consumer-group reset (lib/user-data/reset-group.ts) against the real local
 * broker (npm run kafka:start; never stopped here): records at known times, the group committed
 * at the end, then reset to a time: each partition's committed offset is the first record at or
 * after it. Run: npx jest --testMatch '**' test/influx/reset-group.itest.ts (the hash-locked
 * packages are installed under .local/ from PyPI when missing, as a node installs them).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { RESET_GROUP_PY, RESET_GROUP_REQUIREMENTS, resetGroupPipArgs } from '../../lib/user-data/reset-group';

jest.setTimeout(120_000);
const BROKER = '127.0.0.1:9092';
// The node's install, here: the hash-locked wheels into a directory of their own, on PYTHONPATH.
const lib = join(__dirname, '..', '..', '.local', 'reset-group-lib');
const pythonEnv = { ...process.env, PYTHONPATH: lib };

beforeAll(() => {
  if (!existsSync(join(lib, 'kafka'))) {
    const requirements = join(mkdtempSync(join(tmpdir(), 'reset-group-req-')), 'requirements.txt');
    writeFileSync(requirements, RESET_GROUP_REQUIREMENTS);
    execFileSync('python3', ['-m', 'pip', 'install', ...resetGroupPipArgs(requirements, lib)]);
  }
});

test('the lock installs and imports: kafka-python and the MSK IAM signer, from the target directory alone', () => {
  const out = execFileSync('python3', ['-I', '-c', `import sys; sys.path.insert(0, ${JSON.stringify(lib)}); import kafka, aws_msk_iam_sasl_signer, botocore; print(kafka.__version__, botocore.__file__)`], { encoding: 'utf8' });
  expect(out).toContain('2.2.15');
  expect(out).toContain(lib);
});

test('each partition of the topic is reset to the first record at or after the time; the end where there is none', async () => {
  const kafka = new Kafka({ brokers: [BROKER], clientId: 'reset-group-test', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const topic = `reset-group-${process.pid}-${Date.now()}`;
  const group = `${topic}-loader`;
  await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
  try {
    const producer = kafka.producer();
    await producer.connect();
    const t0 = 1_700_000_000_000;
    // Partition 0: records at t0 + 0, 10, 20, 30 s; partition 1: t0 + 0, 5 s (all before the reset time).
    await producer.send({ topic, messages: [0, 10, 20, 30].map((s) => ({ partition: 0, value: `p0 ${s}`, timestamp: String(t0 + s * 1000) })) });
    await producer.send({ topic, messages: [0, 5].map((s) => ({ partition: 1, value: `p1 ${s}`, timestamp: String(t0 + s * 1000) })) });
    await producer.disconnect();
    // The loader had read everything: the group at the end of both partitions.
    await admin.setOffsets({ groupId: group, topic, partitions: [{ partition: 0, offset: '4' }, { partition: 1, offset: '2' }] });

    const dir = mkdtempSync(join(tmpdir(), 'reset-group-'));
    writeFileSync(join(dir, 'reset.py'), RESET_GROUP_PY);
    const out = execFileSync('python3', [join(dir, 'reset.py'), '--brokers', BROKER, '--topic', topic, '--group', group, '--to-ms', String(t0 + 15_000)], { encoding: 'utf8', env: pythonEnv });
    expect(out).toContain(`${group} ${topic}-0 -> 2`);

    const [{ partitions }] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    const byPartition = Object.fromEntries(partitions.map((p) => [p.partition, p.offset]));
    // p0: the record at +20 s is offset 2; p1 has nothing at or after +15 s: its end, 2.
    expect(byPartition).toEqual({ 0: '2', 1: '2' });
  } finally {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.deleteGroups([group]).catch(() => undefined);
    await admin.disconnect();
  }
});
