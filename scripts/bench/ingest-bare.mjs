#!/usr/bin/env node
// The runtime's ceiling for `npm run bench:ingest`: node:http that only reads the body and answers 204
// (no auth, parsing or durability). `node ingest-bare.mjs PORT [WORKERS]`. It runs as many node:cluster
// workers as the ingest service (one per core by default), so the ratio ours/bare measures the cost of
// our request handling, not a difference in process count.
import cluster from 'node:cluster';
import * as http from 'node:http';
import * as os from 'node:os';

const port = Number(process.argv[2] ?? 18199);
const workers = Number(process.argv[3] ?? os.availableParallelism());
if (cluster.isPrimary && workers > 1) {
  for (let i = 0; i < workers; i++) cluster.fork();
  process.on('SIGTERM', () => { for (const w of Object.values(cluster.workers)) w.process.kill('SIGTERM'); process.exit(0); });
} else {
  http
    .createServer((req, res) => {
      req.on('data', () => undefined);
      req.on('end', () => {
        res.writeHead(204);
        res.end();
      });
    })
    .listen(port, '127.0.0.1');
}
