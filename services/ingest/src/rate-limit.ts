/**
 * Token buckets per API key, one for requests and one for points. Each cluster worker holds its own
 * buckets with the configured per-instance rate divided by the worker count (connections spread
 * evenly over workers), so no cross-process coordination sits on the hot path.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  /** rate: tokens per second; burst: bucket size (default one second's worth). */
  constructor(private readonly rate: number, private readonly burst = rate, now = performance.now()) {
    this.tokens = burst;
    this.last = now;
  }

  /**
   * Takes `n` tokens if available. Returns 0 on success, otherwise the seconds until `n` tokens will be
   * there (for Retry-After); nothing is taken then. A request larger than the burst is admitted when
   * the bucket is full (and drives it negative), so one big batch is never refused forever.
   */
  take(n: number, now = performance.now()): number {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    if (this.tokens >= n || this.tokens >= this.burst) {
      this.tokens -= n;
      return 0;
    }
    return (Math.min(n, this.burst) - this.tokens) / this.rate;
  }
}

export class KeyRateLimiter {
  private readonly buckets = new Map<string, { requests: TokenBucket; points: TokenBucket }>();

  constructor(private readonly requestsPerSecond: number, private readonly pointsPerSecond: number) {}

  private get(key: string, now: number) {
    let b = this.buckets.get(key);
    if (!b) {
      b = { requests: new TokenBucket(this.requestsPerSecond, this.requestsPerSecond, now), points: new TokenBucket(this.pointsPerSecond, this.pointsPerSecond, now) };
      this.buckets.set(key, b);
    }
    return b;
  }

  /** 0 when admitted, else seconds to wait. */
  takeRequest(key: string, now = performance.now()): number {
    return this.get(key, now).requests.take(1, now);
  }

  takePoints(key: string, n: number, now = performance.now()): number {
    return this.get(key, now).points.take(n, now);
  }
}
