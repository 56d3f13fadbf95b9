// The api as built with --discovery=kubernetes against the fake API server: destination streams carry the
// cluster's endpoints and labels and follow it (unready pod, new pod, deleted EndpointSlice), survive a dropped
// watch and a 410 re-list without losing or duplicating endpoints; certify proves identities with TokenReview.
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { certifyPath, identityErrorSchema, type DestinationUpdate, type Endpoint } from '@signalbox/shared';
import { eventually, logTail, makeRunDir, type ManagedProcess } from '@signalbox/launch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWorkspace } from '../support/build.js';
import { csrFor } from '../support/csr.js';
import { openDestinationStream, type DestinationStream } from '../support/destination-stream.js';
import { startFakeKubeApi, type FakeKubeApi } from '../support/fake-kube-api.js';
import { startKubeControlPlane } from '../support/kube-control-plane.js';
import { endpointSlice, pod, service, type SliceEndpoint } from '../support/kube-objects.js';

const id = (sa: string, ns = 'demo') => `${sa}.${ns}.serviceaccount.identity.signalbox.cluster.local`;
/** A projected ServiceAccount token's shape (header.payload.signature); the fake API server knows it by value. */
const jwt = (claims: object) => `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2lnbmF0dXJl`;
const booksToken = jwt({ aud: ['identity.signalbox.io'], sub: 'system:serviceaccount:demo:books' });
const legacyWebToken = jwt({ sub: 'system:serviceaccount:demo:web' });
const otherAudienceToken = jwt({ aud: ['vault'], sub: 'system:serviceaccount:demo:books' });

let fake: FakeKubeApi;
let api: ManagedProcess;
let apiAddr: string;
let dir: string;
const streams: DestinationStream[] = [];

const booksPods = {
  1: pod({ name: 'books-1', ip: '10.1.0.1', owner: 'Deployment/books', serviceAccount: 'books' }),
  2: pod({ name: 'books-2', ip: '10.1.0.2', owner: 'Deployment/books', serviceAccount: 'books' }),
  3: pod({ name: 'books-3', ip: '10.1.0.3', owner: 'Deployment/books', serviceAccount: 'books' }),
  4: pod({ name: 'books-4', ip: '10.1.0.4', owner: 'Deployment/books', serviceAccount: 'books' }),
};
const booksSlice = (endpoints: SliceEndpoint[]) => endpointSlice({ service: 'books', endpoints, ports: [{ name: 'http', port: 8080 }] });
const ready = (n: 1 | 2 | 3 | 4, isReady = true): SliceEndpoint => ({ pod: `books-${n}`, ip: `10.1.0.${n}`, ready: isReady });

const booksEndpoint = (n: number): Endpoint => ({
  addr: `10.1.0.${n}:4143`,
  meshed: true,
  labels: { namespace: 'demo', service: 'books', deployment: 'books', pod: `books-${n}`, serviceaccount: 'books' },
  identity: id('books'),
  appPort: 8080,
});

const sliceLists = () => fake.requests.filter((r) => r.path === '/apis/discovery.k8s.io/v1/endpointslices' && r.query.get('watch') === null).length;

async function open(authority: string): Promise<DestinationStream> {
  const stream = await openDestinationStream(apiAddr, authority);
  streams.push(stream);
  return stream;
}

/** Applies updates to the set a proxy would hold (addr → endpoint), failing on a duplicate add or a stray remove. */
function apply(held: Map<string, Endpoint>, update: DestinationUpdate): void {
  switch (update.type) {
    case 'noEndpoints':
      return held.clear();
    case 'remove':
      for (const addr of update.addrs) {
        expect(held.has(addr), `remove of ${addr}, which is not held`).toBe(true);
        held.delete(addr);
      }
      return;
    case 'add':
      for (const e of update.endpoints) held.set(e.addr, e);
  }
}

beforeAll(async () => {
  buildWorkspace('apps/api');
  dir = makeRunDir('signalbox-kubernetes-');
  fake = await startFakeKubeApi();
  fake.tokens.set(booksToken, { username: 'system:serviceaccount:demo:books', audiences: ['identity.signalbox.io'] });
  fake.tokens.set(legacyWebToken, { username: 'system:serviceaccount:demo:web' });
  fake.tokens.set(otherAudienceToken, { username: 'system:serviceaccount:demo:books', audiences: ['vault'] });
  fake.apply(booksPods[1]);
  fake.apply(booksPods[2]);
  fake.apply(pod({ name: 'db-0', ip: '10.1.0.9', owner: 'StatefulSet/db', meshed: false, appPort: 5432 }));
  fake.apply(service({ name: 'books', ports: [{ name: 'http', port: 80, targetPort: 'http' }] }));
  fake.apply(booksSlice([ready(1), ready(2)]));
  fake.apply(service({ name: 'db', ports: [{ port: 5432, targetPort: 5432 }] }));
  fake.apply(endpointSlice({ service: 'db', endpoints: [{ pod: 'db-0', ip: '10.1.0.9' }], ports: [{ name: '', port: 5432 }] }));
  ({ api, addr: apiAddr } = await startKubeControlPlane(fake, dir));
});

afterAll(async () => {
  for (const s of streams) s.close();
  await api?.stop();
  await fake?.close();
});

describe('api --discovery=kubernetes', () => {
  it('serves a Service’s endpoints: meshed pods on the proxy’s inbound port, with the pod’s labels and identity', async () => {
    expect(logTail(api.logFile, 20)).toMatch(/kubernetes: synced 1 namespace\(s\) from http:\/\/127\.0\.0\.1:\d+/);
    const books = await open('books.demo.svc.cluster.local:80');
    expect(await books.next()).toEqual({ type: 'add', endpoints: [booksEndpoint(1), booksEndpoint(2)] });
    const db = await open('db.demo:5432');
    expect(await db.next()).toEqual({
      type: 'add',
      endpoints: [{ addr: '10.1.0.9:5432', meshed: false, labels: { namespace: 'demo', service: 'db', deployment: '', statefulset: 'db', pod: 'db-0', serviceaccount: 'default' } }],
    });
    expect(await (await open('books.demo:81')).next()).toEqual({ type: 'noEndpoints', exists: false });
    // Nothing forks downstream: the same file_sd targets the registry file gives.
    await eventually(() =>
      expect(JSON.parse(readFileSync(path.join(dir, 'file-sd.json'), 'utf8'))).toEqual([
        { targets: ['10.1.0.1:4191'], labels: { namespace: 'demo', deployment: 'books', pod: 'books-1' } },
        { targets: ['10.1.0.2:4191'], labels: { namespace: 'demo', deployment: 'books', pod: 'books-2' } },
      ]),
    );
  });

  it('resolves a ReplicaSet not named by the Deployment convention through its ownerReferences', async () => {
    fake.apply({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { namespace: 'demo', name: 'web-custom', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'u', controller: true }] } });
    fake.apply(pod({ name: 'web-x', ip: '10.1.0.7', owner: 'ReplicaSet/web-custom', serviceAccount: 'web' }));
    fake.apply(service({ name: 'web', ports: [{ port: 80, targetPort: 8080 }] }));
    fake.apply(endpointSlice({ service: 'web', endpoints: [{ pod: 'web-x', ip: '10.1.0.7' }] }));
    const web = await open('web.demo:80');
    await eventually(async () => {
      const update = await web.next();
      expect(update).toMatchObject({ type: 'add', endpoints: [{ addr: '10.1.0.7:4143', labels: { deployment: 'web', pod: 'web-x' } }] });
    });
    expect(fake.requests.some((r) => r.path === '/apis/apps/v1/namespaces/demo/replicasets/web-custom')).toBe(true);
  });

  it('serves a port the pod skips (config.signalbox.io/skip-inbound-ports) unmeshed at the app, the others through its proxy', async () => {
    const cache = pod({ name: 'cache-1', ip: '10.1.0.11', owner: 'Deployment/cache', serviceAccount: 'cache' });
    cache.spec!.initContainers = [{ name: 'signalbox-init', image: 'proxy-init' }];
    fake.apply(cache);
    fake.apply(service({ name: 'cache', ports: [{ name: 'http', port: 80, targetPort: 8080 }, { name: 'redis', port: 6379, targetPort: 6379 }] }));
    fake.apply(endpointSlice({ service: 'cache', endpoints: [{ pod: 'cache-1', ip: '10.1.0.11' }], ports: [{ name: 'http', port: 8080 }, { name: 'redis', port: 6379 }] }));
    const labels = { namespace: 'demo', service: 'cache', deployment: 'cache', pod: 'cache-1', serviceaccount: 'cache' };
    const meshedAt = (port: number): Endpoint => ({ addr: `10.1.0.11:${port}`, meshed: true, labels, identity: id('cache'), appPort: port });
    const http = await open('cache.demo:80');
    const redis = await open('cache.demo:6379');
    expect(await http.next()).toEqual({ type: 'add', endpoints: [meshedAt(8080)] });
    expect(await redis.next()).toEqual({ type: 'add', endpoints: [meshedAt(6379)] });
    // Re-injected with --skip-inbound-ports=6379: the pod now carries the ports inject left to the app.
    const skipping = structuredClone(cache);
    skipping.metadata!.annotations = { 'config.signalbox.io/skip-inbound-ports': '6379' };
    fake.apply(skipping);
    expect(await redis.next()).toEqual({ type: 'add', endpoints: [{ addr: '10.1.0.11:6379', meshed: false, labels }] });
    const byAddress = await open('10.1.0.11:6379');
    expect(await byAddress.next()).toEqual({ type: 'address', endpoint: { addr: '10.1.0.11:6379', meshed: false, labels: { ...labels, service: '' } } });
    expect(await (await open('10.1.0.11:8080')).next()).toEqual({ type: 'address', endpoint: { ...meshedAt(8080), labels: { ...labels, service: '' } } });
    // The unskipped port's stream was told nothing new: its next update is the one for the next change.
    fake.remove(cache);
    expect(await http.next()).toEqual({ type: 'noEndpoints', exists: true });
  });

  it('follows the cluster: a pod turning unready, a new pod, a deleted and re-created EndpointSlice', async () => {
    const books = await open('books.demo:80');
    await books.next();
    fake.apply(booksSlice([ready(1), ready(2, false)]));
    expect(await books.next()).toEqual({ type: 'remove', addrs: ['10.1.0.2:4143'] });
    fake.apply(booksPods[3]);
    fake.apply(booksSlice([ready(1), ready(2, false), ready(3)]));
    expect(await books.next()).toEqual({ type: 'add', endpoints: [booksEndpoint(3)] });
    fake.remove(booksSlice([]));
    expect(await books.next()).toEqual({ type: 'noEndpoints', exists: true });
    fake.apply(booksSlice([ready(1), ready(2), ready(3)]));
    expect(await books.next()).toEqual({ type: 'add', endpoints: [booksEndpoint(1), booksEndpoint(2), booksEndpoint(3)] });
  });

  it('reconnects a dropped watch from its resourceVersion (no re-list) and keeps following', async () => {
    const books = await open('books.demo:80');
    await books.next();
    const lists = sliceLists();
    await eventually(() => expect(fake.openWatches).toBe(3));
    const seen = fake.resourceVersion;
    fake.dropWatches();
    await eventually(() => expect(fake.openWatches).toBe(3), { timeoutMs: 10_000 });
    const rewatch = fake.requests.filter((r) => r.path.endsWith('/endpointslices') && r.query.get('watch') === 'true').at(-1);
    expect(Number(rewatch?.query.get('resourceVersion'))).toBe(seen);
    fake.apply(booksSlice([ready(1), ready(3)]));
    expect(await books.next()).toEqual({ type: 'remove', addrs: ['10.1.0.2:4143'] });
    expect(sliceLists()).toBe(lists);
  });

  it('re-lists after 410 Gone without losing or duplicating endpoints', async () => {
    const books = await open('books.demo:80');
    const held = new Map<string, Endpoint>();
    apply(held, await books.next());
    expect([...held.keys()].sort()).toEqual(['10.1.0.1:4143', '10.1.0.3:4143']);
    await eventually(() => expect(fake.openWatches).toBe(3));
    const lists = sliceLists();
    // While the api is away, books-1 goes and books-4 comes; then the history it would resume from is compacted.
    fake.dropWatches();
    fake.remove(booksPods[1]);
    fake.apply(booksPods[4]);
    fake.apply(booksSlice([ready(3), ready(4)]));
    fake.compact();
    const updates: DestinationUpdate[] = [];
    await eventually(
      async () => {
        updates.push(await books.next(500));
        for (const u of updates.splice(0)) apply(held, u);
        expect([...held.keys()].sort()).toEqual(['10.1.0.3:4143', '10.1.0.4:4143']);
      },
      { timeoutMs: 15_000 },
    );
    expect(held.get('10.1.0.4:4143')).toEqual(booksEndpoint(4));
    // Nothing else was queued: the next update is the one for the next change.
    fake.apply(booksSlice([ready(3), ready(4, false)]));
    expect(await books.next()).toEqual({ type: 'remove', addrs: ['10.1.0.4:4143'] });
    expect(sliceLists()).toBeGreaterThan(lists);
  });
});

async function certify(identity: string, token: string): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`http://${apiAddr}${certifyPath}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ v: 1, identity, token, csr: await csrFor(identity) }),
  });
  return { status: res.status, json: await res.json() };
}

describe('certify with TokenReview', () => {
  it('issues for a projected token bound to identity.signalbox.io, reviewed with that audience', async () => {
    expect((await certify(id('books'), booksToken)).status).toBe(200);
    const review = fake.requests.filter((r) => r.path === '/apis/authentication.k8s.io/v1/tokenreviews');
    expect(review.length).toBeGreaterThan(0);
  });

  it('falls back to no audience for a legacy ServiceAccount token, as Linkerd does', async () => {
    expect((await certify(id('web'), legacyWebToken)).status).toBe(200);
  });

  it.each([
    ['another ServiceAccount’s token', () => [id('web'), booksToken], 403, 'SB_IDENTITY_NAME_MISMATCH', /ServiceAccount demo\/books's; it does not prove web\.demo/],
    ['the same ServiceAccount name in another namespace', () => [id('books', 'other'), booksToken], 403, 'SB_IDENTITY_NAME_MISMATCH', /does not prove books\.other/],
    ['a token the API server does not know', () => [id('books'), jwt({ aud: ['identity.signalbox.io'], sub: 'forged' })], 401, 'SB_IDENTITY_UNAUTHENTICATED', /did not authenticate the token/],
    ['a token bound to another audience', () => [id('books'), otherAudienceToken], 401, 'SB_IDENTITY_UNAUTHENTICATED', /invalid for the target audiences/],
  ])('refuses %s', async (_what, args, status, code, message) => {
    const [identity, token] = args() as [string, string];
    const res = await certify(identity, token);
    expect(res.status).toBe(status);
    const body = identityErrorSchema.parse(res.json);
    expect(body.error.code).toBe(code);
    expect(body.error.message).toMatch(message);
    expect(readFileSync(api.logFile, 'utf8')).not.toContain(token);
  });
});
