/**
 * The environment the CDK app gives the ingest hosts' service (systemd `Environment=` lines), per
 * environment: test/fixtures/contracts/<env>-ingest-env.json, written by `npm run contracts:write`
 * from synthesis and checked against it by the app's test/stacks/contracts.test.ts. The service's
 * own config loader must accept it, and read every variable in it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../src/config';

const FIXTURES = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'contracts');
/** Read by Node.js and its libraries rather than by loadConfig. */
const NOT_READ_BY_LOADCONFIG = ['NODE_ENV'];

describe.each(['dev', 'staging', 'prod'])('%s hosts', (env) => {
  const hostEnv = JSON.parse(readFileSync(join(FIXTURES, `${env}-ingest-env.json`), 'utf8')) as Record<string, string>;

  test('the service starts with the environment the stack gives it: Kafka over IAM, keys from the secret', () => {
    const config = loadConfig(hostEnv);
    expect(config.kafka).toMatchObject({ auth: 'iam', topic: 'metrics', region: hostEnv.AWS_REGION });
    expect(config.kafka!.brokers.length).toBeGreaterThan(0);
    expect(config.keySources.secretId).toBe(hostEnv.INGEST_API_KEYS_SECRET_ID);
    expect(config.port).toBe(Number(hostEnv.PORT));
    expect(config.spoolDir).toBe(hostEnv.INGEST_SPOOL_DIR);
  });

  test('every variable the stack sets is one the service reads (no misspelt or dead setting)', () => {
    const read = new Set<string>();
    loadConfig(new Proxy(hostEnv, { get: (target, name: string) => (read.add(name), target[name]) }));
    expect(Object.keys(hostEnv).filter((name) => !read.has(name) && !NOT_READ_BY_LOADCONFIG.includes(name))).toEqual([]);
  });
});
