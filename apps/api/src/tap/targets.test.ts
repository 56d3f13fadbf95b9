import { registrySchema, type TapRequest } from '@signalbox/shared';
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
      ],
    },
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

  it.each<[string, TapRequest, RegExp]>([
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
});
