import { registrySchema, type TapKind, type TapRequest } from '@signalbox/shared';
import { describe, expect, it } from 'vitest';
import { proxyMatch, splitMaxRps, tapTargets } from './targets.js';

const proxy = (n: number) => ({ inbound: `127.0.0.1:${n}1`, outbound: `127.0.0.1:${n}2`, admin: `127.0.0.1:${n}3` });
const registry = registrySchema.parse({
  namespaces: [
    {
      name: 'demo',
      pods: [
        { name: 'books-0', deployment: 'books', serviceAccount: 'books', app: '127.0.0.1:2000', proxy: proxy(100) },
        { name: 'books-1', deployment: 'books', app: '127.0.0.1:2001', proxy: proxy(101) },
        { name: 'legacy-0', deployment: 'legacy', app: '127.0.0.1:2002' },
        { name: 'db-0', deployment: 'db', ownerKind: 'statefulset', app: '127.0.0.1:2003', proxy: proxy(103) },
        { name: 'db-1', deployment: 'db', ownerKind: 'statefulset', app: '127.0.0.1:2004', proxy: proxy(104) },
        { name: 'agent-x1', deployment: 'agent', ownerKind: 'daemonset', app: '127.0.0.1:2005', proxy: proxy(105) },
        { name: 'migrate-x2', deployment: 'migrate', ownerKind: 'job', app: '127.0.0.1:2006', proxy: proxy(106) },
        { name: 'cache-x3', deployment: 'cache', ownerKind: 'replicaset', app: '127.0.0.1:2007', proxy: proxy(107) },
        // Same name, other kind: a target's kind must match the pod's owner, not only its name.
        { name: 'agent-0', deployment: 'agent', app: '127.0.0.1:2008', proxy: proxy(108) },
      ],
    },
    { name: 'shop', pods: [{ name: 'cart-0', deployment: 'cart', app: '127.0.0.1:2009', proxy: proxy(109) }] },
    { name: 'empty', pods: [{ name: 'old-0', deployment: 'old', app: '127.0.0.1:2010' }] },
  ],
});
const req = (target: TapRequest['target'], extra: Partial<TapRequest> = {}): TapRequest => ({ v: 1, target, maxRps: 100, extractHeaders: false, ...extra });
const deploy = (name: string, namespace = 'demo') => ({ namespace, kind: 'deployment' as const, name });

describe('splitMaxRps', () => {
  it.each<[number, number, number[]]>([
    [100, 1, [100]],
    [100, 2, [50, 50]],
    [100, 3, [34, 33, 33]],
    [10, 4, [3, 3, 2, 2]],
    [2, 5, [1, 1, 1, 1, 1]],
    [1, 1, [1]],
    [100, 0, []],
  ])('%d rps over %d pods', (rps, pods, expected) => {
    expect(splitMaxRps(rps, pods)).toEqual(expected);
  });
});

describe('tapTargets', () => {
  it('finds the meshed pods of a deployment, with their admin address and labels', () => {
    const t = tapTargets(registry, req(deploy('books')));
    expect(t.ok && t.pods.map((p) => [p.admin, p.labels])).toEqual([
      ['127.0.0.1:1003', { namespace: 'demo', deployment: 'books', pod: 'books-0', serviceaccount: 'books' }],
      ['127.0.0.1:1013', { namespace: 'demo', deployment: 'books', pod: 'books-1', serviceaccount: 'default' }],
    ]);
    const pod = tapTargets(registry, req({ namespace: 'demo', kind: 'pod', name: 'books-1' }));
    expect(pod.ok && pod.pods.map((p) => p.pod.name)).toEqual(['books-1']);
  });

  it('labels a pod of another owner by its kind, and does not take it for a deployment of that name', () => {
    const db = tapTargets(registry, req({ namespace: 'demo', kind: 'pod', name: 'db-0' }));
    expect(db.ok && db.pods.map((p) => p.labels)).toEqual([{ namespace: 'demo', statefulset: 'db', pod: 'db-0', serviceaccount: 'default' }]);
    expect(tapTargets(registry, req(deploy('db')))).toMatchObject({ ok: false, code: 'SB_TAP_UNKNOWN_RESOURCE' });
  });

  it.each<[TapKind, string, string[], Record<string, string>]>([
    ['statefulset', 'db', ['db-0', 'db-1'], { statefulset: 'db' }],
    ['daemonset', 'agent', ['agent-x1'], { daemonset: 'agent' }],
    ['job', 'migrate', ['migrate-x2'], { k8s_job: 'migrate' }],
    ['replicaset', 'cache', ['cache-x3'], { replicaset: 'cache' }],
    ['deployment', 'agent', ['agent-0'], { deployment: 'agent' }],
  ])('finds the pods of %s/%s only, labelled by their owner kind', (kind, name, pods, owner) => {
    const t = tapTargets(registry, req({ namespace: 'demo', kind, name }));
    expect(t.ok && t.pods.map((p) => p.pod.name)).toEqual(pods);
    expect(t.ok && t.pods.map((p) => p.labels)).toEqual(pods.map((pod) => ({ namespace: 'demo', ...owner, pod, serviceaccount: 'default' })));
  });

  it('taps every meshed pod of a namespace, whatever the request’s namespace field says', () => {
    const demo = tapTargets(registry, req({ namespace: 'demo', kind: 'namespace', name: 'demo' }));
    expect(demo.ok && demo.pods.map((p) => p.pod.name)).toEqual(['books-0', 'books-1', 'db-0', 'db-1', 'agent-x1', 'migrate-x2', 'cache-x3', 'agent-0']);
    const shop = tapTargets(registry, req({ namespace: 'demo', kind: 'namespace', name: 'shop' }));
    expect(shop.ok && shop.pods.map((p) => [p.namespace, p.pod.name, p.labels.namespace])).toEqual([['shop', 'cart-0', 'shop']]);
  });

  it.each<[string, TapRequest, RegExp]>([
    ['unknown namespace target', req({ namespace: 'demo', kind: 'namespace', name: 'nope' }), /^SB_TAP_UNKNOWN_RESOURCE: no namespace nope$/],
    ['namespace without meshed pods', req({ namespace: 'empty', kind: 'namespace', name: 'empty' }), /^SB_TAP_NO_MESHED_PODS: namespace empty has no meshed pods$/],
    ['a statefulset by a deployment’s name', req({ namespace: 'demo', kind: 'statefulset', name: 'books' }), /SB_TAP_UNKNOWN_RESOURCE: no statefulset\/books/],
    ['unknown namespace', req(deploy('books', 'other')), /SB_TAP_UNKNOWN_RESOURCE: no deployment\/books in namespace other/],
    ['unknown deployment', req(deploy('nope')), /SB_TAP_UNKNOWN_RESOURCE/],
    ['unknown --to', req(deploy('books'), { to: deploy('nope') }), /SB_TAP_UNKNOWN_RESOURCE: .*--to/],
    ['no meshed pods', req(deploy('legacy')), /SB_TAP_NO_MESHED_PODS/],
  ])('refuses %s', (_name, request, message) => {
    const t = tapTargets(registry, request);
    expect(t.ok ? 'ok' : `${t.code}: ${t.message}`).toMatch(message);
  });
});

describe('proxyMatch', () => {
  it('turns --to into a destination-label match and keeps the filters', () => {
    expect(proxyMatch(req(deploy('web')))).toBeUndefined();
    expect(proxyMatch(req(deploy('web'), { match: { method: 'GET' } }))).toEqual({ method: 'GET' });
    expect(proxyMatch(req(deploy('web'), { to: deploy('books'), match: { method: 'GET' } }))).toEqual({
      all: [{ method: 'GET' }, { destination: { labels: { namespace: 'demo', deployment: 'books' } } }],
    });
  });

  it.each<[TapRequest['target'], Record<string, string>]>([
    [{ namespace: 'demo', kind: 'pod', name: 'db-0' }, { namespace: 'demo', pod: 'db-0' }],
    [{ namespace: 'demo', kind: 'statefulset', name: 'db' }, { namespace: 'demo', statefulset: 'db' }],
    [{ namespace: 'demo', kind: 'daemonset', name: 'agent' }, { namespace: 'demo', daemonset: 'agent' }],
    [{ namespace: 'demo', kind: 'replicaset', name: 'cache' }, { namespace: 'demo', replicaset: 'cache' }],
    // A Job's label is k8s_job on endpoints as on metrics: Prometheus' own `job` is the scrape job.
    [{ namespace: 'demo', kind: 'job', name: 'migrate' }, { namespace: 'demo', k8s_job: 'migrate' }],
    [{ namespace: 'demo', kind: 'namespace', name: 'shop' }, { namespace: 'shop' }],
  ])('--to %j matches the destination labels %j', (to, labels) => {
    expect(proxyMatch(req(deploy('web'), { to }))).toEqual({ destination: { labels } });
  });
});
