import type { Vector } from '@signalbox/shared';
import { describe, expect, it } from 'vitest';
import { routeRows } from './route-rows.js';

const v = (rt_route: string, classification: string, n: number, dst = 'books.demo:7001') => ({
  metric: { rt_route, dst, classification },
  value: [0, String(n)] as [number, string],
});
const q = (rt_route: string, n: string) => ({ metric: { rt_route, dst: 'books.demo:7001' }, value: [0, n] as [number, string] });
const none: Vector = [];

describe('routeRows', () => {
  it('profile routes in order, then [DEFAULT], then leftovers; effective vs actual; NaN latency is null', () => {
    const rows = routeRows({
      service: 'books',
      routes: ['GET /books', 'POST /books'],
      windowSeconds: 60,
      vectors: {
        effective: [v('GET /books', 'success', 594), v('GET /books', 'failure', 6), v('', 'success', 60), v('old', 'success', 6)],
        actual: [v('GET /books', 'success', 594), v('GET /books', 'failure', 246), v('', 'success', 30), v('', 'success', 30, 'books.demo.svc.cluster.local:7001')],
        latencyP50: [q('GET /books', '12.5'), q('', 'NaN')],
        latencyP95: none,
        latencyP99: [q('GET /books', '40')],
      },
    });
    expect(rows.map((r) => [r.route, r.effective.successRate, r.effective.rps, r.actual.successRate, r.actual.rps, r.latencyMs.p50, r.latencyMs.p99])).toEqual([
      ['GET /books', 0.99, 10, 594 / 840, 14, 12.5, 40],
      ['POST /books', null, 0, null, 0, null, null],
      ['[DEFAULT]', 1, 1, 1, 1, null, null],
      ['old', 1, 0.1, null, 0, null, null],
    ]);
    expect(rows.every((r) => r.service === 'books')).toBe(true);
  });
});
