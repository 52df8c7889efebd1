#!/usr/bin/env node
// The runtime's ceilings for `npm run bench:ingest`: node:http that only reads the body and answers 204
// (no auth, parsing or durability). `node ingest-bare.mjs PORT [WORKERS] [PARSER_BUNDLE]`. It runs as many
// node:cluster workers as the ingest service (one per core by default), so the ratio ours/bare measures
// the cost of our request handling, not a difference in process count. With PARSER_BUNDLE (the ingest
// service's line-protocol parser bundled on its own, see ingest.sh) it also gunzips (Content-Encoding: gzip), checks and parses every body
// into the service's record bytes and drops them: the ceiling of HTTP plus parsing, before auth and any sink.
import { isUtf8 } from 'node:buffer';
import cluster from 'node:cluster';
import { createRequire } from 'node:module';
import * as http from 'node:http';
import * as os from 'node:os';
import { gunzipSync } from 'node:zlib';

const port = Number(process.argv[2] ?? 18199);
const workers = Number(process.argv[3] ?? os.availableParallelism());
const parserBundle = process.argv[4];
if (cluster.isPrimary && workers > 1) {
  for (let i = 0; i < workers; i++) cluster.fork();
  process.on('SIGTERM', () => { for (const w of Object.values(cluster.workers)) w.process.kill('SIGTERM'); process.exit(0); });
} else {
  const lp = parserBundle ? createRequire(import.meta.url)(parserBundle) : undefined;
  http
    .createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => { if (lp) chunks.push(c); });
      req.on('end', () => {
        if (lp) {
          const raw = Buffer.concat(chunks);
          const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
          // As the service: a native UTF-8 check, then the parser writes the record bytes into one batch.
          if (isUtf8(body)) lp.parseLineProtocol(body, lp.requestContext('ns', 'bench'));
        }
        res.writeHead(204);
        res.end();
      });
    })
    .listen(port, '127.0.0.1');
}
