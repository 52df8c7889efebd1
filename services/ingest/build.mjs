// Bundles the service into one portable file, dist/ingest.js (Node 20, CommonJS), for the CDK asset.
// kafkajs, pino, prom-client and the AWS SDK clients are all pure JavaScript, so nothing stays external.
import { build } from 'esbuild';

const result = await build({
  entryPoints: ['src/main.ts'],
  outfile: 'dist/ingest.js',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  legalComments: 'linked',
  metafile: true,
  logLevel: 'warning',
});
const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
console.log(`dist/ingest.js built (${(bytes / 1024 / 1024).toFixed(1)} MiB with map and licenses)`);
