/**
 * Kafka sink with no broker listening (connection refused on a loopback port nothing binds): accepted
 * data goes to the spool (204 after fsync); when the spool is full, 503 with Retry-After and /health 503.
 */
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { parseSegment } from '../src/spool';
import { readFileSync } from 'node:fs';
import { AUTH, request, startTestServer, type TestServer } from './helpers';

let srv: TestServer;
beforeAll(async () => {
  srv = await startTestServer({ KAFKA_BROKERS: '127.0.0.1:1', KAFKA_SEND_TIMEOUT_MS: '500', INGEST_SPOOL_MAX_BYTES: String(1024 * 1024) });
});
afterAll(() => srv.close());

test('spool takes the writes, then refuses with 503 when full; /health follows', async () => {
  const line = (i: number) => `spooled,n=${i % 10} v=${i}i,pad="${'x'.repeat(200)}"`;
  const body = (r: number) => Array.from({ length: 400 }, (_, i) => line(r * 400 + i)).join('\n'); // ~100 KB
  expect((await request(srv.port, { method: 'GET', path: '/health' })).status).toBe(200);

  // Before the spool fills: still ready, but /health and /metrics say the sink spools and why.
  const spooling = await request(srv.port, { method: 'GET', path: '/health' });
  expect(spooling.status).toBe(200);
  expect(spooling.json()).toMatchObject({ status: 'spooling', reason: expect.stringMatching(/^Kafka at 127\.0\.0\.1:1 is not reachable .*ECONNREFUSED/) });
  const metrics = (await request(srv.port, { method: 'GET', path: '/metrics' })).body;
  expect(metrics).toMatch(/^ingest_sink_mode\{mode="spooling"\} 1$/m);
  expect(metrics).toMatch(/^ingest_sink_mode\{mode="direct"\} 0$/m);
  expect(metrics).toMatch(/^ingest_sink_spooling_reason\{reason="kafka-unreachable"\} 1$/m);
  expect(metrics).toMatch(/^ingest_kafka_up 0$/m);

  let accepted = 0;
  let refused;
  for (let r = 0; r < 30 && !refused; r++) {
    const res = await request(srv.port, { headers: AUTH, body: body(r) });
    if (res.status === 204) accepted++;
    else refused = res;
  }
  expect(accepted).toBeGreaterThanOrEqual(5);
  expect(refused?.status).toBe(503);
  expect(refused?.json()).toMatchObject({ code: 'INGEST_ERR_SPOOL_FULL' });
  expect(refused?.headers['retry-after']).toBe('5');

  const health = await request(srv.port, { method: 'GET', path: '/health' });
  expect(health.status).toBe(503);
  expect(health.json()).toEqual({ status: 'unavailable', reason: expect.stringMatching(/^the spool is full \(\d+ of 1048576 bytes\); Kafka at 127\.0\.0\.1:1 is not reachable/) });
  // Liveness is not readiness: the process answers, so it must not be replaced.
  const live = await request(srv.port, { method: 'GET', path: '/live' });
  expect(live.status).toBe(200);
  expect(live.json()).toEqual({ status: 'live' });

  // Every acknowledged point is in the spool, in order.
  const dir = path.join(srv.dir, 'spool', 'slot-0');
  const spooled = readdirSync(dir).filter((f) => f.endsWith('.spool')).sort()
    .flatMap((f) => parseSegment(readFileSync(path.join(dir, f))).toRecords())
    .map((r) => JSON.parse(r.value).f.v.i);
  expect(spooled).toEqual(Array.from({ length: accepted * 400 }, (_, i) => String(i)));
});
