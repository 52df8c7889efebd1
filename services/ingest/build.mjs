// Bundles the service into one portable file, dist/ingest.js (CommonJS, for the Node major in the
// repository's .node-version, which the hosts install), for the CDK asset.
// kafkajs, pino, prom-client and the AWS SDK clients are all pure JavaScript, so nothing stays external.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { build } from 'esbuild';

// Three kafkajs internals are replaced by faster equivalents with identical output (see each file's
// comment; test/kafka-record.test.ts compares them with the originals). The build fails if kafkajs
// moved them, so an upgrade cannot silently drop a patch. The appended require names our file by a
// virtual `ingest-src:` path, not its absolute path: the patched source lands in the source map,
// and the bundle must be byte-identical wherever the repository is checked out.
const src = (f) => JSON.stringify(`ingest-src:${f}`);
const PATCHES = [
  { file: /kafkajs[\\/]src[\\/]protocol[\\/]recordBatch[\\/]record[\\/]v0[\\/]index\.js$/,
    tail: `\nmodule.exports = require(${src('kafka-record.ts')}).fastRecordEncoder(module.exports);\n` },
  { file: /kafkajs[\\/]src[\\/]producer[\\/]groupMessagesPerPartition\.js$/,
    tail: `\nmodule.exports = require(${src('kafka-group.ts')}).groupMessagesPerPartition;\n` },
  { file: /kafkajs[\\/]src[\\/]protocol[\\/]encoder\.js$/,
    tail: `\nmodule.exports = require(${src('kafka-encoder.ts')}).withFastEncoderArray(module.exports);\n` },
];
const kafkajsHotPaths = {
  name: 'kafkajs-hot-paths',
  setup(b) {
    b.onResolve({ filter: /^ingest-src:/ }, (args) => ({ path: path.resolve('src', args.path.slice('ingest-src:'.length)) }));
    const applied = new Set();
    for (const p of PATCHES) {
      b.onLoad({ filter: p.file }, async (args) => {
        applied.add(p);
        return { contents: (await readFile(args.path, 'utf8')) + p.tail, loader: 'js', resolveDir: path.dirname(args.path) };
      });
    }
    b.onEnd(() => {
      if (applied.size !== PATCHES.length) throw new Error('kafkajs-hot-paths: a patched kafkajs file was not found (kafkajs upgraded?)');
    });
  },
};

const NODE_MAJOR = readFileSync(new URL('../../.node-version', import.meta.url), 'utf8').trim();
if (!/^[0-9]+$/.test(NODE_MAJOR)) throw new Error(`.node-version: must hold a Node.js major version, not "${NODE_MAJOR}"`);

const result = await build({
  entryPoints: ['src/main.ts'],
  outfile: 'dist/ingest.js',
  bundle: true,
  platform: 'node',
  target: `node${NODE_MAJOR}`,
  define: { __INGEST_NODE_MAJOR__: JSON.stringify(NODE_MAJOR) },
  format: 'cjs',
  sourcemap: 'linked',
  legalComments: 'linked',
  metafile: true,
  logLevel: 'warning',
  plugins: [kafkajsHotPaths],
});
const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
console.log(`dist/ingest.js built (${(bytes / 1024 / 1024).toFixed(1)} MiB with map and licenses)`);
