// Procedures through createCallerFactory on an inner context, with a recording Prometheus double: the queries
// sent are the shared builders' exact strings, and Prometheus failures surface as typed tRPC errors.
import { apiErrorCodes, edgeOverheadQueries, edgeQueries, routeQueries, statOverheadQueries, statQueries, timeseriesQueries, type Matrix, type Registry, type Vector } from '@signalbox/shared';
import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { PrometheusQueryError, PrometheusUnavailableError } from '../metrics/errors.js';
import type { PrometheusClient } from '../metrics/prometheus.js';
import { createCallerFactory } from './init.js';
import { appRouter } from './router.js';

const registry: Registry = {
  namespaces: [
    {
      name: 'demo',
      pods: [
        { name: 'books-1', deployment: 'books', serviceAccount: 'default', app: '127.0.0.1:7001', proxy: { inbound: '127.0.0.1:7101', outbound: '127.0.0.1:7201', admin: '127.0.0.1:7301' } },
        { name: 'web-1', deployment: 'web', serviceAccount: 'default', app: '127.0.0.1:8001' },
      ],
      services: [{ name: 'books', port: 7001, deployment: 'books' }],
    },
  ],
};

function recordingPrometheus(
  answer: (q: string) => Vector,
  answerRange: (q: string) => Matrix = () => [],
): PrometheusClient & { queries: string[]; ranges: { q: string; start: number; end: number; step: number }[] } {
  const queries: string[] = [];
  const ranges: { q: string; start: number; end: number; step: number }[] = [];
  return {
    queries,
    ranges,
    query: async (q) => (queries.push(q), answer(q)),
    queryRange: async (q, range) => (ranges.push({ q, ...range }), answerRange(q)),
  };
}

const callerFor = (prometheus: PrometheusClient) => createCallerFactory(appRouter)({ registry: () => registry, prometheus });

describe('stat procedure', () => {
  it('sends the golden and overhead queries and reduces their answers', async () => {
    const prometheus = recordingPrometheus((q) =>
      q.startsWith('sum(increase(response_total')
        ? [{ metric: { namespace: 'demo', deployment: 'books', classification: 'success', tls: 'true' }, value: [0, '120'] }]
        : [],
    );
    const result = await callerFor(prometheus).stat({ kind: 'deployment', namespace: 'demo' });
    const q = statQueries({ kind: 'deployment', namespace: 'demo', window: '1m' });
    const o = statOverheadQueries({ kind: 'deployment', namespace: 'demo', window: '1m' });
    expect(prometheus.queries.sort()).toEqual(
      [q.responses, q.latencyP50, q.latencyP95, q.latencyP99, q.tcpConnections, q.tcpReadBytes, q.tcpWriteBytes, o.p50, o.p99].sort(),
    );
    expect(result.window).toBe('1m');
    expect(result.rows.map((r) => [r.name, r.meshedPods, r.totalPods, r.rps, r.successRate])).toEqual([
      ['books', 1, 1, 2, 1],
      ['web', 0, 1, 0, null],
    ]);
  });

  it.each([
    [new PrometheusUnavailableError('down'), 'SERVICE_UNAVAILABLE', apiErrorCodes.prometheusUnavailable],
    [new PrometheusQueryError('bad'), 'BAD_GATEWAY', apiErrorCodes.prometheusError],
  ])('maps %s to a typed error', async (error, code, signalboxCode) => {
    const failing: PrometheusClient = { query: () => Promise.reject(error), queryRange: () => Promise.reject(error) };
    const caller = callerFor(failing);
    for (const call of [
      () => caller.stat({ kind: 'pod' }),
      () => caller.edges({ namespace: 'demo' }),
      () => caller.timeseries({ kind: 'deployment', namespace: 'demo', name: 'books' }),
    ]) {
      const err = await call().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TRPCError);
      expect((err as TRPCError).code).toBe(code);
      expect(((err as TRPCError).cause as PrometheusUnavailableError).code).toBe(signalboxCode);
    }
  });

  it('refuses bad input before asking Prometheus', async () => {
    const prometheus = recordingPrometheus(() => []);
    await expect(callerFor(prometheus).stat({ kind: 'deployment', window: '1s' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(prometheus.queries).toEqual([]);
  });
});

describe('stat procedure for services', () => {
  it('lists the registry\'s services with the pods behind them', async () => {
    const result = await callerFor(recordingPrometheus(() => [])).stat({ kind: 'service', namespace: 'demo', window: '10s' });
    expect(result.rows.map((r) => [r.kind, r.name, r.meshedPods, r.totalPods])).toEqual([['service', 'books', 1, 1]]);
  });
});

describe('edges procedure', () => {
  it('sends the edge queries for the namespace and reduces them', async () => {
    const prometheus = recordingPrometheus((q) =>
      q.startsWith('sum(tcp_open_connections')
        ? [{ metric: { namespace: 'demo', deployment: 'books', dst_namespace: 'demo', dst_deployment: 'db', tls: 'no_identity' }, value: [0, '1'] }]
        : [],
    );
    const result = await callerFor(prometheus).edges({ namespace: 'demo', window: '10s' });
    const q = edgeQueries({ namespace: 'demo', window: '10s' });
    const o = edgeOverheadQueries({ namespace: 'demo', window: '10s' });
    expect(prometheus.queries.sort()).toEqual(
      [q.responses, q.latencyP99, q.tcpConnections, q.tcpReadBytes, q.tcpWriteBytes, o.outbound.p50, o.outbound.p99, o.inbound.p50, o.inbound.p99].sort(),
    );
    expect(result.edges).toEqual([
      expect.objectContaining({ src: { namespace: 'demo', kind: 'deployment', name: 'books' }, dst: { namespace: 'demo', kind: 'deployment', name: 'db' }, protocol: 'tcp' }),
    ]);
  });
});

describe('timeseries procedure', () => {
  it('asks for an absolute range with the planned step and rate interval', async () => {
    const prometheus = recordingPrometheus(
      () => [],
      (q) => (q.startsWith('sum(rate(response_total') ? [{ metric: { classification: 'success' }, values: [[1000, '2']] }] : []),
    );
    const result = await callerFor(prometheus).timeseries({ kind: 'deployment', namespace: 'demo', name: 'books', start: 1000, end: 1010, step: 5 });
    const q = timeseriesQueries({ kind: 'deployment', namespace: 'demo', name: 'books', rateInterval: '10s' });
    expect(prometheus.ranges.map((r) => r.q).sort()).toEqual([q.responses, q.latencyP50, q.latencyP95, q.latencyP99].sort());
    expect(prometheus.ranges[0]).toMatchObject({ start: 1000, end: 1010, step: 5 });
    expect(result).toMatchObject({ start: 1000, end: 1010, step: 5, rateInterval: '10s' });
    expect(result.points.map((p) => [p.t, p.rps, p.successRate])).toEqual([[1000, 2, 1], [1005, null, null], [1010, null, null]]);
  });

  it.each([
    [{ start: 1000 }],
    [{ start: 1000, end: 900 }],
    [{ start: 0, end: 8 * 24 * 3600 }],
    [{ window: '1s' }],
  ])('refuses %j before asking Prometheus', async (range) => {
    const prometheus = recordingPrometheus(() => []);
    await expect(
      callerFor(prometheus).timeseries({ kind: 'deployment', namespace: 'demo', name: 'books', ...range }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(prometheus.ranges).toEqual([]);
  });
});

describe('resource procedure', () => {
  it('describes a deployment from the registry', async () => {
    expect(await callerFor(recordingPrometheus(() => [])).resource({ kind: 'deployment', namespace: 'demo', name: 'books' })).toEqual({
      kind: 'deployment',
      namespace: 'demo',
      name: 'books',
      meshedPods: 1,
      totalPods: 1,
      deployments: ['books'],
      services: ['books'],
      pods: [{ name: 'books-1', deployment: 'books', ownerKind: 'deployment', serviceAccount: 'default', meshed: true }],
    });
  });

  it('answers NOT_FOUND for an unknown resource', async () => {
    await expect(callerFor(recordingPrometheus(() => [])).resource({ kind: 'pod', namespace: 'demo', name: 'ghost' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});

describe('namespaces procedure', () => {
  it('summarises the registry', async () => {
    expect(await callerFor(recordingPrometheus(() => [])).namespaces()).toEqual([
      { name: 'demo', deployments: ['books', 'web'], meshedPods: 1, totalPods: 2 },
    ]);
  });
});

describe('routes procedure', () => {
  it('sends the five route queries and answers a row per profile route plus [DEFAULT]', async () => {
    const withPolicy: Registry = {
      namespaces: [
        {
          ...(registry.namespaces[0] as Registry['namespaces'][number]),
          services: [{ name: 'books', port: 7001, deployment: 'books', policy: { routes: [{ name: 'GET /books', match: { method: 'GET' }, retryable: true }] } }],
        },
      ],
    };
    const prometheus = recordingPrometheus((q) =>
      q.startsWith('sum(increase(route_response_total')
        ? [{ metric: { rt_route: 'GET /books', dst: 'books.demo:7001', classification: 'success' }, value: [0, '60'] }]
        : [],
    );
    const result = await createCallerFactory(appRouter)({ registry: () => withPolicy, prometheus }).routes({ namespace: 'demo', service: 'books' });
    const q = routeQueries({ namespace: 'demo', service: 'books', window: '1m' });
    expect(prometheus.queries.sort()).toEqual([q.effective, q.actual, q.latencyP50, q.latencyP95, q.latencyP99].sort());
    expect(result.rows.map((r) => [r.route, r.effective.rps, r.effective.successRate, r.actual.successRate])).toEqual([
      ['GET /books', 1, 1, null],
      ['[DEFAULT]', 0, null, null],
    ]);
  });
});
