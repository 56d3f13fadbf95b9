// The list-then-watch loop against the fake API server over loopback: resourceVersion bookkeeping, resuming a
// dropped watch, re-listing on 410 (both ways the server says it), backing off on failures, bookmarks, close.
import type { KubeConfig, V1Pod } from '@kubernetes/client-node';
import { CoreV1Api } from '@kubernetes/client-node';
import { eventually, makeRunDir } from '@signalbox/launch';
import { afterEach, describe, expect, it } from 'vitest';
import { loadKubeConfig } from '../../src/kube/config.js';
import { createListWatch, type ListWatch } from '../../src/kube/list-watch.js';
import { startFakeKubeApi, type FakeKubeApi } from '../support/fake-kube-api.js';
import { pod } from '../support/kube-objects.js';

let fake: FakeKubeApi | undefined;
let lw: ListWatch<V1Pod> | undefined;
afterEach(async () => {
  lw?.close();
  await fake?.close();
  fake = lw = undefined;
});

async function setUp(options: Parameters<typeof startFakeKubeApi>[0] = {}, shortWatchMs = 0) {
  fake = await startFakeKubeApi(options);
  const kc: KubeConfig = loadKubeConfig(fake.kubeconfig(makeRunDir('signalbox-kube-')));
  const errors: { message: string; attempt: number }[] = [];
  let changes = 0;
  const core = kc.makeApiClient(CoreV1Api);
  lw = createListWatch<V1Pod>({
    kc,
    path: '/api/v1/pods',
    list: () => core.listPodForAllNamespaces(),
    onChange: () => changes++,
    onError: (e, attempt) => errors.push({ message: e.message, attempt }),
    backoff: { initialMs: 30, maxMs: 240, jitter: 0 },
    shortWatchMs,
  });
  return { fake, lw, errors, changes: () => changes };
}

const names = (l: ListWatch<V1Pod>) => l.items().map((p) => p.metadata?.name).sort();
const watchRequests = (f: FakeKubeApi) => f.requests.filter((r) => r.path === '/api/v1/pods' && r.query.get('watch') === 'true');
const listRequests = (f: FakeKubeApi) => f.requests.filter((r) => r.path === '/api/v1/pods' && r.query.get('watch') === null);

describe('createListWatch', () => {
  it('lists, then watches from the list’s resourceVersion and follows ADDED/MODIFIED/DELETED', async () => {
    const { fake, lw } = await setUp();
    fake.apply(pod({ name: 'a-1', ip: '10.0.0.1' }));
    const listedAt = fake.resourceVersion;
    await lw.synced;
    expect(names(lw)).toEqual(['a-1']);
    await eventually(() => expect(fake.openWatches).toBe(1));
    const [watch] = watchRequests(fake);
    expect(watch?.query.get('resourceVersion')).toBe(String(listedAt));
    expect(watch?.query.get('allowWatchBookmarks')).toBe('true');
    expect(Number(watch?.query.get('timeoutSeconds'))).toBeGreaterThanOrEqual(300);

    fake.apply(pod({ name: 'b-1', ip: '10.0.0.2' }));
    fake.apply(pod({ name: 'a-1', ip: '10.0.0.9' }));
    fake.remove(pod({ name: 'b-1' }));
    fake.apply(pod({ name: 'c-1', ip: '10.0.0.3' }));
    await eventually(() => expect(lw.resourceVersion).toBe(String(fake.resourceVersion)));
    expect(names(lw)).toEqual(['a-1', 'c-1']);
    expect(lw.items().find((p) => p.metadata?.name === 'a-1')?.status?.podIP).toBe('10.0.0.9');
  });

  it('resumes a dropped watch from the last version seen, without re-listing', async () => {
    const { fake, lw } = await setUp();
    await lw.synced;
    await eventually(() => expect(fake.openWatches).toBe(1));
    fake.apply(pod({ name: 'a-1', ip: '10.0.0.1' }));
    await eventually(() => expect(names(lw)).toEqual(['a-1']));
    const seen = lw.resourceVersion;
    fake.dropWatches();
    await eventually(() => expect(watchRequests(fake)).toHaveLength(2));
    expect(watchRequests(fake)[1]?.query.get('resourceVersion')).toBe(seen);
    expect(listRequests(fake)).toHaveLength(1);
    fake.apply(pod({ name: 'b-1', ip: '10.0.0.2' }));
    await eventually(() => expect(names(lw)).toEqual(['a-1', 'b-1']));
    expect(lw.stats).toMatchObject({ lists: 1, expired: 0, failures: 0 });
  });

  it.each(['event', 'status'] as const)('re-lists on 410 Gone (sent as %s) and ends up with exactly the current objects', async (expired) => {
    const { fake, lw } = await setUp({ expired });
    fake.apply(pod({ name: 'a-1', ip: '10.0.0.1' }));
    fake.apply(pod({ name: 'b-1', ip: '10.0.0.2' }));
    await lw.synced;
    await eventually(() => expect(fake.openWatches).toBe(1));
    // While the client is away its version is compacted: only a fresh list can tell it what happened.
    fake.dropWatches();
    fake.remove(pod({ name: 'a-1' }));
    fake.apply(pod({ name: 'c-1', ip: '10.0.0.3' }));
    fake.compact();
    await eventually(() => expect(lw.stats).toMatchObject({ lists: 2, expired: 1 }));
    await eventually(() => expect(fake.openWatches).toBe(1));
    expect(names(lw)).toEqual(['b-1', 'c-1']);
    expect(lw.stats.failures).toBe(0);
    fake.apply(pod({ name: 'd-1', ip: '10.0.0.4' }));
    await eventually(() => expect(names(lw)).toEqual(['b-1', 'c-1', 'd-1']));
  });

  it('backs off exponentially on failures, then reconnects and resumes', async () => {
    const { fake, lw, errors } = await setUp();
    await lw.synced;
    await eventually(() => expect(fake.openWatches).toBe(1));
    fake.failNext('/api/v1/pods', 3, 503);
    fake.dropWatches();
    fake.apply(pod({ name: 'late', ip: '10.0.0.5' }));
    await eventually(() => expect(names(lw)).toEqual(['late']), { timeoutMs: 5000 });
    expect(errors.map((e) => e.attempt)).toEqual([1, 2, 3]);
    expect(errors[0]?.message).toMatch(/\/api\/v1\/pods: 503/);
    // Delays of at least 30, 60, 120 ms (no jitter) after each failed attempt (timers may fire a millisecond early).
    const times = watchRequests(fake).slice(1).map((r) => r.at);
    expect(times).toHaveLength(4);
    const gaps = times.slice(1).map((t, i) => t - (times[i] as number));
    gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(30 * 2 ** i - 2));
    expect(lw.stats).toMatchObject({ failures: 3, lists: 1 });
  });

  it('counts a watch that ends at once with nothing as a failure (client-go’s very short watch rule)', async () => {
    const { fake, lw, errors } = await setUp({}, 60_000);
    await lw.synced;
    await eventually(() => expect(fake.openWatches).toBe(1));
    fake.dropWatches();
    await eventually(() => expect(errors).toHaveLength(1));
    expect(errors[0]?.message).toMatch(/very short watch/);
    await eventually(() => expect(fake.openWatches).toBe(1));
  });

  it('retries after a reset connection (a network error, not an answer)', async () => {
    const { fake, lw, errors } = await setUp();
    fake.resetNext('/api/v1/pods', 1);
    await lw.synced;
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/\/api\/v1\/pods/);
    expect(lw.stats.lists).toBe(1);
  });

  it('takes the version from bookmarks without reporting a change', async () => {
    const { fake, lw, changes } = await setUp();
    await lw.synced;
    await eventually(() => expect(fake.openWatches).toBe(1));
    const before = changes();
    fake.apply({ apiVersion: 'v1', kind: 'Service', metadata: { namespace: 'demo', name: 'unrelated' } });
    fake.bookmark();
    await eventually(() => expect(lw.resourceVersion).toBe(String(fake.resourceVersion)));
    expect(changes()).toBe(before);
  });

  it('stops watching when closed', async () => {
    const { fake, lw } = await setUp();
    await lw.synced;
    await eventually(() => expect(fake.openWatches).toBe(1));
    lw.close();
    await eventually(() => expect(fake.openWatches).toBe(0));
    expect(watchRequests(fake)).toHaveLength(1);
  });
});
