import { KeyRateLimiter, TokenBucket } from '../src/rate-limit';

describe('TokenBucket', () => {
  test('allows a full burst, then refuses with the wait until one token is back', () => {
    const b = new TokenBucket(10, 10, 0);
    for (let i = 0; i < 10; i++) expect(b.take(1, 0)).toBe(0);
    expect(b.take(1, 0)).toBeCloseTo(0.1);
  });

  test('refills at the rate, capped at the burst', () => {
    const b = new TokenBucket(10, 10, 0);
    for (let i = 0; i < 10; i++) b.take(1, 0);
    expect(b.take(1, 50)).toBeCloseTo(0.05); // half a token after 50 ms
    expect(b.take(1, 100)).toBe(0); // one token after 100 ms
    expect(b.take(5, 10_000)).toBe(0); // long idle: back to a full burst, not more
    expect(b.take(6, 10_000)).toBeCloseTo(0.1); // 5 left: the request for 6 waits for one more token
  });

  test('a refused take costs nothing', () => {
    const b = new TokenBucket(1, 1, 0);
    expect(b.take(1, 0)).toBe(0);
    expect(b.take(1, 500)).toBeCloseTo(0.5);
    expect(b.take(1, 1000)).toBe(0);
  });

  test('a request larger than the burst passes when the bucket is full and drives it negative', () => {
    const b = new TokenBucket(100, 100, 0);
    expect(b.take(250, 0)).toBe(0);
    expect(b.take(1, 0)).toBeCloseTo(1.51); // 150 tokens of debt + 1, at 100/s
    expect(b.take(1, 1500)).toBeGreaterThan(0);
    expect(b.take(1, 1510)).toBe(0);
  });
});

describe('KeyRateLimiter', () => {
  const defaults = { requestsPerSecondPerInstance: 2, pointsPerSecondPerInstance: 100 };

  test('keys have separate request and point buckets', () => {
    const l = new KeyRateLimiter(defaults);
    expect(l.takeRequest({ id: 'a' }, 0)).toBe(0);
    expect(l.takeRequest({ id: 'a' }, 0)).toBe(0);
    expect(l.takeRequest({ id: 'a' }, 0)).toBeGreaterThan(0);
    expect(l.takeRequest({ id: 'b' }, 0)).toBe(0);
    expect(l.takePoints({ id: 'a' }, 100, 0)).toBe(0);
    expect(l.takePoints({ id: 'a' }, 1, 0)).toBeCloseTo(0.01);
    expect(l.takePoints({ id: 'b' }, 100, 0)).toBe(0);
  });

  test('a key with its own limits gets them; the rest get the defaults; each worker enforces its share', () => {
    const l = new KeyRateLimiter({ requestsPerSecondPerInstance: 40, pointsPerSecondPerInstance: 1000 }, 4);
    const admitted = (grant: { id: string; requestsPerSecondPerInstance?: number }) => {
      let n = 0;
      while (l.takeRequest(grant, 0) === 0 && n < 1000) n++;
      return n;
    };
    expect(admitted({ id: 'default' })).toBe(10); // 40 per instance / 4 workers, burst one second
    expect(admitted({ id: 'big', requestsPerSecondPerInstance: 400 })).toBe(100);
    expect(l.takePoints({ id: 'big-points', pointsPerSecondPerInstance: 8000 }, 2000, 0)).toBe(0);
    expect(l.takePoints({ id: 'big-points', pointsPerSecondPerInstance: 8000 }, 1, 0)).toBeGreaterThan(0);
  });

  test('changed limits for a key (a key reload) take effect at once', () => {
    const l = new KeyRateLimiter(defaults);
    expect(l.takeRequest({ id: 'k', requestsPerSecondPerInstance: 1 }, 0)).toBe(0);
    expect(l.takeRequest({ id: 'k', requestsPerSecondPerInstance: 1 }, 0)).toBeGreaterThan(0);
    expect(l.takeRequest({ id: 'k', requestsPerSecondPerInstance: 5 }, 0)).toBe(0);
  });
});
