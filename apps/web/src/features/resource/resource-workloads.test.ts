import type { ResourceDetail } from '@signalbox/shared';
import { describe, expect, it } from 'vitest';
import { edgesNote, edgeWorkloads, liveCallsTarget, podWorkloads } from './resource-workloads';

type Pod = ResourceDetail['pods'][number];
const pod = (name: string, deployment: string, ownerKind: Pod['ownerKind'] = 'deployment'): Pod => ({ name, deployment, ownerKind, serviceAccount: 'default', meshed: true });
const detail = (kind: ResourceDetail['kind'], name: string, pods: Pod[]): ResourceDetail => ({
  kind,
  namespace: 'demo',
  name,
  meshedPods: pods.length,
  totalPods: pods.length,
  deployments: [...new Set(pods.map((p) => p.deployment))],
  services: [],
  pods,
});

const books = detail('deployment', 'books', [pod('books-1', 'books'), pod('books-0', 'books')]);
const db = detail('statefulset', 'db', [pod('db-0', 'db', 'statefulset'), pod('db-1', 'db', 'statefulset')]);
const agent = detail('daemonset', 'agent', [pod('agent-x1', 'agent', 'daemonset')]);
// A service selecting a StatefulSet's pods and a Deployment's of the same name, and a bare pod.
const mixed = detail('service', 'store', [pod('store-0', 'store', 'statefulset'), pod('store-5d8f-x', 'store'), pod('debug', 'debug', 'pod')]);

describe('podWorkloads', () => {
  it('lists each owner once by kind, sorted, without bare pods', () => {
    expect(podWorkloads(books.pods)).toEqual([{ kind: 'deployment', name: 'books' }]);
    expect(podWorkloads(mixed.pods)).toEqual([
      { kind: 'deployment', name: 'store' },
      { kind: 'statefulset', name: 'store' },
    ]);
  });
});

describe('liveCallsTarget', () => {
  it.each([
    ['deployment', 'books', books, { namespace: 'demo', kind: 'deployment', name: 'books' }],
    ['statefulset', 'db', db, { namespace: 'demo', kind: 'statefulset', name: 'db' }],
    ['daemonset', 'agent', undefined, { namespace: 'demo', kind: 'daemonset', name: 'agent' }],
    ['pod', 'db-0', detail('pod', 'db-0', [pod('db-0', 'db', 'statefulset')]), { namespace: 'demo', kind: 'pod', name: 'db-0' }],
    // A service taps the workload behind it, by its real kind.
    ['service', 'db', detail('service', 'db', db.pods), { namespace: 'demo', kind: 'statefulset', name: 'db' }],
    ['service', 'store', mixed, { namespace: 'demo', kind: 'deployment', name: 'store' }],
    ['service', 'gone', detail('service', 'gone', []), null],
    ['service', 'books', undefined, null],
  ] as const)('%s/%s', (kind, name, d, target) => expect(liveCallsTarget(kind, 'demo', name, d)).toEqual(target));
});

describe('edges of a resource', () => {
  it('are its workloads’ edges, Deployments, StatefulSets and DaemonSets alike; a pod or service says whose', () => {
    expect([edgeWorkloads(books), edgesNote('deployment', books)]).toEqual([[{ kind: 'deployment', name: 'books' }], undefined]);
    expect([edgeWorkloads(db), edgesNote('statefulset', db)]).toEqual([[{ kind: 'statefulset', name: 'db' }], undefined]);
    expect([edgeWorkloads(agent), edgesNote('daemonset', agent)]).toEqual([[{ kind: 'daemonset', name: 'agent' }], undefined]);
    expect([edgeWorkloads(mixed), edgesNote('service', mixed)]).toEqual([
      [
        { kind: 'deployment', name: 'store' },
        { kind: 'statefulset', name: 'store' },
      ],
      'Edges are per workload: these are the edges of deployment store, statefulset store.',
    ]);
    const debug = detail('pod', 'debug', [pod('debug', 'debug', 'pod')]);
    expect([edgeWorkloads(debug), edgesNote('pod', debug)]).toEqual([[], 'Edges are measured between deployments, statefulsets and daemonsets: none are shown for this pod.']);
    expect([edgeWorkloads(undefined), edgesNote('pod', undefined)]).toEqual([undefined, undefined]);
  });
});
