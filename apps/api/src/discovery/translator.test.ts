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
