// Baseline for the load tool: a bare node:http server that only reads the body and answers 204 (no
// parsing, no durability). `node bench/bare-server.mjs [port]`; compare `npm run loadtest` against it.
import * as http from 'node:http';

const port = Number(process.argv[2] ?? 18199);
http
  .createServer((req, res) => {
    req.on('data', () => undefined);
    req.on('end', () => {
      res.writeHead(204);
      res.end();
    });
  })
  .listen(port, '127.0.0.1', () => console.log(`bare server on 127.0.0.1:${port}`));
