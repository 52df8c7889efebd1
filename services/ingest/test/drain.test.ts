import { AUTH, rawExchange, request, startTestServer } from './helpers';

test('drain: /health 503 at once, in-flight write still gets 204, then no new connections, file flushed', async () => {
  const srv = await startTestServer({ INGEST_DRAIN_DELAY_MS: '400' });
  expect((await request(srv.port, { method: 'GET', path: '/health' })).status).toBe(200);

  // A write whose body is still arriving when the drain starts.
  const inFlight = rawExchange(srv.port, (s) => {
    s.write(`POST /write HTTP/1.1\r\nHost: x\r\nAuthorization: ${AUTH.Authorization}\r\nContent-Length: 11\r\n\r\nlate `);
    setTimeout(() => s.write('f=42\n\n'), 200);
  }, 3000);
  await new Promise((r) => setTimeout(r, 50));
  const drained = srv.worker.drain();

  const health = await request(srv.port, { method: 'GET', path: '/health' });
  expect(health.status).toBe(503);
  expect(health.json()).toEqual({ status: 'draining' });
  expect(health.headers.connection).toBe('close');
  // Liveness stays 200 while draining: the instance is healthy, only leaving.
  const live = await request(srv.port, { method: 'GET', path: '/live' });
  expect(live.status).toBe(200);
  expect(live.json()).toEqual({ status: 'live' });

  const { data } = await inFlight;
  expect(data).toMatch(/^HTTP\/1\.1 204 /);
  expect(data).toMatch(/Connection: close/i);
  await drained;
  await expect(request(srv.port, { method: 'GET', path: '/health' })).rejects.toThrow(/ECONNREFUSED/);
  expect(srv.lines().map((l) => l.f)).toEqual([{ f: 42 }]);
  await srv.close();
});
