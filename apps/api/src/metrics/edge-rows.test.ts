// The edges reducer on canned Prometheus vectors: HTTP edges, TCP-only edges, idle series and the TLS verdict.
import type { Vector } from '@signalbox/shared';
import { describe, expect, it } from 'vitest';
import { edgeRows, type EdgeVectors } from './edge-rows.js';

const sample = (metric: Record<string, string>, value: string): Vector[number] => ({ metric, value: [1795634161.014, value] });
const none: EdgeVectors = { responses: [], latencyP99: [], tcpConnections: [], tcpReadBytes: [], tcpWriteBytes: [] };
const edge = (src: string, dst: string, extra: Record<string, string> = {}) => ({
  namespace: 'demo',
  deployment: src,
  dst_namespace: 'demo',
  dst_deployment: dst,
  ...extra,
});
const plain = { tls: 'no_identity', no_tls_reason: 'not_provided_by_service_discovery', server_id: '' };

describe('edgeRows', () => {
  it('reduces an HTTP edge: RPS, success rate, p99, connections, bytes/s and why it is not secured', () => {
    const rows = edgeRows({
      windowSeconds: 60,
      vectors: {
        responses: [
          sample(edge('web', 'books', { classification: 'success', tls: 'no_identity' }), '108'),
          sample(edge('web', 'books', { classification: 'failure', tls: 'no_identity' }), '12'),
        ],
        latencyP99: [sample(edge('web', 'books'), '48.5')],
        tcpConnections: [sample(edge('web', 'books', plain), '2')],
        tcpReadBytes: [sample(edge('web', 'books', plain), '60000')],
        tcpWriteBytes: [sample(edge('web', 'books', plain), '6000')],
      },
    });
    expect(rows).toEqual([
      {
        src: { namespace: 'demo', kind: 'deployment', name: 'web' },
        dst: { namespace: 'demo', kind: 'deployment', name: 'books' },
        protocol: 'http',
        rps: 2,
        successRate: 0.9,
        latencyP99Ms: 48.5,
        tcpConnections: 2,
        readBytesPerSec: 1000,
        writeBytesPerSec: 100,
        secured: false,
        noTlsReason: 'not_provided_by_service_discovery',
        clientId: null,
        serverId: null,
      },
    ]);
  });

  it('keeps TCP-only edges (no requests), which Linkerd\'s graph misses', () => {
    const rows = edgeRows({
      windowSeconds: 10,
      vectors: { ...none, tcpConnections: [sample(edge('books', 'db', plain), '1')], tcpWriteBytes: [sample(edge('books', 'db', plain), '500')] },
    });
    expect(rows).toEqual([
      expect.objectContaining({ protocol: 'tcp', rps: 0, successRate: null, latencyP99Ms: null, tcpConnections: 1, writeBytesPerSec: 50 }),
    ]);
  });

  it('keeps an edge whose connections closed during the window (bytes only)', () => {
    const rows = edgeRows({
      windowSeconds: 10,
      vectors: { ...none, tcpConnections: [sample(edge('web', 'authors', plain), '0')], tcpReadBytes: [sample(edge('web', 'authors', plain), '20')] },
    });
    expect(rows.map((r) => [r.dst.name, r.tcpConnections, r.readBytesPerSec])).toEqual([['authors', 0, 2]]);
  });

  it('drops idle series, series without a destination workload, and latency alone', () => {
    const rows = edgeRows({
      windowSeconds: 60,
      vectors: {
        responses: [
          sample(edge('web', 'books', { classification: 'success', tls: 'true' }), '0'),
          sample(edge('web', '', { classification: 'success', tls: 'true' }), '10'),
          sample(edge('web', 'books', { classification: 'success', tls: 'true' }), 'NaN'),
        ],
        latencyP99: [sample(edge('web', 'authors'), '3')],
        tcpConnections: [sample(edge('traffic', 'web', plain), '0')],
        tcpReadBytes: [],
        tcpWriteBytes: [],
      },
    });
    expect(rows).toEqual([]);
  });

  it('is secured only when every active series is mTLS, with the server identity', () => {
    const mtls = { tls: 'true', no_tls_reason: '', server_id: 'books.demo.serviceaccount.identity.signalbox.local' };
    const rows = edgeRows({
      windowSeconds: 60,
      vectors: {
        ...none,
        responses: [
          sample(edge('web', 'books', { classification: 'success', tls: 'true' }), '60'),
          sample(edge('web', 'authors', { classification: 'success', tls: 'true' }), '60'),
          sample(edge('web', 'authors', { classification: 'success', tls: 'no_identity' }), '6'),
        ],
        tcpConnections: [
          sample(edge('web', 'books', mtls), '1'),
          // An old plaintext series with nothing open does not vote.
          sample(edge('web', 'books', plain), '0'),
          sample(edge('web', 'authors', mtls), '1'),
        ],
      },
    });
    expect(rows.map((r) => [r.dst.name, r.secured, r.noTlsReason, r.serverId])).toEqual([
      ['authors', false, 'no_identity', null],
      ['books', true, null, mtls.server_id],
    ]);
  });

  it('joins StatefulSets and DaemonSets as Deployments, by the one owner label each side carries', () => {
    const series = (src: Record<string, string>, dst: Record<string, string>) => sample({ namespace: 'demo', dst_namespace: 'demo', ...src, ...dst, ...plain }, '1');
    const rows = edgeRows({
      windowSeconds: 60,
      vectors: {
        ...none,
        tcpConnections: [
          // A StatefulSet's endpoint: dst_deployment is "" (Linkerd's GetPodLabels), dst_statefulset names it.
          series({ deployment: 'web' }, { dst_deployment: '', dst_statefulset: 'db' }),
          series({ daemonset: 'agent' }, { dst_statefulset: 'db' }),
          series({ statefulset: 'db' }, { dst_daemonset: 'agent' }),
          // A Deployment and a StatefulSet may share a name: two workloads.
          series({ deployment: 'web' }, { dst_deployment: 'db' }),
          // A ReplicaSet's or a bare pod's endpoint is no edge kind.
          series({ deployment: 'web' }, { dst_replicaset: 'rs' }),
          series({ deployment: 'web' }, { dst_pod: 'debug' }),
        ],
      },
    });
    const end = (w: { kind: string; name: string }) => `${w.kind}/${w.name}`;
    expect(rows.map((r) => `${end(r.src)}>${end(r.dst)}`)).toEqual([
      'daemonset/agent>statefulset/db',
      'statefulset/db>daemonset/agent',
      'deployment/web>deployment/db',
      'deployment/web>statefulset/db',
    ]);
  });

  it('adds a StatefulSet destination’s own inbound overhead, keyed by its kind', () => {
    const responses = [sample({ namespace: 'demo', deployment: 'web', dst_namespace: 'demo', dst_statefulset: 'db', classification: 'success', tls: 'true' }, '60')];
    const rows = edgeRows({
      windowSeconds: 60,
      vectors: { ...none, responses },
      overhead: { outboundP50: [], outboundP99: [], inboundP50: [sample({ namespace: 'demo', statefulset: 'db' }, '0.3'), sample({ namespace: 'demo', deployment: 'db' }, '9')], inboundP99: [] },
    });
    expect(rows.map((r) => r.overheadMs)).toEqual([{ p50: 0.3, p99: null }]);
  });

  it('sorts by source then destination, across namespaces', () => {
    const conn = (src: string, dstNs: string, dst: string) =>
      sample({ namespace: 'demo', deployment: src, dst_namespace: dstNs, dst_deployment: dst, ...plain }, '1');
    const rows = edgeRows({
      windowSeconds: 60,
      vectors: { ...none, tcpConnections: [conn('web', 'demo', 'books'), conn('traffic', 'demo', 'web'), conn('web', 'db', 'postgres'), conn('web', 'demo', 'authors')] },
    });
    expect(rows.map((r) => `${r.src.name}>${r.dst.namespace}/${r.dst.name}`)).toEqual([
      'traffic>demo/web',
      'web>db/postgres',
      'web>demo/authors',
      'web>demo/books',
    ]);
  });
});

describe('edgeRows overhead', () => {
  it('adds the source proxy’s outbound quantile on the edge and the destination’s inbound one', () => {
    const vectors: EdgeVectors = {
      ...none,
      responses: [
        sample(edge('web', 'books', { classification: 'success', tls: 'no_identity' }), '60'),
        sample(edge('traffic', 'web', { classification: 'success', tls: 'no_identity' }), '60'),
        sample(edge('web', 'ext', { classification: 'success', tls: 'no_identity' }), '60'),
      ],
    };
    const workload = (deployment: string) => ({ namespace: 'demo', deployment });
    const rows = edgeRows({
      windowSeconds: 60,
      vectors,
      overhead: {
        outboundP50: [sample(edge('web', 'books'), '0.1'), sample(edge('traffic', 'web'), 'NaN'), sample(edge('web', 'ext'), '0.2')],
        outboundP99: [sample(edge('web', 'books'), '0.5'), sample(edge('web', 'ext'), '1')],
        inboundP50: [sample(workload('books'), '0.15'), sample(workload('web'), '0.1')],
        inboundP99: [sample(workload('books'), '0.75')],
      },
    });
    const overhead = Object.fromEntries(rows.map((r) => [`${r.src.name}>${r.dst.name}`, r.overheadMs]));
    expect(overhead).toEqual({
      'web>books': { p50: 0.25, p99: 1.25 },
      // NaN (too few samples) on one side: the other side alone.
      'traffic>web': { p50: 0.1, p99: null },
      // A destination without a proxy of its own: the source side alone.
      'web>ext': { p50: 0.2, p99: 1 },
    });
  });

  it('leaves overhead out without its vectors, and on TCP-only edges', () => {
    const rows = edgeRows({ windowSeconds: 60, vectors: { ...none, tcpConnections: [sample(edge('web', 'redis', plain), '1')] } });
    expect(rows[0]).not.toHaveProperty('overheadMs');
  });
});
