// Token-bucket rate limiting per key (a caller's token key, or the client address for requests that are not
// authenticated). Memory is bounded: at most `maxKeys` buckets; the least recently used ones are dropped first
// (a dropped bucket only means that key starts again with a full bucket).

export interface RateLimitOptions {
  /** Requests allowed in a burst. */
  burst: number;
  /** Requests per second refilled. */
  perSecond: number;
  /** Most keys tracked at once. */
  maxKeys?: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly maxKeys: number;

  constructor(
    private readonly opts: RateLimitOptions,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.maxKeys = opts.maxKeys ?? 10_000;
  }

  /** Take one request from `key`'s bucket: 0 when allowed, else the seconds to wait before the next one. */
  take(key: string): number {
    const t = this.now();
    let b = this.buckets.get(key);
    if (b) {
      this.buckets.delete(key); // re-inserted below: Map order is then least recently used first
      b.tokens = Math.min(this.opts.burst, b.tokens + ((t - b.at) / 1000) * this.opts.perSecond);
      b.at = t;
    } else {
      b = { tokens: this.opts.burst, at: t };
      while (this.buckets.size >= this.maxKeys) {
        const oldest = this.buckets.keys().next().value as string;
        this.buckets.delete(oldest);
      }
    }
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / this.opts.perSecond));
  }

  get size(): number {
    return this.buckets.size;
  }
}
