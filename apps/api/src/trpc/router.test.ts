// Procedures through createCallerFactory on an inner context, with a recording Prometheus double: the queries
// sent are the shared builders' exact strings, and Prometheus failures surface as typed tRPC errors.
import { apiErrorCodes, statQueries, type Registry, type Vector } from '@signalbox/shared';
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
      services: [],
    },
  ],
};

function recordingPrometheus(answer: (q: string) => Vector): PrometheusClient & { queries: string[] } {
  const queries: string[] = [];
  return { queries, query: async (q) => (queries.push(q), answer(q)) };
}

const callerFor = (prometheus: PrometheusClient) => createCallerFactory(appRouter)({ registry: () => registry, prometheus });

describe('stat procedure', () => {
  it('sends the five golden queries and reduces their answers', async () => {
    const prometheus = recordingPrometheus((q) =>
      q.startsWith('sum(increase(response_total')
        ? [{ metric: { namespace: 'demo', deployment: 'books', classification: 'success', tls: 'true' }, value: [0, '120'] }]
        : [],
    );
    const result = await callerFor(prometheus).stat({ kind: 'deployment', namespace: 'demo' });
    const q = statQueries({ kind: 'deployment', namespace: 'demo', window: '1m' });
    expect(prometheus.queries.sort()).toEqual([q.responses, q.latencyP50, q.latencyP95, q.latencyP99, q.tcpConnections].sort());
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
    const failing: PrometheusClient = { query: () => Promise.reject(error) };
    const err = await callerFor(failing).stat({ kind: 'pod' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TRPCError);
    expect((err as TRPCError).code).toBe(code);
    expect(((err as TRPCError).cause as PrometheusUnavailableError).code).toBe(signalboxCode);
  });

  it('refuses bad input before asking Prometheus', async () => {
    const prometheus = recordingPrometheus(() => []);
    await expect(callerFor(prometheus).stat({ kind: 'deployment', window: '1s' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(prometheus.queries).toEqual([]);
  });
});

describe('namespaces procedure', () => {
  it('summarises the registry', async () => {
    expect(await callerFor(recordingPrometheus(() => [])).namespaces()).toEqual([
      { name: 'demo', deployments: ['books', 'web'], meshedPods: 1, totalPods: 2 },
    ]);
  });
});
