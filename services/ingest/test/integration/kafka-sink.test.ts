/**
 * The Kafka sink against the real local broker, in both record formats: points intact and in order per
 * series; Kafka stopped mid-load → 204s continue into the spool; restarted → every accepted point
 * reaches the topic as sent.
 */
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { AUTH, request, startTestServer, type TestServer } from '../helpers';
import { partitionFor } from '../../src/partitioner';
import { BROKER, createTopic, ensureKafka, kafkaStart, kafkaStop, pointsOf, readTopic, type ConsumedPoint } from './kafka-helpers';

beforeAll(() => ensureKafka(), 300_000);

const uniq = () => `it-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;

function line(series: number, seq: number): string {
  return `load,series=s${series},host=h${series % 7} seq=${seq}i,val=${seq * 0.5},s="x ${seq}" ${1_700_000_000_000_000_000n + BigInt(seq)}`;
}

/** The value the service must produce for line(series, seq), with the rcv it chose. */
function expectedValue(series: number, seq: number, rcv: number): string {
  return `{"v":1,"m":"load","t":{"host":"h${series % 7}","series":"s${series}"},"f":{"seq":{"i":"${seq}"},"val":${seq * 0.5},"s":"x ${seq}"},"ts":"${1_700_000_000_000_000_000n + BigInt(seq)}","rcv":${rcv},"db":"it"}`;
}

const PARTITIONS = 3;

/**
 * Checks every acknowledged point is in the topic exactly as sent, in the expected format, each series in
 * acceptance order within every partition (one worker, one send at a time: a partition holds the worker's
 * sends in order); with KAFKA_PARTITIONER=series also in its series' partition.
 */
function verify(points: ConsumedPoint[], acked: Map<number, number[]>, format = 'point-json-lines-v1', partitioner = 'sticky') {
  const bySeries = new Map<string, Array<{ seq: number; partition: number }>>();
  for (const p of points) {
    expect(p.format).toBe(format);
    const v = JSON.parse(p.value);
    const series = Number(v.t.series.slice(1));
    const seq = Number(v.f.seq.i);
    const key = `load,host=h${series % 7},series=s${series}`;
    if (format === 'point-json-v1') expect(p.key).toBe(key); // lines records carry no key: the partition says it
    if (partitioner === 'series') expect(p.partition).toBe(partitionFor(key, PARTITIONS));
    expect(p.value).toBe(expectedValue(series, seq, v.rcv));
    const list = bySeries.get(key) ?? [];
    list.push({ seq, partition: p.partition });
    bySeries.set(key, list);
  }
  let duplicates = 0;
  for (const [series, seqs] of acked) {
    const got = bySeries.get(`load,host=h${series % 7},series=s${series}`) ?? [];
    if (partitioner === 'series') expect(new Set(got.map((g) => g.partition)).size).toBeLessThanOrEqual(1); // one series, one partition
    // At-least-once: a send that timed out may be replayed, so a seq may repeat, but never go backwards
    // within a partition past what was already delivered there, and every acknowledged seq is there.
    const seen = new Set<number>();
    const max = new Map<number, number>();
    for (const g of got) {
      if (seen.has(g.seq)) duplicates++;
      else expect(g.seq).toBeGreaterThan(max.get(g.partition) ?? -1);
      seen.add(g.seq);
      max.set(g.partition, Math.max(max.get(g.partition) ?? -1, g.seq));
    }
    for (const s of seqs) expect(seen.has(s)).toBe(true);
  }
  return duplicates;
}

async function withServer(topic: string, env: Record<string, string>, fn: (srv: TestServer) => Promise<void>) {
  const srv = await startTestServer({ KAFKA_BROKERS: BROKER, KAFKA_TOPIC: topic, KAFKA_SEND_TIMEOUT_MS: '3000', ...env });
  try {
    await fn(srv);
  } finally {
    await srv.close();
  }
}

/**
 * Writers, one per series, each sending its points in sequence (so acceptance order per series is defined);
 * with intervalMs each writer starts a request every intervalMs (staggered over the writers), as agents
 * on a timer do, instead of back to back.
 */
async function load(srv: TestServer, opts: { series: number; perRequest: number; until: () => boolean; maxRequests: number; intervalMs?: number }) {
  const acked = new Map<number, number[]>();
  const statuses = new Map<number, number>();
  let requests = 0;
  await Promise.all(
    Array.from({ length: opts.series }, async (_, series) => {
      let seq = 0;
      acked.set(series, []);
      const t0 = performance.now() + (series * (opts.intervalMs ?? 0)) / opts.series;
      for (let k = 0; !opts.until() && requests < opts.maxRequests; k++) {
        if (opts.intervalMs) await new Promise((r) => setTimeout(r, Math.max(0, t0 + k * opts.intervalMs! - performance.now())));
        requests++;
        const seqs = Array.from({ length: opts.perRequest }, () => seq++);
        const res = await request(srv.port, { path: '/write?db=it', headers: AUTH, body: seqs.map((s) => line(series, s)).join('\n') });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status === 204) acked.get(series)!.push(...seqs);
      }
    }),
  );
  return { acked, statuses, requests };
}

test.each([
  ['point-json-lines-v1', 'sticky'],
  ['point-json-v1', 'sticky'],
  ['point-json-lines-v1', 'series'],
  ['point-json-v1', 'series'],
])('%s, KAFKA_PARTITIONER=%s: points arrive intact, in order per series within each partition', async (format, partitioner) => {
  const topic = uniq();
  await createTopic(topic, PARTITIONS);
  await withServer(topic, { KAFKA_RECORD_FORMAT: format, KAFKA_PARTITIONER: partitioner }, async (srv) => {
    const deadline = Date.now() + 20_000;
    let n = 0;
    const { acked, statuses } = await load(srv, { series: 12, perRequest: 10, until: () => ++n > 600 || Date.now() > deadline, maxRequests: 600 });
    expect([...statuses.keys()]).toEqual([204]);
    const records = await readTopic(topic);
    const points = pointsOf(records);
    expect(points).toHaveLength([...acked.values()].reduce((a, s) => a + s.length, 0));
    expect(verify(points, acked, format, partitioner)).toBe(0);
    // Packed: far fewer records than points (12 writers share each send); per point: one each.
    if (format === 'point-json-lines-v1') expect(records.length).toBeLessThan(points.length / 5);
    else expect(records.length).toBe(points.length);
  });
});

/**
 * Prod's shape (docs/benchmarks.md, "Kafka bytes per point at the production shape"): one point per
 * request from many clients, the plan's 12 partitions. Each send must make one well-filled record batch:
 * all of it in one partition, the partitions in turn, and the linger applied before every send (not only
 * when none is in flight), so a batch holds about KAFKA_LINGER_MS worth of points, not one or two.
 */
test('one point per request over 12 partitions: each send is one full record in the next partition', async () => {
  const topic = uniq();
  const partitions = 12;
  await createTopic(topic, partitions);
  await withServer(topic, {}, async (srv) => {
    // 40 agents, one point per request each, every 80 ms: 500 points/s, whatever the sends take (an
    // answer takes ~linger + send, well under 80 ms). A send that followed its predecessor at once
    // would carry what arrived during one local send (a few ms): one or two points.
    const deadline = Date.now() + 4000;
    const { acked, statuses } = await load(srv, { series: 40, perRequest: 1, intervalMs: 80, until: () => Date.now() > deadline, maxRequests: 20_000 });
    expect([...statuses.keys()]).toEqual([204]);
    const records = await readTopic(topic);
    const points = pointsOf(records);
    const ackedCount = [...acked.values()].reduce((a, s) => a + s.length, 0);
    expect(points).toHaveLength(ackedCount);
    expect(verify(points, acked)).toBe(0);
    // Before: one send every few ms spread over 12 partitions, ~1 point per record. Now a send lingers
    // KAFKA_LINGER_MS (30 ms: ~15 points here) and goes to one partition: one record per send.
    const perRecord = points.length / records.length;
    console.log(`production shape: ${points.length} points in ${records.length} records (${perRecord.toFixed(1)} per record)`);
    expect(perRecord).toBeGreaterThanOrEqual(6);
    // Round the partitions in turn: record counts per partition differ by at most one.
    const counts = Array.from({ length: partitions }, (_, p) => records.filter((r) => r.partition === p).length);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
  });
});

test('Kafka stopped mid-load: 204s continue into the spool; restarted: every accepted point reaches the topic', async () => {
  const topic = uniq();
  await createTopic(topic, PARTITIONS);
  // The per-key limit is not under test: the load's bursts (and retries after the outage) would meet it.
  await withServer(topic, { INGEST_RATE_REQUESTS_PER_SEC: '1000000', INGEST_RATE_POINTS_PER_SEC: '10000000' }, async (srv) => {
    let stop = false;
    const started = Date.now();
    const running = load(srv, { series: 6, perRequest: 10, until: () => stop || Date.now() - started > 90_000, maxRequests: 50_000 });
    const spoolDir = path.join(srv.dir, 'spool', 'slot-0');
    const spoolBytes = () => readdirSync(spoolDir).filter((f) => f.endsWith('.spool')).length;
    try {
      await new Promise((r) => setTimeout(r, 1000));
      await kafkaStop();
      await new Promise((r) => setTimeout(r, 4000));
      expect(spoolBytes()).toBeGreaterThan(0);
      const metrics = (await request(srv.port, { method: 'GET', path: '/metrics' })).body;
      expect(metrics).toMatch(/^ingest_kafka_up 0$/m);
      expect(Number(/^ingest_spool_bytes (\d+)$/m.exec(metrics)![1])).toBeGreaterThan(0);
      expect((await request(srv.port, { method: 'GET', path: '/health' })).status).toBe(200); // the spool can take data
    } finally {
      await kafkaStart();
    }
    // Under continued load the replay catches up and the sink returns to direct sends (bounded wait).
    const deadline = Date.now() + 60_000;
    let up = false;
    while (Date.now() < deadline && !(up = /^ingest_kafka_up 1$/m.test((await request(srv.port, { method: 'GET', path: '/metrics' })).body))) {
      await new Promise((r) => setTimeout(r, 250));
    }
    const loadStillRunning = !stop && Date.now() - started < 90_000;
    const upAfter = Date.now() - started;
    await new Promise((r) => setTimeout(r, 1000)); // and keeps taking direct writes for a while
    stop = true;
    const { acked, statuses } = await running;
    expect(up).toBe(true);
    expect(loadStillRunning).toBe(true);
    expect([...statuses.keys()]).toEqual([204]); // no request failed during the outage
    expect(spoolBytes()).toBe(0);
    const points = pointsOf(await readTopic(topic));
    const ackedCount = [...acked.values()].reduce((a, s) => a + s.length, 0);
    const duplicates = verify(points, acked);
    expect(points.length).toBe(ackedCount + duplicates);
    console.log(`outage test: direct sends again ${upAfter} ms after load start; ${ackedCount} points acknowledged, ${points.length} points in Kafka, ${duplicates} duplicates`);
  });
});
