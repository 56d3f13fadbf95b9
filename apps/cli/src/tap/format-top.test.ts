import type { TopRow } from '@signalbox/shared';
import { describe, expect, it } from 'vitest';
import { formatTopLatency, formatTopTable } from './format-top.js';

const row = (o: Partial<TopRow>): TopRow => ({
  source: 'web-0', destination: 'books-0', method: 'GET', path: '/books', count: 10, bestMs: 5.2, worstMs: 44.9, lastMs: 0.4, successes: 9, successRate: 0.9, ...o,
});

describe('formatTopTable', () => {
  it('draws linkerd viz top columns, aligned, at most maxRows rows', () => {
    const out = formatTopTable([row({}), row({ source: '127.0.0.1', path: '/', count: 2, successRate: 1 })], 5).split('\n');
    expect(out[0]).toMatch(/^Source +Destination +Method +Path +Count +Best +Worst +Last +Success Rate$/);
    expect(out[1]).toMatch(/^web-0 +books-0 +GET +\/books +10 +5ms +45ms +400µs +90\.00%$/);
    expect(out[2]).toMatch(/^127\.0\.0\.1 +books-0 +GET +\/ +2 .* 100\.00%$/);
    expect(out[0]?.indexOf('Count')).toBe(out[1]?.indexOf('10'));
    expect(formatTopTable([row({}), row({ path: '/x' })], 1).trimEnd().split('\n')).toHaveLength(2);
  });

  it('says it is waiting before anything completed', () => {
    expect(formatTopTable([])).toMatch(/waiting/);
  });

  it.each([[0.0441, '44µs'], [1, '1ms'], [27.6, '28ms']])('latency %d ms → %s', (ms, text) => {
    expect(formatTopLatency(ms)).toBe(text);
  });
});
