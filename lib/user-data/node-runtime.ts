import { readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * The Node.js major the ingest service runs on, read from the repository's .node-version: the same file
 * CI (scripts/node/ensure.sh, actions/setup-node) and the esbuild target (services/ingest/build.mjs) read.
 */
export const NODE_MAJOR: number = (() => {
  const file = path.resolve(__dirname, '../../.node-version');
  const text = readFileSync(file, 'utf8').trim();
  if (!/^[0-9]+$/.test(text)) throw new Error(`${file}: must hold a Node.js major version such as 24, not "${text}"`);
  return Number(text);
})();

/**
 * Amazon Linux 2023 namespaces each Node.js line: package `nodejs<major>`, executable
 * `/usr/bin/node-<major>`, which stays on that line whatever `alternatives` makes `/usr/bin/node`
 * (https://docs.aws.amazon.com/linux/al2023/ug/nodejs.html).
 */
export const AL2023_NODE = { package: `nodejs${NODE_MAJOR}`, binary: `/usr/bin/node-${NODE_MAJOR}` } as const;
