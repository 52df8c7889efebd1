import { gzipSync } from 'node:zlib';
import { AUTH, KEY, request, startTestServer, type TestServer } from './helpers';

let srv: TestServer;
beforeAll(async () => (srv = await startTestServer()));
afterAll(() => srv.close());
const before = () => srv.lines().length;

describe('writes answered 204 land in the JSONL sink', () => {
  test('v1 /write with db and precision', async () => {
    const n = before();
    const res = await request(srv.port, { path: '/write?db=telegraf&precision=s', headers: AUTH, body: 'cpu,host=a usage=1.5 1700000000\ncpu,host=b usage=2 1700000001\n' });
    expect(res.status).toBe(204);
    expect(res.body).toBe('');
    expect(srv.lines().slice(n)).toEqual([
      expect.objectContaining({ v: 1, m: 'cpu', t: { host: 'a' }, f: { usage: 1.5 }, ts: '1700000000000000000', db: 'telegraf' }),
      expect.objectContaining({ t: { host: 'b' }, ts: '1700000001000000000' }),
    ]);
  });

  test('v2 /api/v2/write with org, bucket, precision and Token auth (Telegraf influxdb_v2)', async () => {
    const n = before();
    const res = await request(srv.port, {
      path: '/api/v2/write?org=acme&bucket=metrics&precision=ms',
      headers: { ...AUTH, 'Content-Type': 'text/plain; charset=utf-8' },
      body: 'mem used=3i 1700000000123',
    });
    expect(res.status).toBe(204);
    expect(srv.lines().slice(n)).toEqual([expect.objectContaining({ m: 'mem', f: { used: { i: '3' } }, ts: '1700000000123000000', db: 'metrics' })]);
  });

  test('v1 credentials: u/p query parameters and Basic auth (Telegraf influxdb with password)', async () => {
    expect((await request(srv.port, { path: `/write?db=x&u=telegraf&p=${KEY}`, body: 'm f=1' })).status).toBe(204);
    const basic = `Basic ${Buffer.from(`telegraf:${KEY}`).toString('base64')}`;
    expect((await request(srv.port, { path: '/write?db=x', headers: { Authorization: basic }, body: 'm f=1' })).status).toBe(204);
  });

  test('gzip bodies are decompressed', async () => {
    const n = before();
    const res = await request(srv.port, { headers: { ...AUTH, 'Content-Encoding': 'gzip' }, body: gzipSync('gz f=1 1\ngz f=2 2') });
    expect(res.status).toBe(204);
    expect(srv.lines().slice(n).map((l) => l.ts)).toEqual(['1', '2']);
  });

  test('JSON on /api/v1/metrics', async () => {
    const n = before();
    const res = await request(srv.port, {
      path: '/api/v1/metrics?precision=ms&db=app',
      headers: { ...AUTH, 'Content-Type': 'application/json' },
      body: JSON.stringify({ points: [{ measurement: 'req', tags: { svc: 'api' }, fields: { n: { i: 5 } }, time: 1700000000000 }] }),
    });
    expect(res.status).toBe(204);
    expect(srv.lines().slice(n)).toEqual([expect.objectContaining({ m: 'req', t: { svc: 'api' }, f: { n: { i: '5' } }, ts: '1700000000000000000', db: 'app' })]);
  });

  test('empty body and comment-only body: 204, nothing written', async () => {
    const n = before();
    expect((await request(srv.port, { headers: AUTH, body: '' })).status).toBe(204);
    expect((await request(srv.port, { headers: AUTH, body: '# nothing\n' })).status).toBe(204);
    expect(srv.lines().length).toBe(n);
  });

  test('curl -d default content type is accepted for line protocol', async () => {
    const res = await request(srv.port, { headers: { ...AUTH, 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'm f=1' });
    expect(res.status).toBe(204);
  });

  test('/ping and CREATE DATABASE on /query keep InfluxDB clients happy', async () => {
    expect((await request(srv.port, { method: 'GET', path: '/ping' })).status).toBe(204);
    const q = await request(srv.port, { path: '/query?q=CREATE+DATABASE+%22telegraf%22', headers: AUTH });
    expect(q.status).toBe(200);
    expect(q.json()).toEqual({ results: [{ statement_id: 0 }] });
  });

  test('/health is 200 and /metrics counts accepted and rejected points', async () => {
    const health = await request(srv.port, { method: 'GET', path: '/health' });
    expect(health.status).toBe(200);
    expect(health.json()).toEqual({ status: 'ok' });
    await request(srv.port, { headers: AUTH, body: 'bad' });
    const metrics = await request(srv.port, { method: 'GET', path: '/metrics' });
    expect(metrics.status).toBe(200);
    expect(metrics.body).toMatch(/^ingest_points_accepted_total [1-9][0-9]*$/m);
    expect(metrics.body).toMatch(/^ingest_points_rejected_total\{reason="INGEST_ERR_LINE_PROTOCOL"\} 1$/m);
    expect(metrics.body).toMatch(/^ingest_requests_total\{route="write_v1",status="204"\} [1-9]/m);
  });
});
