import type { Registry } from '@signalbox/shared';
import { describe, expect, it } from 'vitest';
import { knownResources } from './resources.js';

const proxy = (n: number) => ({ inbound: `127.0.0.1:${n}1`, outbound: `127.0.0.1:${n}2`, admin: `127.0.0.1:${n}3` });
const registry: Registry = {
  namespaces: [
    {
      name: 'demo',
      pods: [
        { name: 'books-1', deployment: 'books', serviceAccount: 'default', app: '127.0.0.1:7001', proxy: proxy(700) },
        { name: 'books-2', deployment: 'books', serviceAccount: 'default', app: '127.0.0.1:7002' },
        { name: 'web-1', deployment: 'web', serviceAccount: 'default', app: '127.0.0.1:8001', proxy: proxy(800) },
      ],
      services: [],
    },
    { name: 'empty', pods: [], services: [] },
  ],
};

describe('knownResources', () => {
  it.each([
    [{ kind: 'deployment' }, [['demo', 'books', 1, 2], ['demo', 'web', 1, 1]]],
    [{ kind: 'deployment', namespace: 'demo', name: 'web' }, [['demo', 'web', 1, 1]]],
    [{ kind: 'deployment', namespace: 'empty' }, []],
    [{ kind: 'pod', namespace: 'demo' }, [['demo', 'books-1', 1, 1], ['demo', 'books-2', 0, 1], ['demo', 'web-1', 1, 1]]],
    [{ kind: 'pod', name: 'books-2' }, [['demo', 'books-2', 0, 1]]],
    [{ kind: 'namespace' }, [['demo', 'demo', 2, 3], ['empty', 'empty', 0, 0]]],
    [{ kind: 'namespace', name: 'empty' }, [['empty', 'empty', 0, 0]]],
    [{ kind: 'namespace', namespace: 'demo' }, [['demo', 'demo', 2, 3]]],
  ] as const)('%j', (filter, expected) => {
    expect(knownResources(registry, filter).map((r) => [r.namespace, r.name, r.meshedPods, r.totalPods])).toEqual(expected);
  });
});
