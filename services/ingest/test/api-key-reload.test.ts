/**
 * The key store changes under a running worker: a key file rewritten with a new key, a revoked key and
 * a changed limit takes effect at the next poll without a restart, also on a keep-alive connection that
 * had already been verified; a broken rewrite keeps the current keys.
 */
import { writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { startTestServer, type TestServer } from './helpers';

let srv: TestServer;
let file: string;
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function write(key: string, keepAlive = false): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: srv.port, method: 'POST', path: '/write?db=t', headers: { Authorization: `Token ${key}` }, agent: keepAlive ? agent : false },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
      },
    );
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error('request timed out')));
    req.end('reload v=1i');
  });
}

async function eventually(what: string, cond: () => Promise<boolean>) {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const keysFile = (keys: unknown[]) => writeFileSync(file, JSON.stringify({ keys }, null, 2));

beforeAll(async () => {
  const dir = path.join(require('node:os').tmpdir(), `keys-${process.pid}-${Date.now()}`);
  require('node:fs').mkdirSync(dir);
  file = path.join(dir, 'keys.json');
  keysFile([
    { id: 'tenant-a', key: 'key-tenant-a-0001' },
    { id: 'small', key: 'key-small-0001', requestsPerSecondPerInstance: 3 },
  ]);
  srv = await startTestServer({ INGEST_API_KEYS: '', INGEST_API_KEYS_FILE: file, INGEST_API_KEYS_RELOAD_MS: '100' });
});

afterAll(async () => {
  agent.destroy();
  await srv.close();
});

test('new keys, revocations and changed limits apply at the next poll; a broken file keeps the current keys', async () => {
  expect(await write('key-tenant-a-0001', true)).toBe(204);
  expect(await write('key-tenant-b-0001')).toBe(401);
  // Its own limit: 3 requests/s on this one-worker instance, burst one second.
  expect([await write('key-small-0001'), await write('key-small-0001'), await write('key-small-0001'), await write('key-small-0001')]).toEqual([204, 204, 204, 429]);

  keysFile([
    { id: 'tenant-a', key: 'key-tenant-a-0001', revoked: true },
    { id: 'tenant-b', key: 'key-tenant-b-0001' },
    { id: 'small', key: 'key-small-0001', requestsPerSecondPerInstance: 50 },
  ]);
  await eventually('the new key', async () => (await write('key-tenant-b-0001')) === 204);
  // Revoked, even on the keep-alive connection whose Authorization header had been verified.
  expect(await write('key-tenant-a-0001', true)).toBe(401);
  const small = [];
  for (let i = 0; i < 10; i++) small.push(await write('key-small-0001'));
  expect(small).toEqual(Array(10).fill(204));

  writeFileSync(file, '{"keys": [ {"id": "tenant-b", "key": ');
  await eventually('a failed reload', async () => /ingest_api_key_reloads_total\{result="failed"\} [1-9]/.test(await srv.worker.metrics.registry.metrics()));
  expect(await write('key-tenant-b-0001')).toBe(204);
  expect(await write('key-tenant-a-0001')).toBe(401);
  expect(await srv.worker.metrics.registry.metrics()).toMatch(/ingest_api_keys 2\n/);
});
