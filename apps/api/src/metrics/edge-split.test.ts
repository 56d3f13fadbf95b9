import { registrySchema, type Edge } from '@signalbox/shared';
import { describe, expect, it } from 'vitest';
import { edgeTraffic } from '../../test/support/edge.js';
import { splitShares, withSplits } from './edge-split.js';

const registry = registrySchema.parse({
  namespaces: [
    {
      name: 'demo',
      pods: [{ name: 'books-v2-0', deployment: 'books-v2', ownerKind: 'statefulset', app: '127.0.0.1:100' }],
      services: [
        { name: 'books', port: 7001, deployment: 'books', policy: { backends: [{ service: 'books', weight: 90 }, { service: 'books-v2', weight: 10 }] } },
        { name: 'books-v2', port: 7011, deployment: 'books-v2' },
        { name: 'authors', port: 7002, deployment: 'authors' },
      ],
    },
  ],
});

const edge = (dst: string, kind: Edge['dst']['kind'] = 'deployment'): Edge => ({
  src: { namespace: 'demo', kind: 'deployment', name: 'web' },
  dst: { namespace: 'demo', kind, name: dst },
  ...edgeTraffic,
  secured: false,
  noTlsReason: 'x',
  clientId: null,
  serverId: null,
});

describe('split shares on edges', () => {
  it('names each backend workload’s split and configured share, of the kind its pods say; other edges unchanged', () => {
    const edges = withSplits([edge('books'), edge('books-v2', 'statefulset'), edge('books-v2'), edge('authors')], splitShares(registry));
    expect(edges.map((e) => [e.dst.kind, e.dst.name, e.split])).toEqual([
      ['deployment', 'books', { service: 'books', share: 0.9 }],
      ['statefulset', 'books-v2', { service: 'books', share: 0.1 }],
      ['deployment', 'books-v2', undefined],
      ['deployment', 'authors', undefined],
    ]);
  });
});
