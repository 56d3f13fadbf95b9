import { describe, expect, it } from 'vitest';
import { parseDurationMs, parseStatusRange, servicePolicySchema } from './policy.js';

describe('parseDurationMs', () => {
  it.each<[string, number | null]>([
    ['250ms', 250],
    ['2s', 2000],
    ['1m', 60_000],
    ['1h', null],
    ['2 s', null],
    ['-1s', null],
  ])('%s → %s', (text, ms) => expect(parseDurationMs(text)).toBe(ms));
});

describe('parseStatusRange', () => {
  it.each<[string, { min: number; max: number } | null]>([
    ['5xx', { min: 500, max: 599 }],
    ['gateway-error', { min: 502, max: 504 }],
    ['503', { min: 503, max: 503 }],
    ['500-504', { min: 500, max: 504 }],
    ['504-500', null],
    ['6xx', null],
    ['700', null],
  ])('%s → %j', (text, range) => expect(parseStatusRange(text)).toEqual(range));
});

describe('servicePolicySchema', () => {
  it('fills Linkerd’s defaults: budget 0.2 / 10 per s / 10 s; accrual 7, 1 s → 1 min, jitter 0.5', () => {
    expect(servicePolicySchema.parse({ retryBudget: {}, failureAccrual: {} })).toEqual({
      routes: [],
      retryBudget: { retryRatio: 0.2, minRetriesPerSecond: 10, ttl: 10_000 },
      failureAccrual: { consecutiveFailures: 7, minPenalty: 1000, maxPenalty: 60_000, jitterRatio: 0.5 },
    });
  });

  it('a route: match defaults to everything, not retryable, gRPC codes by name', () => {
    expect(servicePolicySchema.parse({ routes: [{ name: 'r', retryOn: { grpc: ['unavailable', 4] } }] }).routes[0]).toEqual({
      name: 'r',
      match: {},
      retryable: false,
      retryOn: { grpc: [14, 4] },
    });
  });

  it('refuses a regex and a prefix together, and a min penalty above the max', () => {
    expect(servicePolicySchema.safeParse({ routes: [{ name: 'r', match: { pathRegex: '/a', pathPrefix: '/a' } }] }).success).toBe(false);
    expect(servicePolicySchema.safeParse({ failureAccrual: { minPenalty: '2m', maxPenalty: '1m' } }).success).toBe(false);
  });
});
