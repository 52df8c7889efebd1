import * as http from 'node:http';
import { gzipSync } from 'node:zlib';
import { AUTH, request, startTestServer, type TestServer } from './helpers';

let srv: TestServer;
beforeAll(async () => (srv = await startTestServer({ INGEST_MAX_BODY_BYTES: String(64 * 1024) })));
afterAll(() => srv.close());

async function expectError(res: Awaited<ReturnType<typeof request>>, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.json()).toMatchObject({ statusCode: status, code });
  return res.json();
}

describe('error answers carry the catalogue code', () => {
  test('401 without a key, with a wrong key, with an unknown scheme', async () => {
    for (const headers of [{}, { Authorization: 'Token wrong-key-0000' }, { Authorization: 'Digest x' }]) {
      const res = await request(srv.port, { headers, body: 'm f=1' });
      await expectError(res, 401, 'INGEST_ERR_UNAUTHORIZED');
      expect(res.headers['www-authenticate']).toMatch(/^Token/);
    }
  });

  test('a keep-alive connection that passed with one key is still refused another, wrong one', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const send = (authorization: string) =>
      new Promise<{ status: number; reused: boolean }>((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port: srv.port, method: 'POST', path: '/write', agent, headers: { Authorization: authorization } }, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode!, reused: req.reusedSocket }));
        });
        req.on('error', reject);
        req.end('m f=1');
      });
    try {
      expect(await send(AUTH.Authorization)).toEqual({ status: 204, reused: false });
      expect(await send(AUTH.Authorization)).toEqual({ status: 204, reused: true });
      expect(await send('Token wrong-key-0000')).toEqual({ status: 401, reused: true });
    } finally {
      agent.destroy();
    }
  });

  test('400 names the first bad line and field, and nothing of the request is stored', async () => {
    const n = srv.lines().length;
    const res = await request(srv.port, { headers: AUTH, body: 'ok f=1\nok f=2\ncpu,host=a usage=oops\nok f=3' });
    expect(await expectError(res, 400, 'INGEST_ERR_LINE_PROTOCOL')).toEqual({
      statusCode: 400,
      code: 'INGEST_ERR_LINE_PROTOCOL',
      message: 'line 3, column 18: field "usage": invalid field value "oops"',
      line: 3,
      column: 18,
      field: 'field "usage"',
    });
    expect(srv.lines().length).toBe(n);
  });

  test('400 for a bad JSON point names the point and field', async () => {
    const res = await request(srv.port, {
      path: '/api/v1/metrics',
      headers: { ...AUTH, 'Content-Type': 'application/json' },
      body: JSON.stringify({ points: [{ measurement: 'm', fields: { f: 1 } }, { measurement: 'm', fields: { f: null } }] }),
    });
    expect(await expectError(res, 400, 'INGEST_ERR_JSON_POINT')).toMatchObject({ point: 2, field: 'fields.f' });
  });

  test('400 for an unknown precision', async () => {
    const res = await request(srv.port, { path: '/write?precision=fortnight', headers: AUTH, body: 'm f=1' });
    expect((await expectError(res, 400, 'INGEST_ERR_INVALID_PRECISION')).message).toMatch(/fortnight/);
  });

  test('404 and 405', async () => {
    await expectError(await request(srv.port, { path: '/nope', headers: AUTH, body: '' }), 404, 'INGEST_ERR_NOT_FOUND');
    await expectError(await request(srv.port, { method: 'GET', path: '/write', headers: AUTH }), 405, 'INGEST_ERR_METHOD_NOT_ALLOWED');
  });

  test('415 for a wrong content type on either format, and for an unknown encoding', async () => {
    const json = await request(srv.port, { path: '/api/v1/metrics', headers: { ...AUTH, 'Content-Type': 'text/plain' }, body: '{}' });
    expect((await expectError(json, 415, 'INGEST_ERR_UNSUPPORTED_MEDIA_TYPE')).message).toMatch(/expected application\/json/);
    const lp = await request(srv.port, { headers: { ...AUTH, 'Content-Type': 'application/json' }, body: 'm f=1' });
    await expectError(lp, 415, 'INGEST_ERR_UNSUPPORTED_MEDIA_TYPE');
    const enc = await request(srv.port, { headers: { ...AUTH, 'Content-Encoding': 'br' }, body: 'm f=1' });
    await expectError(enc, 415, 'INGEST_ERR_UNSUPPORTED_ENCODING');
  });

  test('400 for a body that claims gzip but is not', async () => {
    const res = await request(srv.port, { headers: { ...AUTH, 'Content-Encoding': 'gzip' }, body: 'm f=1' });
    await expectError(res, 400, 'INGEST_ERR_BAD_GZIP');
  });

  test('413 over the body limit, by Content-Length, before the body is read', async () => {
    const res = await request(srv.port, { headers: { ...AUTH, 'Content-Length': String(64 * 1024 + 1) }, body: 'x'.repeat(64 * 1024 + 1) });
    await expectError(res, 413, 'INGEST_ERR_BODY_TOO_LARGE');
    expect(res.headers.connection).toBe('close');
  });

  test('413 over the limit when chunked (no Content-Length)', async () => {
    const res = await request(srv.port, { headers: { ...AUTH, 'Transfer-Encoding': 'chunked' }, body: 'm f=1\n'.repeat(20_000) });
    await expectError(res, 413, 'INGEST_ERR_BODY_TOO_LARGE');
  });

  test('413 for a gzip bomb: 64 KiB limit, 50 MiB inflated, small on the wire', async () => {
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024, 'a'), { level: 9 });
    expect(bomb.length).toBeLessThan(64 * 1024);
    const res = await request(srv.port, { headers: { ...AUTH, 'Content-Encoding': 'gzip' }, body: bomb });
    expect((await expectError(res, 413, 'INGEST_ERR_BODY_TOO_LARGE')).message).toMatch(/Decompressed body exceeds/);
  });

  test('400 for invalid UTF-8 naming the line', async () => {
    const body = Buffer.concat([Buffer.from('m f=1\nm s="ok"\nm s="'), Buffer.from([0xc3, 0x28]), Buffer.from('"\n')]);
    const res = await request(srv.port, { headers: AUTH, body });
    expect(await expectError(res, 400, 'INGEST_ERR_INVALID_UTF8')).toMatchObject({ line: 3 });
  });

  test('400 for a JSON body that is not JSON', async () => {
    const res = await request(srv.port, { path: '/api/v1/metrics', headers: { ...AUTH, 'Content-Type': 'application/json' }, body: '{"points": [' });
    await expectError(res, 400, 'INGEST_ERR_INVALID_JSON');
  });
});

describe('rate limits per key', () => {
  let limited: TestServer;
  beforeAll(async () => (limited = await startTestServer({ INGEST_RATE_REQUESTS_PER_SEC: '3', INGEST_RATE_POINTS_PER_SEC: '10' })));
  afterAll(() => limited.close());

  test('429 with Retry-After over the request rate', async () => {
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 5; i++) {
      last = await request(limited.port, { headers: AUTH, body: '' });
      statuses.push(last.status);
    }
    expect(statuses.slice(0, 3)).toEqual([204, 204, 204]);
    expect(statuses[4]).toBe(429);
    expect(last!.json()).toMatchObject({ code: 'INGEST_ERR_REQUEST_RATE' });
    expect(Number(last!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });

  test('429 with Retry-After over the point rate, nothing stored', async () => {
    await new Promise((r) => setTimeout(r, 1100)); // refill the request bucket
    const n = limited.lines().length;
    const ok = await request(limited.port, { headers: AUTH, body: 'm f=1\n'.repeat(10) });
    expect(ok.status).toBe(204);
    const res = await request(limited.port, { headers: AUTH, body: 'm f=1\n'.repeat(5) });
    expect(res.status).toBe(429);
    expect(res.json()).toMatchObject({ code: 'INGEST_ERR_POINT_RATE' });
    expect(res.headers['retry-after']).toBe('1');
    expect(limited.lines().length).toBe(n + 10);
  });
});
