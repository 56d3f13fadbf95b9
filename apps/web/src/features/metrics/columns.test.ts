import type { StatRow } from '@signalbox/shared';
import { describe, expect, it } from 'vitest';
import { columns, defaultSort, hasNoTraffic, nextSort, sortRows } from './columns';

function row(name: string, overrides: Partial<StatRow> = {}): StatRow {
  return {
    kind: 'deployment',
    namespace: 'demo',
    name,
    meshedPods: 1,
    totalPods: 1,
    successRate: 1,
    rps: 1,
    latencyMs: { p50: 1, p95: 2, p99: 3 },
    tcpConnections: 1,
    readBytesPerSec: 0,
    writeBytesPerSec: 0,
    ...overrides,
  };
}

const rows = [
  row('web', { successRate: 0.99, rps: 5 }),
  row('books', { successRate: 0.9, rps: 10 }),
  row('traffic', { successRate: null, rps: 0 }),
  row('authors', { successRate: 1, rps: 5 }),
];

describe('sortRows', () => {
  it('sorts by name ascending by default', () => {
    expect(sortRows(rows, defaultSort).map((r) => r.name)).toEqual(['authors', 'books', 'traffic', 'web']);
  });

  it('puts nulls last in both directions', () => {
    const desc = sortRows(rows, { key: 'successRate', direction: 'desc' }).map((r) => r.name);
    const asc = sortRows(rows, { key: 'successRate', direction: 'asc' }).map((r) => r.name);
    expect(desc).toEqual(['authors', 'web', 'books', 'traffic']);
    expect(asc).toEqual(['books', 'web', 'authors', 'traffic']);
  });

  it('breaks ties by name and does not mutate its input', () => {
    const copy = [...rows];
    expect(sortRows(rows, { key: 'rps', direction: 'desc' }).map((r) => r.name)).toEqual([
      'books',
      'authors',
      'web',
      'traffic',
    ]);
    expect(rows).toEqual(copy);
  });

  it('sorts latency columns', () => {
    const byP99 = [row('a', { latencyMs: { p50: 1, p95: 1, p99: 9 } }), row('b', { latencyMs: { p50: 1, p95: 1, p99: null } }), row('c')];
    expect(sortRows(byP99, { key: 'p99', direction: 'desc' }).map((r) => r.name)).toEqual(['a', 'c', 'b']);
  });
});

describe('nextSort', () => {
  it('flips the direction of the current column', () => {
    expect(nextSort({ key: 'rps', direction: 'desc' }, 'rps')).toEqual({ key: 'rps', direction: 'asc' });
  });
  it('starts numeric columns descending and names ascending', () => {
    expect(nextSort(defaultSort, 'p95')).toEqual({ key: 'p95', direction: 'desc' });
    expect(nextSort({ key: 'rps', direction: 'desc' }, 'name')).toEqual({ key: 'name', direction: 'asc' });
  });
});

describe('hasNoTraffic', () => {
  it('is true only when there are rows and none has traffic', () => {
    expect(hasNoTraffic([])).toBe(false);
    expect(hasNoTraffic([row('a', { rps: 0, successRate: null })])).toBe(true);
    expect(hasNoTraffic(rows)).toBe(false);
  });
});

describe('columns', () => {
  const cells = (r: StatRow) => Object.fromEntries(columns.map((c) => [c.key, c.format(r)]));

  it('formats a row with traffic', () => {
    const r = row('books', { meshedPods: 2, totalPods: 2, successRate: 0.9, rps: 4.5, tcpConnections: 3, readBytesPerSec: 2048, writeBytesPerSec: 300 });
    expect(cells(r)).toEqual({
      name: 'books',
      meshed: '2/2',
      successRate: '90.00%',
      rps: '4.5',
      p50: '1 ms',
      p95: '2 ms',
      p99: '3 ms',
      overhead: '-',
      tcp: '3',
      readBytes: '2 kB/s',
      writeBytes: '300 B/s',
    });
  });

  it('prints "-" for every metric of an idle row', () => {
    const r = row('traffic', { successRate: null, rps: 0, latencyMs: { p50: null, p95: null, p99: null }, tcpConnections: 0 });
    expect(cells(r)).toMatchObject({ successRate: '-', rps: '-', p50: '-', p95: '-', p99: '-', overhead: '-', tcp: '0', readBytes: '0 B/s' });
  });

  it('shows what the mesh adds next to the latency', () => {
    expect(cells(row('books', { overheadMs: { p50: 0.123, p99: 0.9 } })).overhead).toBe('0.12 / 0.9 ms');
  });
});
