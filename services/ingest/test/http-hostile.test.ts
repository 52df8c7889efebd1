/** Hostile clients: each gets its 4xx or a closed connection, and the server keeps serving. */
import { AUTH, rawExchange, request, startTestServer, type TestServer } from './helpers';

let srv: TestServer;
beforeAll(async () => (srv = await startTestServer({ INGEST_MAX_BODY_BYTES: String(1024 * 1024), INGEST_HEADERS_TIMEOUT_MS: '500', INGEST_REQUEST_TIMEOUT_MS: '1500' })));
afterAll(() => srv.close());

async function stillServing() {
  const res = await request(srv.port, { headers: AUTH, body: 'alive f=1' });
  expect(res.status).toBe(204);
}

test('slow-drip headers: the connection is answered 408 and closed after the headers timeout', async () => {
  const started = Date.now();
  const { data, closed } = await rawExchange(srv.port, (s) => {
    s.write('POST /write HTTP/1.1\r\nHost: x\r\n');
    const drip = setInterval(() => (s.writable ? s.write('X-Drip: 1\r\n') : clearInterval(drip)), 100);
    s.on('close', () => clearInterval(drip));
  }, 5000);
  expect(closed).toBe(true);
  expect(data).toMatch(/^HTTP\/1\.1 408 /);
  expect(Date.now() - started).toBeLessThan(4000);
  await stillServing();
});

test('slow-drip body: closed after the request timeout', async () => {
  const { data, closed } = await rawExchange(srv.port, (s) => {
    s.write(`POST /write HTTP/1.1\r\nHost: x\r\nAuthorization: ${AUTH.Authorization}\r\nContent-Length: 1000\r\n\r\n`);
    const drip = setInterval(() => (s.writable ? s.write('m') : clearInterval(drip)), 100);
    s.on('close', () => clearInterval(drip));
  }, 6000);
  expect(closed).toBe(true);
  expect(data).toMatch(/^HTTP\/1\.1 408 |^$/);
  await stillServing();
});

test('garbage instead of HTTP: 400 and closed', async () => {
  const { data, closed } = await rawExchange(srv.port, (s) => s.write('\x16\x03\x01 this is not http\r\n\r\n'), 3000);
  expect(closed).toBe(true);
  expect(data).toMatch(/^HTTP\/1\.1 400 /);
  await stillServing();
});

test('oversized headers: 431 and closed', async () => {
  const { data, closed } = await rawExchange(srv.port, (s) => s.write(`GET /health HTTP/1.1\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`), 3000);
  expect(closed).toBe(true);
  expect(data).toMatch(/^HTTP\/1\.1 431 /);
  await stillServing();
});

test('a huge single line (just under the limit) with a bad tail: 400 naming line 1', async () => {
  const fields = Array.from({ length: 60_000 }, (_, i) => `f${i}=${i}`).join(',');
  const body = `huge ${fields},bad=x`;
  expect(body.length).toBeLessThan(1024 * 1024);
  const res = await request(srv.port, { headers: AUTH, body });
  expect(res.status).toBe(400);
  expect(res.json()).toMatchObject({ code: 'INGEST_ERR_LINE_PROTOCOL', line: 1, field: 'field "bad"' });
  await stillServing();
});

test('a huge single valid line is accepted whole', async () => {
  const fields = Array.from({ length: 50_000 }, (_, i) => `f${i}=${i}i`).join(',');
  const res = await request(srv.port, { headers: AUTH, body: `wide ${fields} 1` });
  expect(res.status).toBe(204);
  const wide = srv.lines().find((l) => l.m === 'wide') as { f: Record<string, unknown> };
  expect(Object.keys(wide.f)).toHaveLength(50_000);
  expect(wide.f.f49999).toEqual({ i: '49999' });
});

test('deeply nested JSON: 400, server fine', async () => {
  const deep = '['.repeat(400_000) + ']'.repeat(400_000);
  const res = await request(srv.port, {
    path: '/api/v1/metrics',
    headers: { ...AUTH, 'Content-Type': 'application/json' },
    body: `{"points":[{"measurement":"m","fields":{"f":${deep}}}]}`,
  });
  expect(res.status).toBe(400);
  expect(res.json()).toMatchObject({ code: 'INGEST_ERR_JSON_POINT', point: 1, field: 'fields.f' });
  await stillServing();
});

test('oversized JSON: 413', async () => {
  const res = await request(srv.port, {
    path: '/api/v1/metrics',
    headers: { ...AUTH, 'Content-Type': 'application/json' },
    body: JSON.stringify({ points: Array.from({ length: 30_000 }, () => ({ measurement: 'm', fields: { f: 1 } })) }),
  });
  expect(res.status).toBe(413);
  expect(res.json()).toMatchObject({ code: 'INGEST_ERR_BODY_TOO_LARGE' });
  await stillServing();
});

test('a client that disconnects mid-body leaves nothing behind and the server serves on', async () => {
  const n = srv.lines().length;
  await rawExchange(srv.port, (s) => {
    s.write(`POST /write HTTP/1.1\r\nHost: x\r\nAuthorization: ${AUTH.Authorization}\r\nContent-Length: 100\r\n\r\nhalf f=1\n`);
    setTimeout(() => s.destroy(), 50);
  }, 1000);
  await stillServing();
  expect(srv.lines().slice(n).map((l) => l.m)).toEqual(['alive']);
});

test('many malformed requests in parallel, then a good one', async () => {
  const bad = await Promise.all(Array.from({ length: 50 }, (_, i) => request(srv.port, { headers: AUTH, body: `ok f=1\nbad${i} f=` })));
  expect(new Set(bad.map((r) => r.status))).toEqual(new Set([400]));
  await stillServing();
});
