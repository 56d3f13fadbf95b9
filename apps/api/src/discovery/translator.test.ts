// Destination diffs, as Linkerd's endpoint translator sends them: a first message always, then only changes.
import type { Endpoint, Registry, RegistryPod } from '@signalbox/shared';
import { describe, expect, it } from 'vitest';
import { resolveAuthority, translate, type Resolution } from './translator.js';

const booksIdentity = 'default.demo.serviceaccount.identity.signalbox.cluster.local';
const ep = (pod: string, addr: string, meshed = true): Endpoint => ({
  addr,
  meshed,
  labels: { namespace: 'demo', service: 'books', deployment: 'books', pod, serviceaccount: 'default' },
  ...(meshed ? { identity: booksIdentity } : {}),
});
const set = (...endpoints: Endpoint[]): Resolution => ({ exists: true, endpoints });
const gone: Resolution = { exists: false };
const a = ep('books-1', '127.0.0.1:7101');
const b = ep('books-2', '127.0.0.1:7102');
const c = ep('books-3', '127.0.0.1:7103');

describe('translate', () => {
  it.each<{ what: string; previous: Resolution | undefined; next: Resolution; expected: unknown[] }>([
    { what: 'first message: endpoints', previous: undefined, next: set(a, b), expected: [{ type: 'add', endpoints: [a, b] }] },
    { what: 'first message: no service', previous: undefined, next: gone, expected: [{ type: 'noEndpoints', exists: false }] },
    { what: 'first message: no pods', previous: undefined, next: set(), expected: [{ type: 'noEndpoints', exists: true }] },
    { what: 'unchanged', previous: set(a, b), next: set(a, b), expected: [] },
    { what: 'unchanged, reordered', previous: set(a, b), next: set(b, a), expected: [] },
    { what: 'a pod added', previous: set(a), next: set(a, b), expected: [{ type: 'add', endpoints: [b] }] },
    { what: 'a pod removed', previous: set(a, b), next: set(a), expected: [{ type: 'remove', addrs: [b.addr] }] },
    {
      what: 'one added, one removed',
      previous: set(a, b),
      next: set(a, c),
      expected: [
        { type: 'remove', addrs: [b.addr] },
        { type: 'add', endpoints: [c] },
      ],
    },
    {
      what: 'an endpoint changed (meshed → unmeshed on the same address)',
      previous: set(a),
      next: set({ ...a, meshed: false }),
      expected: [{ type: 'add', endpoints: [{ ...a, meshed: false }] }],
    },
    {
      what: 'identity changed (serviceaccount edited)',
      previous: set(a),
      next: set({ ...a, identity: 'books.demo.serviceaccount.identity.signalbox.cluster.local' }),
      expected: [{ type: 'add', endpoints: [{ ...a, identity: 'books.demo.serviceaccount.identity.signalbox.cluster.local' }] }],
    },
    {
      what: 'labels changed',
      previous: set(a),
      next: set({ ...a, labels: { ...a.labels, serviceaccount: 'books' } }),
      expected: [{ type: 'add', endpoints: [{ ...a, labels: { ...a.labels, serviceaccount: 'books' } }] }],
    },
    { what: 'set becomes empty', previous: set(a, b), next: set(), expected: [{ type: 'noEndpoints', exists: true }] },
    { what: 'stays empty', previous: set(), next: set(), expected: [] },
    { what: 'refilled after empty: the whole set', previous: set(), next: set(a, b), expected: [{ type: 'add', endpoints: [a, b] }] },
    { what: 'service disappears', previous: set(a), next: gone, expected: [{ type: 'noEndpoints', exists: false }] },
    { what: 'stays absent', previous: gone, next: gone, expected: [] },
    { what: 'service appears', previous: gone, next: set(a), expected: [{ type: 'add', endpoints: [a] }] },
    { what: 'service appears without pods', previous: gone, next: set(), expected: [{ type: 'noEndpoints', exists: true }] },
  ])('$what', ({ previous, next, expected }) => {
    expect(translate(previous, next)).toEqual(expected);
  });
});

describe('resolveAuthority', () => {
  const pod = (name: string, deployment: string, app: string, inbound?: string): RegistryPod => ({
    name,
    deployment,
    serviceAccount: 'default',
    app,
    ...(inbound ? { proxy: { inbound, outbound: `${inbound}1`, admin: `${inbound}2` } } : {}),
  });
  const registry: Registry = {
    namespaces: [
      {
        name: 'demo',
        pods: [pod('books-1', 'books', '127.0.0.1:7001', '127.0.0.1:7101'), pod('books-2', 'books', '127.0.0.1:7002'), pod('web-1', 'web', '127.0.0.1:8001')],
        services: [
          { name: 'books', port: 7000, deployment: 'books' },
          { name: 'empty', port: 80, deployment: 'nothing' },
        ],
      },
    ],
  };

  it('selects the pods of the service deployment: proxy inbound when meshed, app address when not', () => {
    expect(resolveAuthority(registry, { service: 'books', namespace: 'demo', port: 7000 })).toEqual({
      exists: true,
      endpoints: [
        { ...ep('books-1', '127.0.0.1:7101'), labels: { ...ep('books-1', '').labels }, appPort: 7001 },
        ep('books-2', '127.0.0.1:7002', false),
      ],
    });
  });

  it('meshed endpoints carry the identity of their serviceaccount and namespace, in the trust domain asked for', () => {
    const withSa: Registry = {
      namespaces: [{ ...registry.namespaces[0]!, pods: [{ ...pod('books-1', 'books', '127.0.0.1:7001', '127.0.0.1:7101'), serviceAccount: 'books' }] }],
    };
    const resolved = resolveAuthority(withSa, { service: 'books', namespace: 'demo', port: 7000 }, 'example.org');
    expect(resolved.exists && resolved.endpoints.map((e) => e.identity)).toEqual(['books.demo.serviceaccount.identity.signalbox.example.org']);
  });

  it('unmeshed endpoints have no identity', () => {
    const resolved = resolveAuthority(registry, { service: 'books', namespace: 'demo', port: 7000 });
    expect(resolved.exists && resolved.endpoints.find((e) => !e.meshed)).not.toHaveProperty('identity');
  });

  it('a meshed pod’s skipped inbound port is served at its app, unmeshed, with no identity; other ports stay meshed', () => {
    const books = pod('books-1', 'books', '127.0.0.1:7001', '127.0.0.1:7101');
    const skipping = (ranges: string[]): Registry => ({
      namespaces: [{ ...registry.namespaces[0]!, pods: [{ ...books, proxy: { ...books.proxy!, skipInboundPorts: ranges } }] }],
    });
    const at = (r: Registry) => {
      const resolved = resolveAuthority(r, { service: 'books', namespace: 'demo', port: 7000 });
      return resolved.exists ? resolved.endpoints : [];
    };
    expect(at(skipping(['25', '7000-7005']))).toEqual([{ addr: '127.0.0.1:7001', meshed: false, labels: ep('books-1', '').labels }]);
    expect(at(skipping(['25', '7002-7005']))).toEqual([{ ...ep('books-1', '127.0.0.1:7101'), appPort: 7001 }]);
  });

  it.each([
    ['an unknown service', { service: 'nope', namespace: 'demo', port: 7000 }],
    ['an unknown namespace', { service: 'books', namespace: 'other', port: 7000 }],
    ['a port the service does not have', { service: 'books', namespace: 'demo', port: 7001 }],
  ])('%s does not exist', (_what, authority) => {
    expect(resolveAuthority(registry, authority)).toEqual({ exists: false });
  });

  it('a service whose deployment has no pods exists, empty', () => {
    expect(resolveAuthority(registry, { service: 'empty', namespace: 'demo', port: 80 })).toEqual({ exists: true, endpoints: [] });
  });
});

describe('resolveAuthority: what a Kubernetes source adds (several ports, EndpointSlice pods, readiness, owners)', () => {
  const k8sPod = (name: string, ip: string, extra: Partial<RegistryPod> = {}): RegistryPod => ({
    name,
    deployment: 'books',
    serviceAccount: 'books',
    app: `${ip}:80`,
    proxy: { inbound: `${ip}:4143`, outbound: `${ip}:4140`, admin: `${ip}:4191`, intercept: true },
    ...extra,
  });
  const registry: Registry = {
    namespaces: [
      {
        name: 'demo',
        pods: [
          k8sPod('books-a', '10.0.0.1'),
          k8sPod('books-b', '10.0.0.2', { ready: false }),
          k8sPod('plain-0', '10.0.0.3', { proxy: undefined, deployment: 'db', ownerKind: 'statefulset' }),
          k8sPod('stray', '10.0.0.4'),
        ],
        services: [
          {
            name: 'books',
            port: 80,
            deployment: 'books',
            ports: [{ port: 80, targetPort: 8080 }, { port: 9090, targetPort: 9091 }],
            pods: ['books-a', 'books-b', 'plain-0'],
          },
        ],
      },
    ],
  };
  const resolve = (port: number) => {
    const r = resolveAuthority(registry, { service: 'books', namespace: 'demo', port });
    return r.exists ? r.endpoints : null;
  };

  // A meshed pod is dialled on the target port too: its PREROUTING rule hands the connection to its inbound proxy,
  // whose original destination names the app; so each port is its own peer address and pool.
  it('takes the pods the service names (not its deployment), ready ones only, on the asked port’s target', () => {
    expect(resolve(80)?.map((e) => [e.labels.pod, e.addr, e.appPort])).toEqual([
      ['books-a', '10.0.0.1:8080', 8080],
      ['plain-0', '10.0.0.3:8080', undefined],
    ]);
    expect(resolve(9090)?.map((e) => [e.labels.pod, e.addr, e.appPort])).toEqual([
      ['books-a', '10.0.0.1:9091', 9091],
      ['plain-0', '10.0.0.3:9091', undefined],
    ]);
    expect(resolve(81)).toBeNull();
  });

  it('labels a non-Deployment owner under its kind, with an empty deployment (Linkerd’s GetPodLabels)', () => {
    expect(resolve(80)?.find((e) => e.labels.pod === 'plain-0')?.labels).toEqual({
      namespace: 'demo',
      service: 'books',
      deployment: '',
      statefulset: 'db',
      pod: 'plain-0',
      serviceaccount: 'books',
    });
  });

  it('a pod turning unready is removed; an owner label change is re-added', () => {
    const before = resolveAuthority(registry, { service: 'books', namespace: 'demo', port: 80 });
    const ns = registry.namespaces[0]!;
    const after = resolveAuthority(
      { namespaces: [{ ...ns, pods: ns.pods.map((p) => (p.name === 'books-a' ? { ...p, ready: false } : p.name === 'plain-0' ? { ...p, ownerKind: 'daemonset' as const } : p)) }] },
      { service: 'books', namespace: 'demo', port: 80 },
    );
    const updates = translate(before, after);
    expect(updates[0]).toEqual({ type: 'remove', addrs: ['10.0.0.1:8080'] });
    expect(updates[1]).toMatchObject({ type: 'add', endpoints: [{ addr: '10.0.0.3:8080', labels: { daemonset: 'db', deployment: '' } }] });
    expect(updates).toHaveLength(2);
  });
});
