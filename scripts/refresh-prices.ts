/**
 * npm run prices:refresh -- --region us-east-1 [--endpoint URL] [--out DIR]
 *
 * Rebuilds lib/pricing/snapshot/<region>.json from the AWS Price List Query API. Needs AWS
 * credentials allowed `pricing:GetProducts`; the API itself is served from us-east-1.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { PricingClient } from '@aws-sdk/client-pricing';
import { loadPriceSnapshot, SNAPSHOT_DIR, snapshotPath } from '../lib/pricing/price-catalog';
import { refreshPriceSnapshot } from '../lib/pricing/refresh';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { region: { type: 'string' }, endpoint: { type: 'string' }, out: { type: 'string' } },
    strict: true,
  });
  if (!values.region) throw new Error('--region is required, e.g. npm run prices:refresh -- --region us-east-1');
  const client = new PricingClient({ region: 'us-east-1', endpoint: values.endpoint });
  // Savings Plans rates are not GetProducts products: keep the committed ones.
  const snapshot = await refreshPriceSnapshot(client, values.region, new Date().toISOString().slice(0, 10), loadPriceSnapshot(values.region));
  const dir = values.out ?? SNAPSHOT_DIR;
  mkdirSync(dir, { recursive: true });
  const path = snapshotPath(values.region, dir);
  writeFileSync(path, `${JSON.stringify(snapshot, null, 2)}\n`);
  console.log(`wrote ${Object.keys(snapshot.prices).length} prices to ${path}`);
}

main().catch((err: unknown) => {
  console.error(`prices:refresh: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
