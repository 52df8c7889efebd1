import { AggregatorRegistry } from 'prom-client';
import { bucketQuantile, Metrics, P99_SUB_WINDOW_MS, P99_WINDOW_MS } from '../src/metrics';

const P99 = 'ingest_request_duration_p99_seconds';

async function p99(m: Metrics): Promise<Record<string, number>> {
  const json = (await m.registry.getMetricsAsJSON()).find((x) => x.name === P99)!;
  return Object.fromEntries(json.values.map((v) => [String(v.labels.route), v.value]));
}

function observe(m: Metrics, route: string, seconds: number, times: number): void {
  for (let i = 0; i < times; i++) m.requestSeconds.labels(route).observe(seconds);
}

describe('bucketQuantile (histogram_quantile)', () => {
  test('interpolates linearly inside the bucket holding the rank, from 0 in the first bucket', () => {
    // buckets 1, 2, 4 (+Inf): 10 in (0,1], 10 in (1,2]
    expect(bucketQuantile(0.5, [1, 2, 4], [10, 20, 20], 20)).toBeCloseTo(1);
    expect(bucketQuantile(0.75, [1, 2, 4], [10, 20, 20], 20)).toBeCloseTo(1.5);
    expect(bucketQuantile(0.25, [1, 2, 4], [10, 20, 20], 20)).toBeCloseTo(0.5);
  });
  test('a rank in the +Inf bucket gives the highest finite bound; no observations give nothing', () => {
    expect(bucketQuantile(0.99, [1, 2, 4], [0, 0, 1], 10)).toBe(4);
    expect(bucketQuantile(0.99, [1, 2, 4], [0, 0, 0], 0)).toBeUndefined();
  });
});

describe(`${P99} gauge`, () => {
  test('the p99 of the recent requests per route, from the histogram bucket counts', async () => {
    let now = 1_000_000;
    const m = new Metrics(() => now);
    observe(m, '/api/v2/write', 0.002, 100); // (0, 0.001] no; (0.001, 0.0025]
    observe(m, '/api/v2/write', 0.3, 100); // (0.25, 0.5]
    observe(m, '/write', 0.02, 10); // (0.01, 0.025]
    const first = await p99(m);
    // rank 198 of 200: 98 of the 100 in (0.25, 0.5]
    expect(first['/api/v2/write']).toBeCloseTo(0.25 + 0.25 * (98 / 100), 10);
    // rank 9.9 of 10 in (0.01, 0.025]
    expect(first['/write']).toBeCloseTo(0.01 + 0.015 * 0.99, 10);
  });

  test('slides: requests older than the window no longer count, and an idle route has no value', async () => {
    let now = 1_000_000;
    const m = new Metrics(() => now);
    observe(m, '/api/v2/write', 0.3, 100);
    observe(m, '/write', 0.3, 10);
    await p99(m); // the first snapshot, at 1_000_000: includes the slow requests
    for (let t = P99_SUB_WINDOW_MS; t <= P99_WINDOW_MS + P99_SUB_WINDOW_MS; t += P99_SUB_WINDOW_MS) {
      now = 1_000_000 + t;
      if (t === P99_WINDOW_MS) observe(m, '/api/v2/write', 0.002, 50);
      await p99(m);
    }
    // Only the 50 fast ones are within the window now: rank 49.5 of 50 in (0.001, 0.0025].
    now += 1;
    const late = await p99(m);
    expect(late['/api/v2/write']).toBeCloseTo(0.001 + 0.0015 * (49.5 / 50), 10);
    expect(late['/write']).toBeUndefined();
  });

  test('aggregated over cluster workers as the maximum of their p99s', async () => {
    const a = new Metrics();
    const b = new Metrics();
    observe(a, '/write', 0.002, 100);
    observe(b, '/write', 0.3, 100);
    const agg = AggregatorRegistry.aggregate([await a.registry.getMetricsAsJSON(), await b.registry.getMetricsAsJSON()]);
    const json = (await agg.getMetricsAsJSON()).find((x) => x.name === P99)!;
    expect(json.values).toEqual([expect.objectContaining({ labels: { route: '/write' }, value: expect.closeTo(0.25 + 0.25 * 0.99, 10) })]);
  });
});
