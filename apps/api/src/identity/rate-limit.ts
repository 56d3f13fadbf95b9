// Token buckets for the certify endpoint: one per client IP and one global, so a storm from one client (or many)
// is answered 429 without starving the rest. Pure given `now`.

export interface BucketOptions {
  /** Requests allowed at once. */
  readonly burst: number;
  /** Tokens added per second. */
  readonly perSecond: number;
}

export interface TokenBucket {
  /** Takes one token if there is one. */
  take(nowMs: number): boolean;
  /** Whether the bucket is back to full (so it can be forgotten). */
  full(nowMs: number): boolean;
  /** Milliseconds until one token is available (0 if now). */
  waitMs(nowMs: number): number;
}

export function createTokenBucket({ burst, perSecond }: BucketOptions, startMs: number): TokenBucket {
  let tokens = burst;
  let at = startMs;
  const refill = (nowMs: number) => {
    if (nowMs > at) tokens = Math.min(burst, tokens + ((nowMs - at) / 1000) * perSecond);
    at = Math.max(at, nowMs);
  };
  return {
    take(nowMs) {
      refill(nowMs);
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
    full(nowMs) {
      refill(nowMs);
      return tokens >= burst;
    },
    waitMs(nowMs) {
      refill(nowMs);
      return tokens >= 1 ? 0 : Math.ceil(((1 - tokens) / perSecond) * 1000);
    },
  };
}

export interface RateLimiterOptions {
  readonly perClient: BucketOptions;
  readonly global: BucketOptions;
  /** Client buckets kept at most; full ones are dropped first, then the oldest. */
  readonly maxClients?: number;
  readonly now?: () => number;
}

export type RateDecision = { readonly allowed: true } | { readonly allowed: false; readonly scope: 'client' | 'global'; readonly retryAfterMs: number };

export interface RateLimiter {
  take(client: string): RateDecision;
  readonly clientCount: number;
}

/** Linkerd-sized defaults: a proxy certifies once a day (plus retries); a cluster start-up is a burst. */
export const defaultCertifyLimits = { perClient: { burst: 10, perSecond: 1 }, global: { burst: 100, perSecond: 20 } } as const;

export function createRateLimiter({ perClient, global, maxClients = 10_000, now = Date.now }: RateLimiterOptions): RateLimiter {
  const clients = new Map<string, TokenBucket>();
  const all = createTokenBucket(global, now());
  const evict = (t: number) => {
    for (const [key, bucket] of clients) if (bucket.full(t)) clients.delete(key);
    // Still too many: the oldest entries (Map order is insertion order) go; they get a fresh full bucket later.
    for (const key of clients.keys()) {
      if (clients.size < maxClients) break;
      clients.delete(key);
    }
  };
  return {
    take(client) {
      const t = now();
      let bucket = clients.get(client);
      if (!bucket) {
        if (clients.size >= maxClients) evict(t);
        bucket = createTokenBucket(perClient, t);
        clients.set(client, bucket);
      }
      // The client's own bucket first: a client over its limit must not drain the global one.
      if (!bucket.take(t)) return { allowed: false, scope: 'client', retryAfterMs: bucket.waitMs(t) };
      if (!all.take(t)) return { allowed: false, scope: 'global', retryAfterMs: all.waitMs(t) };
      return { allowed: true };
    },
    get clientCount() {
      return clients.size;
    },
  };
}
