import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The services this repository ships as CDK assets, built by `npm run build`. */
const ROOT = join(__dirname, '..');
export const ASSET_PATHS = {
  /** esbuild output of services/ingest: one portable file, ingest.js. */
  ingestBundleDir: join(ROOT, 'services', 'ingest', 'dist'),
  /** Shaded jar of services/flink-job. */
  flinkJar: join(ROOT, 'services', 'flink-job', 'target', 'metricstream-flink-job-0.1.0.jar'),
  /** Grafana's provisioning files and dashboards, as committed (nothing to build). */
  grafanaDir: join(ROOT, 'grafana'),
} as const;

/** Fails synthesis with the command to run when an asset has not been built. */
export function builtAsset(path: string, file?: string): string {
  const required = file ? join(path, file) : path;
  if (!existsSync(required)) throw new Error(`asset ${required} is missing: run \`npm run build\` first`);
  return path;
}
