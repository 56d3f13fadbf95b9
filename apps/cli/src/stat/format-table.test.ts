import type { StatResult, StatRow } from '@signalbox/shared';
import { describe, expect, it } from 'vitest';
import { formatLatency, formatStatTable } from './format-table.js';

const row = (over: Partial<StatRow>): StatRow => ({
  kind: 'deployment',
  namespace: 'demo',
  name: 'books',
  meshedPods: 2,
  totalPods: 2,
  successRate: 0.9,
  rps: 1.25,
  latencyMs: { p50: 5, p95: 12.4, p99: 1.46 },
  tcpConnections: 3,
  readBytesPerSec: 0,
  writeBytesPerSec: 0,
  ...over,
});

describe('formatStatTable', () => {
  const result: StatResult = {
    window: '1m',
    rows: [
      row({}),
      row({ namespace: 'shop', name: 'web-frontend', meshedPods: 0, totalPods: 1, successRate: null, rps: 0, latencyMs: { p50: null, p95: null, p99: null }, tcpConnections: 0 }),
    ],
  };

  it('prints linkerd viz stat columns, left-aligned, "-" for no data', () => {
    expect(formatStatTable(result, { allNamespaces: false })).toBe(
      [
        'NAME           MESHED   SUCCESS   RPS      LATENCY_P50   LATENCY_P95   LATENCY_P99   TCP_CONN',
        'books          2/2      90.00%    1.3rps   5ms           12ms          1.5ms         3',
        'web-frontend   0/1      -         0.0rps   -             -             -             0',
        '',
      ].join('\n'),
    );
  });

  it('adds NAMESPACE first with -A', () => {
    const lines = formatStatTable(result, { allNamespaces: true }).split('\n');
    expect(lines[0]).toMatch(/^NAMESPACE {3}NAME +MESHED/);
    expect(lines[1]).toMatch(/^demo {8}books +2\/2/);
    expect(lines[2]).toMatch(/^shop {8}web-frontend +0\/1/);
  });

  it('has no NAMESPACE column for namespaces themselves', () => {
    const out = formatStatTable({ window: '1m', rows: [row({ kind: 'namespace', name: 'demo' })] }, { allNamespaces: true });
    expect(out.split('\n')[0]).toMatch(/^NAME +MESHED/);
  });

  it('says so when there is nothing', () => {
    expect(formatStatTable({ window: '1m', rows: [] }, { allNamespaces: false })).toBe('No traffic found.\n');
  });
});

describe('formatLatency', () => {
  it.each([
    [null, '-'],
    [0.25, '0.3ms'],
    [1.5, '1.5ms'],
    [5, '5ms'],
    [9.96, '10ms'],
    [10, '10ms'],
    [123.6, '124ms'],
  ])('%s → %s', (ms, text) => {
    expect(formatLatency(ms)).toBe(text);
  });
});
