import { edgesResultSchema, type TimeseriesPoint } from '@signalbox/shared';
import { describe, expect, it } from 'vitest';
import edgesJson from '../topology/fixtures/demo-edges.json';
import { chartRows, formatTimeTick, hasTraffic } from './chart-data';
import { meshedStatus, resourceEdges } from './resource-edges';

const { edges } = edgesResultSchema.parse(edgesJson);

describe('resourceEdges', () => {
  it('splits a workload\'s edges into inbound and outbound, by peer', () => {
    const web = resourceEdges(edges, 'demo', [{ kind: 'deployment', name: 'web' }]);
    expect(web.inbound.map((e) => e.src.name)).toEqual(['traffic']);
    expect(web.outbound.map((e) => `${e.dst.namespace}/${e.dst.name}`)).toEqual(['data/cache', 'demo/authors', 'demo/books']);
  });

  it('has nothing for a workload of another namespace with the same name', () => {
    expect(resourceEdges(edges, 'other', [{ kind: 'deployment', name: 'web' }])).toEqual({ inbound: [], outbound: [] });
  });

  it('matches workloads by kind: a StatefulSet named like a Deployment has only its own edges', () => {
    const toDb = { ...edges[0]!, src: { namespace: 'demo', kind: 'deployment' as const, name: 'web' }, dst: { namespace: 'demo', kind: 'statefulset' as const, name: 'web' } };
    expect(resourceEdges([...edges, toDb], 'demo', [{ kind: 'statefulset', name: 'web' }])).toEqual({ inbound: [toDb], outbound: [] });
  });
});

describe('meshedStatus', () => {
  it.each([
    [2, 2, 'meshed', 'Meshed (2/2 pods)'],
    [1, 2, 'partial', 'Partially meshed (1/2 pods)'],
    [0, 1, 'unmeshed', 'Unmeshed (0/1 pods)'],
    [0, 0, 'unmeshed', 'Unmeshed (0/0 pods)'],
  ])('%i/%i → %s', (meshed, total, level, text) => {
    expect(meshedStatus(meshed, total)).toEqual({ level, text });
  });
});

describe('chart data', () => {
  const point = (t: number, rps: number | null, sr: number | null, p99: number | null = null): TimeseriesPoint => ({
    t,
    rps,
    successRate: sr,
    latencyMs: { p50: null, p95: null, p99 },
  });

  it('shapes points for the charts', () => {
    expect(chartRows([point(100, 9.87654, 0.898765, 45.678)])).toEqual([
      { t: 100_000, successPct: 89.88, rps: 9.877, p50: null, p95: null, p99: 45.68 },
    ]);
  });

  it('knows when a range saw no request', () => {
    expect(hasTraffic([point(1, null, null), point(2, 0, null)])).toBe(false);
    expect(hasTraffic([point(1, null, null), point(2, 0.1, 1)])).toBe(true);
  });

  it('labels the time axis by span', () => {
    const t = new Date(2026, 10, 25, 9, 5, 7).getTime();
    expect(formatTimeTick(t, 60)).toBe('09:05:07');
    expect(formatTimeTick(t, 3600)).toBe('09:05');
    expect(formatTimeTick(t, 3 * 24 * 3600)).toBe('11/25 09:05');
  });
});
