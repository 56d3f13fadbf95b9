import type { NamespaceSummary, StatRow } from '@signalbox/shared';
import { describe, expect, it } from 'vitest';
import { overviewRows } from './overview-rows';

const demo: NamespaceSummary = { name: 'demo', deployments: ['authors', 'books', 'traffic', 'web'], meshedPods: 5, totalPods: 5 };
const empty: NamespaceSummary = { name: 'empty', deployments: [], meshedPods: 0, totalPods: 0 };

const demoStat: StatRow = {
  kind: 'namespace',
  namespace: 'demo',
  name: 'demo',
  meshedPods: 5,
  totalPods: 5,
  successRate: 0.97,
  rps: 12.5,
  latencyMs: { p50: 2, p95: 8, p99: 20 },
  tcpConnections: 6,
  readBytesPerSec: 300,
  writeBytesPerSec: 40,
};

describe('overviewRows', () => {
  it('joins discovery with metrics, sorted by name', () => {
    const rows = overviewRows([empty, demo], [demoStat]);
    expect(rows.map((r) => r.name)).toEqual(['demo', 'empty']);
    expect(rows[0]).toMatchObject({ successRate: 0.97, rps: 12.5, meshedPods: 5, totalPods: 5, tcpConnections: 6 });
    expect(rows[1]).toMatchObject({ successRate: null, rps: 0, tcpConnections: 0, latencyMs: { p50: null, p95: null, p99: null } });
  });

  it('marks metrics unknown (null) when stats are unavailable', () => {
    const [row] = overviewRows([demo], undefined);
    expect(row).toMatchObject({ name: 'demo', meshedPods: 5, totalPods: 5, successRate: null, rps: null, tcpConnections: null });
  });

  it('keeps namespaces that only Prometheus knows', () => {
    const other: StatRow = { ...demoStat, namespace: 'other', name: 'other' };
    expect(overviewRows([demo], [demoStat, other]).map((r) => r.name)).toEqual(['demo', 'other']);
  });
});
