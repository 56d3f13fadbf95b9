import { describe, expect, it } from 'vitest';
import { formatRoutesTable } from './format-routes.js';

const result = {
  window: '1m',
  rows: [
    { route: 'GET /books', service: 'books', effective: { successRate: 1, rps: 10 }, actual: { successRate: 0.9, rps: 11.1 }, latencyMs: { p50: 12.4, p95: 40, p99: 95.2 } },
    { route: '[DEFAULT]', service: 'books', effective: { successRate: null, rps: 0 }, actual: { successRate: null, rps: 0 }, latencyMs: { p50: null, p95: null, p99: null } },
  ],
};

describe('formatRoutesTable', () => {
  it('prints Linkerd’s columns', () => {
    expect(formatRoutesTable(result, { wide: false })).toBe(
      [
        'ROUTE        SERVICE   SUCCESS   RPS       LATENCY_P50   LATENCY_P95   LATENCY_P99',
        'GET /books   books     100.00%   10.0rps   12ms          40ms          95ms',
        '[DEFAULT]    books     -         0.0rps    -             -             -',
        '',
      ].join('\n'),
    );
  });

  it('-o wide: effective and actual', () => {
    expect(formatRoutesTable(result, { wide: true }).split('\n')[0]).toBe(
      'ROUTE        SERVICE   EFFECTIVE_SUCCESS   EFFECTIVE_RPS   ACTUAL_SUCCESS   ACTUAL_RPS   LATENCY_P50   LATENCY_P95   LATENCY_P99',
    );
    expect(formatRoutesTable(result, { wide: true }).split('\n')[1]).toBe(
      'GET /books   books     100.00%             10.0rps         90.00%           11.1rps      12ms          40ms          95ms',
    );
  });
});
