// `stat` end to end: a fake proxy's Linkerd metrics → a real Prometheus (file_sd from the api) → the api's
// PromQL → rows. Success rate ≈ 90 % because the fake proxy answers 9 successes for each failure.
import { apiErrorCodes, statResultSchema, type StatResult } from '@signalbox/shared';
import { eventually } from '@signalbox/launch';
import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRegistry } from '../../src/discovery/sources/static-file.js';
import { createPrometheusClient } from '../../src/metrics/prometheus.js';
import { createCallerFactory } from '../../src/trpc/init.js';
import { appRouter, type AppRouter } from '../../src/trpc/router.js';
import { buildWorkspace } from '../support/build.js';
import { startStatFixture, type StatFixture } from '../support/stat-fixture.js';
import { stringify } from 'yaml';

let fixture: StatFixture;

beforeAll(async () => {
  buildWorkspace('apps/api');
  fixture = await startStatFixture();
});
afterAll(() => fixture?.stop());

const client = () => createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${fixture.apiUrl}/trpc` })] });

/** Waits until Prometheus holds enough scrapes for the books row to have rates and latencies. */
async function statWithTraffic(query: () => Promise<StatResult>, name: string): Promise<StatResult> {
  return eventually(
    async () => {
      const result = await query();
      const row = result.rows.find((r) => r.name === name);
      expect(row?.rps).toBeGreaterThan(0);
      expect(row?.latencyMs.p50).not.toBeNull();
      return result;
    },
    { timeoutMs: 30_000, intervalMs: 500 },
  );
}

describe('stat against a real Prometheus', () => {
  it('reports deployments with success rate, RPS and latency; idle ones with no data', async () => {
    const result = await statWithTraffic(() => client().stat.query({ kind: 'deployment', namespace: 'demo', window: '10s' }), 'books');
    expect(statResultSchema.parse(result)).toEqual(result);
    expect(result.window).toBe('10s');
    const [books, web] = result.rows;
    expect(books).toMatchObject({ kind: 'deployment', namespace: 'demo', name: 'books', meshedPods: 1, totalPods: 1, tcpConnections: 2 });
    expect(books?.successRate).toBeGreaterThan(0.85);
    expect(books?.successRate).toBeLessThan(0.95);
    expect(books?.latencyMs.p50).toBeGreaterThan(0);
    // The fake proxy exports no signalbox_proxy_overhead_ms: the rows say "no data" rather than 0.
    expect(books?.overheadMs).toEqual({ p50: null, p99: null });
    expect(web).toEqual({
      kind: 'deployment',
      namespace: 'demo',
      name: 'web',
      meshedPods: 0,
      totalPods: 1,
      successRate: null,
      rps: 0,
      latencyMs: { p50: null, p95: null, p99: null },
      overheadMs: { p50: null, p99: null },
      tcpConnections: 0,
      readBytesPerSec: 0,
      writeBytesPerSec: 0,
    });
  });

  it('reports pods and namespaces', async () => {
    const pods = await statWithTraffic(() => client().stat.query({ kind: 'pod', namespace: 'demo', name: 'books-1', window: '10s' }), 'books-1');
    expect(pods.rows.map((r) => r.name)).toEqual(['books-1']);
    const namespaces = await statWithTraffic(() => client().stat.query({ kind: 'namespace', window: '10s' }), 'demo');
    expect(namespaces.rows).toEqual([expect.objectContaining({ kind: 'namespace', name: 'demo', meshedPods: 1, totalPods: 2 })]);
    expect(await client().namespaces.query()).toEqual([{ name: 'demo', deployments: ['books', 'web'], meshedPods: 1, totalPods: 2 }]);
  });

  it('answers the same through createCallerFactory on an inner context', async () => {
    const registry = parseRegistry(stringify(fixture.registry), 'fixture');
    const caller = createCallerFactory(appRouter)({
      registry: () => registry,
      prometheus: createPrometheusClient({ url: fixture.prometheus.url }),
    });
    const result = await statWithTraffic(() => caller.stat({ kind: 'deployment', namespace: 'demo', window: '10s' }), 'books');
    expect(result.rows.map((r) => r.name)).toEqual(['books', 'web']);
  });

  it('turns a stopped Prometheus into SERVICE_UNAVAILABLE and keeps serving', async () => {
    await fixture.prometheus.process.stop();
    const err = await client()
      .stat.query({ kind: 'deployment', namespace: 'demo' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TRPCClientError);
    const data = (err as TRPCClientError<AppRouter>).data as { code: string; httpStatus: number; signalboxCode: string };
    expect(data).toMatchObject({ code: 'SERVICE_UNAVAILABLE', httpStatus: 503, signalboxCode: apiErrorCodes.prometheusUnavailable });
    expect((err as Error).message).toMatch(/Prometheus at http:\/\/127\.0\.0\.1:\d+ is unavailable: .*ECONNREFUSED/);

    const caller = createCallerFactory(appRouter)({
      registry: () => parseRegistry(stringify(fixture.registry), 'fixture'),
      prometheus: createPrometheusClient({ url: fixture.prometheus.url }),
    });
    await expect(caller.stat({ kind: 'pod' })).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE', cause: { code: apiErrorCodes.prometheusUnavailable } });

    expect((await fetch(`${fixture.apiUrl}/ready`)).status).toBe(200);
    expect(await client().namespaces.query()).toHaveLength(1);
  });
});
