// `edges`, `timeseries`, service `stat` and `resource` end to end: a fake proxy's Linkerd metrics → a real
// Prometheus → the api's PromQL (instant and range queries) → rows, edges and chart points.
import { edgesResultSchema, timeseriesResultSchema, type Edge } from '@signalbox/shared';
import { eventually } from '@signalbox/launch';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppRouter } from '../../src/trpc/router.js';
import { buildWorkspace } from '../support/build.js';
import { startStatFixture, type StatFixture } from '../support/stat-fixture.js';

let fixture: StatFixture;

beforeAll(async () => {
  buildWorkspace('apps/api');
  fixture = await startStatFixture();
});
afterAll(() => fixture?.stop());

const client = () => createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${fixture.apiUrl}/trpc` })] });
const to = (edges: readonly Edge[], dst: string) =>
  edges.find((e) => e.src.kind === 'deployment' && e.src.name === 'books' && e.dst.kind === 'deployment' && e.dst.name === dst);

describe('edges, time series and resources against a real Prometheus', () => {
  it('finds the HTTP edge and the TCP-only edge, neither secured yet', async () => {
    const result = await eventually(
      async () => {
        const r = await client().edges.query({ namespace: 'demo', window: '10s' });
        expect(to(r.edges, 'authors')?.rps).toBeGreaterThan(0);
        expect(to(r.edges, 'db')?.readBytesPerSec).toBeGreaterThan(0);
        return r;
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    expect(edgesResultSchema.parse(result)).toEqual(result);
    expect(to(result.edges, 'authors')).toMatchObject({
      protocol: 'http',
      successRate: 1,
      tcpConnections: 1,
      secured: false,
      noTlsReason: 'not_provided_by_service_discovery',
      clientId: null,
      serverId: null,
    });
    expect(to(result.edges, 'db')).toMatchObject({ protocol: 'tcp', rps: 0, successRate: null, tcpConnections: 1 });
    // Another namespace sees none of them.
    expect((await client().edges.query({ namespace: 'other', window: '10s' })).edges).toEqual([]);
  });

  it('charts success rate, RPS and latency over time with query_range', async () => {
    const result = await eventually(
      async () => {
        const r = await client().timeseries.query({ kind: 'deployment', namespace: 'demo', name: 'books', window: '1m' });
        expect(r.points.filter((p) => p.rps !== null && p.rps > 0).length).toBeGreaterThan(2);
        return r;
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    expect(timeseriesResultSchema.parse(result)).toEqual(result);
    expect(result.step).toBe(1);
    expect(result.points.length).toBe(61);
    const last = result.points.filter((p) => p.rps !== null).at(-1)!;
    expect(last.rps).toBeGreaterThan(50);
    expect(last.successRate).toBeGreaterThan(0.85);
    expect(last.successRate).toBeLessThan(0.95);
    expect(last.latencyMs.p50).toBeGreaterThan(0);
  });

  it('reports services from the clients\' side and describes resources from the registry', async () => {
    // books' own proxy is its only client here, calling authors and db, which are not registry services.
    const services = await client().stat.query({ kind: 'service', namespace: 'demo', window: '10s' });
    expect(services.rows).toEqual([expect.objectContaining({ kind: 'service', name: 'books', meshedPods: 1, totalPods: 1 })]);
    expect(await client().resource.query({ kind: 'deployment', namespace: 'demo', name: 'books' })).toMatchObject({
      meshedPods: 1,
      totalPods: 1,
      services: ['books'],
    });
  });
});
