/**
 * Token buckets per API key, one for requests and one for points. Each cluster worker holds its own
 * buckets with the key's per-instance rate divided by the worker count (connections spread over workers
 * by the kernel; the plan's headroom covers the unevenness), so no cross-process coordination sits on
 * the hot path.
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

/** Per-instance rates; each worker enforces `1 / workers` of them. */
export interface RateLimits {
  readonly requestsPerSecondPerInstance: number;
  readonly pointsPerSecondPerInstance: number;
}

/**
 * Buckets per key id. A key's grant may carry its own per-instance limits (key store, docs/ingest.md);
 * otherwise the defaults apply (INGEST_RATE_*, which the ingest stack sets from the plan). A grant whose
 * limits changed on a key reload gets fresh buckets at the new rate.
 */
export class KeyRateLimiter {
  private readonly buckets = new Map<string, { rps: number; pps: number; requests: TokenBucket; points: TokenBucket }>();

  constructor(private readonly defaults: RateLimits, private readonly workers = 1) {}

  private get(grant: KeyGrantLimits, now: number) {
    const rps = Math.max(1, (grant.requestsPerSecondPerInstance ?? this.defaults.requestsPerSecondPerInstance) / this.workers);
    const pps = Math.max(1, (grant.pointsPerSecondPerInstance ?? this.defaults.pointsPerSecondPerInstance) / this.workers);
    let b = this.buckets.get(grant.id);
    if (!b || b.rps !== rps || b.pps !== pps) {
      b = { rps, pps, requests: new TokenBucket(rps, rps, now), points: new TokenBucket(pps, pps, now) };
      this.buckets.set(grant.id, b);
    }
    return b;
  }

  /** 0 when admitted, else seconds to wait. */
  takeRequest(grant: KeyGrantLimits, now = performance.now()): number {
    return this.get(grant, now).requests.take(1, now);
  }

  takePoints(grant: KeyGrantLimits, n: number, now = performance.now()): number {
    return this.get(grant, now).points.take(n, now);
  }
}

/** The part of an API key's grant (api-keys.ts KeyGrant) the limiter reads. */
export interface KeyGrantLimits {
  readonly id: string;
  readonly requestsPerSecondPerInstance?: number;
  readonly pointsPerSecondPerInstance?: number;
}
