// Subscribers get the current state at once, then only what changed for their authority.
import type { DestinationUpdate, Registry } from '@signalbox/shared';
import { describe, expect, it } from 'vitest';
import { createDiscoveryWatcher, startDiscovery } from './watcher.js';

const registry = (...pods: [string, string][]): Registry => ({
  namespaces: [
    {
      name: 'demo',
      pods: pods.map(([name, app]) => ({ name, deployment: 'books', serviceAccount: 'default', app })),
      services: [{ name: 'books', port: 7000, deployment: 'books' }],
    },
  ],
});

describe('createDiscoveryWatcher', () => {
  it('sends the initial state, then diffs, and nothing after unsubscribe', () => {
    const watcher = createDiscoveryWatcher(registry(['books-1', '127.0.0.1:7001']));
    const books: DestinationUpdate[] = [];
    const other: DestinationUpdate[] = [];
    const stop = watcher.subscribe({ service: 'books', namespace: 'demo', port: 7000 }, (u) => books.push(...u));
    watcher.subscribe({ service: 'web', namespace: 'demo', port: 80 }, (u) => other.push(...u));
    expect(watcher.subscriberCount).toBe(2);

    watcher.update(registry(['books-1', '127.0.0.1:7001'], ['books-2', '127.0.0.1:7002']));
    watcher.update(registry(['books-2', '127.0.0.1:7002']));
    stop();
    watcher.update(registry());

    expect(books.map((u) => (u.type === 'add' ? u.endpoints.map((e) => e.addr) : u))).toEqual([
      ['127.0.0.1:7001'],
      ['127.0.0.1:7002'],
      { type: 'remove', addrs: ['127.0.0.1:7001'] },
    ]);
    expect(other).toEqual([{ type: 'noEndpoints', exists: false }]);
    expect(watcher.subscriberCount).toBe(1);
    expect(watcher.registry().namespaces[0]?.pods).toEqual([]);
  });
});

describe('createDiscoveryWatcher, v=2 profiles', () => {
  const withPolicy = (timeout: string | undefined): Registry => ({
    namespaces: [
      {
        name: 'demo',
        pods: [{ name: 'books-1', deployment: 'books', serviceAccount: 'default', app: '127.0.0.1:7001' }],
        services: [{ name: 'books', port: 7000, deployment: 'books', ...(timeout ? { policy: { routes: [{ name: 'r', match: {}, retryable: false, timeout: Number.parseInt(timeout) }] } } : {}) }],
      },
    ],
  });

  it('sends the profile first, again only when it changes, and never to v=1 streams', () => {
    const watcher = createDiscoveryWatcher(withPolicy(undefined));
    const v2: DestinationUpdate[] = [];
    const v1: DestinationUpdate[] = [];
    watcher.subscribe({ service: 'books', namespace: 'demo', port: 7000 }, (u) => v2.push(...u), 2);
    watcher.subscribe({ service: 'books', namespace: 'demo', port: 7000 }, (u) => v1.push(...u), 1);
    watcher.update(withPolicy('500'));
    watcher.update(withPolicy('500'));
    expect(v2.map((u) => (u.type === 'profile' ? `profile ${u.profile.routes.map((r) => r.timeoutMs).join()}` : u.type))).toEqual([
      'profile ',
      'add',
      'profile 500',
    ]);
    expect(v1.map((u) => u.type)).toEqual(['add']);
  });
});

describe('startDiscovery', () => {
  it('starts from the source’s first model, applies later ones, and an update during start supersedes the first', async () => {
    const model = (pods: string[]) => ({
      namespaces: [{ name: 'demo', pods: pods.map((name) => ({ name, deployment: 'books', serviceAccount: 'default', app: `127.0.0.1:700${name.at(-1) ?? ''}` })), services: [{ name: 'books', port: 80, deployment: 'books' }] }],
    });
    let push: (r: ReturnType<typeof model>) => void = () => {};
    let closed = false;
    const discovery = await startDiscovery(
      {
        description: 'test',
        async start({ onUpdate }) {
          push = onUpdate;
          onUpdate(model(['books-1', 'books-2']));
          return model(['books-1']);
        },
        close: () => void (closed = true),
      },
      { onError: () => {} },
    );
    const seen: unknown[] = [];
    discovery.watcher.subscribe({ service: 'books', namespace: 'demo', port: 80 }, (u) => seen.push(...u));
    expect(seen).toHaveLength(1);
    expect((seen[0] as { endpoints: unknown[] }).endpoints).toHaveLength(2);
    push(model(['books-2']));
    expect(seen[1]).toEqual({ type: 'remove', addrs: ['127.0.0.1:7001'] });
    discovery.close();
    expect(closed).toBe(true);
  });
});

describe('createDiscoveryWatcher, ip:port streams', () => {
  const withService = (clusterIPs: string[] | undefined, app = '10.0.0.1:8080'): Registry => ({
    namespaces: [
      {
        name: 'demo',
        pods: [{ name: 'books-1', deployment: 'books', serviceAccount: 'default', app }],
        services: [{ name: 'books', port: 80, deployment: 'books', ...(clusterIPs ? { clusterIPs } : {}) }],
      },
    ],
  });

  it('answers at once, then only when the answer changes', () => {
    const watcher = createDiscoveryWatcher(withService(undefined));
    const cluster: DestinationUpdate[] = [];
    const pod: DestinationUpdate[] = [];
    watcher.subscribeAddress({ host: '10.96.0.10', port: 80 }, (u) => cluster.push(...u));
    const stop = watcher.subscribeAddress({ host: '10.0.0.1', port: 8080 }, (u) => pod.push(...u));
    expect(watcher.subscriberCount).toBe(2);
    watcher.update(withService(['10.96.0.10']));
    watcher.update(withService(['10.96.0.10']));
    watcher.update(withService(['10.96.0.10'], '10.0.0.2:8080'));
    stop();
    watcher.update(withService(['10.96.0.10']));
    watcher.update(withService(undefined));

    expect(cluster).toEqual([
      { type: 'address' },
      { type: 'address', service: 'books.demo.svc.cluster.local:80' },
      { type: 'address' },
    ]);
    expect(pod.map((u) => (u.type === 'address' ? (u.endpoint?.labels.pod ?? 'none') : u.type))).toEqual(['books-1', 'none']);
    expect(watcher.subscriberCount).toBe(1);
  });
});
