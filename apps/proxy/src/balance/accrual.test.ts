import type { Endpoint } from '@signalbox/shared';
import { describe, expect, it } from 'vitest';
import { AccrualBalancer, Breaker, type AccrualOptions } from './accrual.js';
import type { Pick } from './balancer.js';
import { RoundRobin } from './round-robin.js';

const options: AccrualOptions = { consecutiveFailures: 3, minPenaltyMs: 1000, maxPenaltyMs: 8000, jitterRatio: 0.5 };
/** random 0.5 → no jitter; 0 → −50 %; 1 → +50 %. */
const breaker = (random = 0.5) => new Breaker(options, () => random);

describe('Breaker (consecutive failures → penalty → one probe)', () => {
  it('trips after N consecutive failures; a success in between resets the count', () => {
    const b = breaker();
    expect([b.record(true, 0), b.record(true, 0), b.record(false, 0), b.record(true, 0), b.record(true, 0)]).toEqual([false, false, false, false, false]);
    expect(b.state).toBe('closed');
    expect(b.record(true, 0)).toBe(true);
    expect([b.state, b.openUntil]).toEqual(['open', 1000]);
  });

  it('penalty over → probation: exactly one probe; success closes it', () => {
    const b = breaker();
    for (let i = 0; i < 3; i++) b.record(true, 0);
    expect(b.available(999)).toBe(false);
    expect(b.available(1000)).toBe(true);
    expect(b.state).toBe('probation');
    b.startProbe();
    expect(b.available(1001)).toBe(false); // one probe at a time
    expect(b.record(false, 1100)).toBe(false);
    expect([b.state, b.available(1100)]).toEqual(['closed', true]);
  });

  it.each<[string, number, number[]]>([
    ['no jitter: 1 s, 2 s, 4 s, 8 s, capped at 8 s', 0.5, [1000, 2000, 4000, 8000, 8000]],
    ['−50 % jitter', 0, [500, 1000, 2000, 4000, 4000]],
    ['+50 % jitter, never above the max', 1, [1500, 3000, 6000, 8000, 8000]],
  ])('failed probes back off exponentially: %s', (_n, random, penalties) => {
    const b = breaker(random);
    let now = 0;
    for (let i = 0; i < 3; i++) b.record(true, now);
    const seen = [b.openUntil - now];
    for (let k = 1; k < penalties.length; k++) {
      now = b.openUntil;
      expect(b.available(now)).toBe(true);
      b.startProbe();
      expect(b.record(true, now)).toBe(true);
      seen.push(b.openUntil - now);
    }
    expect(seen).toEqual(penalties);
  });

  it('a probe abandoned without a verdict lets another one go', () => {
    const b = breaker();
    for (let i = 0; i < 3; i++) b.record(true, 0);
    b.available(1000);
    b.startProbe();
    b.cancelProbe();
    expect(b.available(1000)).toBe(true);
  });
});

const ep = (addr: string): Endpoint => ({
  addr,
  meshed: true,
  labels: { namespace: 'demo', service: 'books', deployment: 'books', pod: addr, serviceaccount: 'default' },
});

function balancer(config: AccrualOptions | null = options) {
  const clock = { now: 0 };
  const b = new AccrualBalancer(new RoundRobin(), { options: () => config ?? undefined, now: () => clock.now, random: () => 0.5 });
  b.update([ep('a:1'), ep('b:1')]);
  return { b, clock };
}

/** Picks `n` times, answering each with the status `statusOf(addr)`; returns the addresses picked. */
function run(b: AccrualBalancer, n: number, statusOf: (addr: string) => number): string[] {
  const seen: string[] = [];
  for (let i = 0; i < n; i++) {
    const p = b.choose() as Pick;
    if (!p) {
      seen.push('-');
      continue;
    }
    seen.push(p.endpoint.addr);
    p.done(1, statusOf(p.endpoint.addr));
  }
  return seen;
}

describe('AccrualBalancer', () => {
  it('ejects an endpoint that only fails, probes it after the penalty, readmits it once it recovers', () => {
    const { b, clock } = balancer();
    let bHealthy = false;
    const status = (addr: string) => (addr === 'b:1' && !bHealthy ? 503 : 200);
    // Round-robin alternates: b fails on each of its turns, three in a row trip it.
    expect(run(b, 6, status)).toEqual(['a:1', 'b:1', 'a:1', 'b:1', 'a:1', 'b:1']);
    expect(b.stateOf('b:1')).toBe('open');
    expect(run(b, 4, status)).toEqual(['a:1', 'a:1', 'a:1', 'a:1']);
    clock.now = 1000;
    // The probe fails: open again, for twice as long.
    expect(run(b, 3, status)).toEqual(['b:1', 'a:1', 'a:1']);
    clock.now = 2999;
    expect(run(b, 1, status)).toEqual(['a:1']);
    clock.now = 3000;
    bHealthy = true;
    expect(run(b, 1, status)).toEqual(['b:1']);
    expect(b.stateOf('b:1')).toBe('closed');
    expect(new Set(run(b, 4, status))).toEqual(new Set(['a:1', 'b:1']));
  });

  it('all endpoints tripped: nothing to choose, with a reason for failfast; a waiter hears when the penalty ends', async () => {
    const { b } = balancer({ ...options, minPenaltyMs: 20, maxPenaltyMs: 20 });
    b.update([ep('a:1')]);
    run(b, 3, () => 500);
    expect(b.choose()).toBeUndefined();
    expect(b.unavailableReason()).toMatch(/failure accrual/);
    await new Promise<void>((resolve) => b.subscribe(resolve));
  });

  it('accrual off (no policy): failures change nothing', () => {
    const { b } = balancer(null);
    run(b, 20, () => 500);
    expect(b.stateOf('b:1')).toBe('closed');
    expect(new Set(run(b, 2, () => 500))).toEqual(new Set(['a:1', 'b:1']));
  });

  it('errors (no response) count as failures; abandoned picks do not', () => {
    const { b } = balancer();
    b.update([ep('a:1')]);
    for (let i = 0; i < 10; i++) (b.choose() as Pick).done();
    expect(b.stateOf('a:1')).toBe('closed');
    for (let i = 0; i < 3; i++) (b.choose() as Pick).done('error');
    expect(b.stateOf('a:1')).toBe('open');
  });
});
