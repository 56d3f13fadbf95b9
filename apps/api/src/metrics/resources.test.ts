import type { Registry } from '@signalbox/shared';
import { describe, expect, it } from 'vitest';
import { knownResources, resourceDetail } from './resources.js';

const proxy = (n: number) => ({ inbound: `127.0.0.1:${n}1`, outbound: `127.0.0.1:${n}2`, admin: `127.0.0.1:${n}3` });
const registry: Registry = {
  namespaces: [
    {
      name: 'demo',
      pods: [
        { name: 'books-1', deployment: 'books', serviceAccount: 'default', app: '127.0.0.1:7001', proxy: proxy(700) },
        { name: 'books-2', deployment: 'books', serviceAccount: 'default', app: '127.0.0.1:7002' },
        { name: 'web-1', deployment: 'web', serviceAccount: 'default', app: '127.0.0.1:8001', proxy: proxy(800) },
        { name: 'db-0', deployment: 'db', ownerKind: 'statefulset', serviceAccount: 'default', app: '127.0.0.1:9001', proxy: proxy(900) },
      ],
      services: [
        { name: 'books', port: 7001, deployment: 'books' },
        { name: 'books-v2', port: 7002, deployment: 'books' },
        { name: 'gone', port: 7003, deployment: 'nothing' },
      ],
    },
    { name: 'empty', pods: [], services: [] },
  ],
};

describe('knownResources', () => {
  it.each([
    [{ kind: 'deployment' }, [['demo', 'books', 1, 2], ['demo', 'web', 1, 1]]],
    [{ kind: 'deployment', namespace: 'demo', name: 'web' }, [['demo', 'web', 1, 1]]],
    [{ kind: 'deployment', namespace: 'empty' }, []],
    [{ kind: 'statefulset' }, [['demo', 'db', 1, 1]]],
    [{ kind: 'statefulset', name: 'books' }, []],
    [{ kind: 'daemonset' }, []],
    [{ kind: 'pod', namespace: 'demo' }, [['demo', 'books-1', 1, 1], ['demo', 'books-2', 0, 1], ['demo', 'web-1', 1, 1], ['demo', 'db-0', 1, 1]]],
    [{ kind: 'pod', name: 'books-2' }, [['demo', 'books-2', 0, 1]]],
    [{ kind: 'namespace' }, [['demo', 'demo', 3, 4], ['empty', 'empty', 0, 0]]],
    [{ kind: 'namespace', name: 'empty' }, [['empty', 'empty', 0, 0]]],
    [{ kind: 'namespace', namespace: 'demo' }, [['demo', 'demo', 3, 4]]],
    [{ kind: 'service', namespace: 'demo' }, [['demo', 'books', 1, 2], ['demo', 'books-v2', 1, 2], ['demo', 'gone', 0, 0]]],
    [{ kind: 'service', name: 'books' }, [['demo', 'books', 1, 2]]],
  ] as const)('%j', (filter, expected) => {
    expect(knownResources(registry, filter).map((r) => [r.namespace, r.name, r.meshedPods, r.totalPods])).toEqual(expected);
  });
});

describe('resourceDetail', () => {
  it('describes a deployment: its pods, meshed count and the services selecting it', () => {
    expect(resourceDetail(registry, 'deployment', 'demo', 'books')).toEqual({
      kind: 'deployment',
      namespace: 'demo',
      name: 'books',
      meshedPods: 1,
      totalPods: 2,
      deployments: ['books'],
      services: ['books', 'books-v2'],
      pods: [
        { name: 'books-1', deployment: 'books', ownerKind: 'deployment', serviceAccount: 'default', meshed: true },
        { name: 'books-2', deployment: 'books', ownerKind: 'deployment', serviceAccount: 'default', meshed: false },
      ],
    });
  });

  it.each([
    ['pod', 'books-2', { meshedPods: 0, totalPods: 1, deployments: ['books'], services: ['books', 'books-v2'] }],
    ['service', 'books-v2', { meshedPods: 1, totalPods: 2, deployments: ['books'], services: ['books', 'books-v2'] }],
    ['service', 'gone', { meshedPods: 0, totalPods: 0, deployments: ['nothing'], services: ['gone'] }],
    ['namespace', 'demo', { meshedPods: 3, totalPods: 4, deployments: ['books', 'db', 'web'] }],
    ['statefulset', 'db', { meshedPods: 1, totalPods: 1, deployments: ['db'], services: [], pods: [{ name: 'db-0', deployment: 'db', ownerKind: 'statefulset', serviceAccount: 'default', meshed: true }] }],
  ] as const)('describes %s %s', (kind, name, expected) => {
    expect(resourceDetail(registry, kind, 'demo', name)).toMatchObject(expected);
  });

  it.each([
    ['deployment', 'demo', 'ghost'],
    ['pod', 'demo', 'ghost-1'],
    ['service', 'demo', 'ghost'],
    ['namespace', 'demo', 'other'],
    ['deployment', 'nowhere', 'books'],
    ['deployment', 'demo', 'db'],
    ['daemonset', 'demo', 'books'],
  ] as const)('is null for an unknown %s %s/%s', (kind, namespace, name) => {
    expect(resourceDetail(registry, kind, namespace, name)).toBeNull();
  });
});
