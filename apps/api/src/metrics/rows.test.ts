// The stat reducer on canned Prometheus vectors, as the API answers them (values are strings, NaN included).
import type { Vector } from '@signalbox/shared';
import { describe, expect, it } from 'vitest';
import type { KnownResource } from './resources.js';
import { statRows, type StatVectors } from './rows.js';

const sample = (metric: Record<string, string>, value: string): Vector[number] => ({ metric, value: [1795634161.014, value] });
const none: StatVectors = { responses: [], latencyP50: [], latencyP95: [], latencyP99: [], tcpConnections: [], tcpReadBytes: [], tcpWriteBytes: [] };

const books: KnownResource = { namespace: 'demo', name: 'books', meshedPods: 2, totalPods: 2 };
const web: KnownResource = { namespace: 'demo', name: 'web', meshedPods: 1, totalPods: 2 };
const api: KnownResource = { namespace: 'alpha', name: 'api', meshedPods: 0, totalPods: 1 };

describe('statRows', () => {
  it('computes RPS, success rate, latencies and connections per deployment', () => {
    const d = (deployment: string) => ({ namespace: 'demo', deployment });
    const rows = statRows({
      kind: 'deployment',
      windowSeconds: 60,
      resources: [books, web],
      vectors: {
        responses: [
          sample({ ...d('books'), classification: 'success', tls: 'true' }, '50'),
          sample({ ...d('books'), classification: 'success', tls: 'no_identity' }, '4'),
          sample({ ...d('books'), classification: 'failure', tls: 'true' }, '6'),
          // Not a row the registry knows: ignored.
          sample({ ...d('ghost'), classification: 'success', tls: 'true' }, '600'),
        ],
        latencyP50: [sample(d('books'), '4.5'), sample(d('web'), 'NaN')],
        latencyP95: [sample(d('books'), '9.75')],
        latencyP99: [sample(d('books'), '+Inf')],
        tcpConnections: [sample(d('books'), '3'), sample(d('web'), '1')],
        tcpReadBytes: [sample(d('books'), '6000'), sample(d('web'), 'NaN')],
        tcpWriteBytes: [sample(d('books'), '1200')],
      },
    });
    expect(rows).toEqual([
      {
        kind: 'deployment',
        namespace: 'demo',
        name: 'books',
        meshedPods: 2,
        totalPods: 2,
        successRate: 0.9,
        rps: 1,
        latencyMs: { p50: 4.5, p95: 9.75, p99: null },
        tcpConnections: 3,
        readBytesPerSec: 100,
        writeBytesPerSec: 20,
      },
      {
        kind: 'deployment',
        namespace: 'demo',
        name: 'web',
        meshedPods: 1,
        totalPods: 2,
        successRate: null,
        rps: 0,
        latencyMs: { p50: null, p95: null, p99: null },
        tcpConnections: 1,
        readBytesPerSec: 0,
        writeBytesPerSec: 0,
      },
    ]);
  });

  it('lists every known resource without traffic, sorted by namespace then name', () => {
    const rows = statRows({ kind: 'deployment', windowSeconds: 60, resources: [web, books, api], vectors: none });
    expect(rows.map((r) => [r.namespace, r.name, r.rps, r.successRate, r.latencyMs.p50])).toEqual([
      ['alpha', 'api', 0, null, null],
      ['demo', 'books', 0, null, null],
      ['demo', 'web', 0, null, null],
    ]);
  });

  it('treats NaN counts as no requests, and all failures as 0 %', () => {
    const rows = statRows({
      kind: 'pod',
      windowSeconds: 10,
      resources: [{ namespace: 'demo', name: 'books-1', meshedPods: 1, totalPods: 1 }],
      vectors: {
        ...none,
        responses: [
          sample({ namespace: 'demo', pod: 'books-1', classification: 'failure', tls: 'true' }, '5'),
          sample({ namespace: 'demo', pod: 'books-1', classification: 'success', tls: 'true' }, 'NaN'),
        ],
      },
    });
    expect(rows[0]).toMatchObject({ kind: 'pod', name: 'books-1', successRate: 0, rps: 0.5 });
  });

  it('keys namespace rows by the namespace label alone', () => {
    const rows = statRows({
      kind: 'namespace',
      windowSeconds: 30,
      resources: [{ namespace: 'demo', name: 'demo', meshedPods: 3, totalPods: 4 }],
      vectors: {
        ...none,
        responses: [sample({ namespace: 'demo', classification: 'success', tls: 'true' }, '30')],
        latencyP99: [sample({ namespace: 'demo' }, '120')],
      },
    });
    expect(rows).toEqual([
      expect.objectContaining({ kind: 'namespace', namespace: 'demo', name: 'demo', successRate: 1, rps: 1, latencyMs: { p50: null, p95: null, p99: 120 } }),
    ]);
  });

  it('keys service rows by the clients\' dst_namespace and dst_service labels', () => {
    const svc = (metric: Record<string, string>) => ({ dst_namespace: 'demo', dst_service: 'books', ...metric });
    const rows = statRows({
      kind: 'service',
      windowSeconds: 10,
      resources: [{ namespace: 'demo', name: 'books', meshedPods: 2, totalPods: 2 }],
      vectors: {
        ...none,
        responses: [
          sample(svc({ classification: 'success', tls: 'no_identity' }), '18'),
          sample(svc({ classification: 'failure', tls: 'no_identity' }), '2'),
          // The source namespace label must not be taken for the row's namespace.
          sample({ namespace: 'books', dst_namespace: 'other', dst_service: 'books', classification: 'success', tls: 'true' }, '99'),
        ],
        tcpConnections: [sample(svc({}), '4')],
        tcpWriteBytes: [sample(svc({}), '50')],
      },
    });
    expect(rows).toEqual([
      expect.objectContaining({ kind: 'service', name: 'books', successRate: 0.9, rps: 2, tcpConnections: 4, writeBytesPerSec: 5 }),
    ]);
  });
});

describe('statRows overhead', () => {
  it('carries the proxies’ own p50/p99 per row when the overhead vectors are given', () => {
    const d = (deployment: string) => ({ namespace: 'demo', deployment });
    const rows = statRows({
      kind: 'deployment',
      windowSeconds: 60,
      resources: [books, web],
      vectors: { ...none, overheadP50: [sample(d('books'), '0.12')], overheadP99: [sample(d('books'), '0.9'), sample(d('web'), 'NaN')] },
    });
    expect(rows.map((r) => [r.name, r.overheadMs])).toEqual([
      ['books', { p50: 0.12, p99: 0.9 }],
      ['web', { p50: null, p99: null }],
    ]);
    expect(statRows({ kind: 'deployment', windowSeconds: 60, resources: [books], vectors: none })[0]).not.toHaveProperty('overheadMs');
  });
});
