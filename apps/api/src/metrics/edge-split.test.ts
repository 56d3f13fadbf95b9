import { registrySchema, type Edge } from '@signalbox/shared';
import { describe, expect, it } from 'vitest';
import { splitShares, withSplits } from './edge-split.js';

const registry = registrySchema.parse({
  namespaces: [
    {
      name: 'demo',
      services: [
        { name: 'books', port: 7001, deployment: 'books', policy: { backends: [{ service: 'books', weight: 90 }, { service: 'books-v2', weight: 10 }] } },
        { name: 'books-v2', port: 7011, deployment: 'books-v2' },
        { name: 'authors', port: 7002, deployment: 'authors' },
      ],
    },
  ],
});

const edge = (dst: string): Edge => ({
  src: { namespace: 'demo', deployment: 'web' },
  dst: { namespace: 'demo', deployment: dst },
  protocol: 'http',
  rps: 1,
  successRate: 1,
  latencyP99Ms: 1,
  tcpConnections: 1,
  readBytesPerSec: 0,
  writeBytesPerSec: 0,
  secured: false,
  noTlsReason: 'x',
  clientId: null,
  serverId: null,
});

describe('split shares on edges', () => {
  it('names each backend workload’s split and configured share; other edges unchanged', () => {
    const edges = withSplits([edge('books'), edge('books-v2'), edge('authors')], splitShares(registry));
    expect(edges.map((e) => [e.dst.deployment, e.split])).toEqual([
      ['books', { service: 'books', share: 0.9 }],
      ['books-v2', { service: 'books', share: 0.1 }],
      ['authors', undefined],
    ]);
  });
});
