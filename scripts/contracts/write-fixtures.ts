/**
 * npm run contracts:write — synthesizes every environment and writes, per environment, the Flink
 * application's property groups and the ingest hosts' service environment to
 * test/fixtures/contracts/<env>-flink-properties.json and <env>-ingest-env.json. The Flink job's and
 * the ingest service's config loaders load them in their own tests; test/stacks/contracts.test.ts
 * fails when they no longer match synthesis.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CAPACITY_CONFIGS, ENVIRONMENT_NAMES } from '../../lib/capacity-config';
import { contractFixtures, CONTRACTS_DIR } from '../../test/stacks/contract-fixtures';

for (const env of ENVIRONMENT_NAMES) {
  for (const [file, content] of Object.entries(contractFixtures(CAPACITY_CONFIGS[env]))) {
    writeFileSync(join(CONTRACTS_DIR, file), content);
    console.log(`wrote test/fixtures/contracts/${file}`);
  }
}
