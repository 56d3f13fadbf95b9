// Tap end to end on Kubernetes discovery: the api as built with --discovery=kubernetes against the fake API server
// and its identity service on, real proxies certified with ServiceAccount tokens (checked by TokenReview on the
// fake), each listening on its own pod IP (127.0.0.x) on the injected ports, real traffic between them, and taps
// over /v1/tap that reach the pods' proxies on `podIP:4190` over mTLS, the only way they serve tap.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { eventually, makeRunDir, startProxy, type ManagedProcess } from '@signalbox/launch';
import { identityName, tapEventSchema, type TapEvent } from '@signalbox/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliUntil } from '../../../cli/test/support/run-cli.js';
import { request } from '../../../proxy/test/support/client.js';
import { startEchoServer, type EchoServer } from '../../../proxy/test/support/echo-server.js';
import { openTap, upgradeStatus, type TapClient } from '../../../proxy/test/support/tap-client.js';
import { identityDirPaths } from '../../src/identity/ca.js';
import { buildWorkspace } from '../support/build.js';
import { startFakeKubeApi, type FakeKubeApi } from '../support/fake-kube-api.js';
import { startKubeControlPlane } from '../support/kube-control-plane.js';
import { endpointSlice, pod, service } from '../support/kube-objects.js';

/** The pods, each on its own loopback address so every proxy can take the injected ports (4140/4143/4190/4191). */
const pods = [
  { name: 'books-1', ip: '127.0.0.61', owner: 'Deployment/books', serviceAccount: 'books' },
  { name: 'books-2', ip: '127.0.0.62', owner: 'Deployment/books', serviceAccount: 'books' },
  { name: 'ratings-0', ip: '127.0.0.63', owner: 'StatefulSet/ratings', serviceAccount: 'ratings' },
  { name: 'web-1', ip: '127.0.0.64', owner: 'Deployment/web', serviceAccount: 'web' },
] as const;
const at = (ip: string, port: number) => `${ip}:${port}`;
const webOutbound = at('127.0.0.64', 4140);
const id = (serviceAccount: string) => identityName({ serviceAccount, namespace: 'demo', trustDomain: 'cluster.local' });
/** A projected ServiceAccount token's shape (header.payload.signature); the fake API server knows it by value. */
const jwt = (claims: object) => `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2lnbmF0dXJl`;

let fake: FakeKubeApi;
let apiAddr: string;
const processes: ManagedProcess[] = [];
const apps: EchoServer[] = [];
const open: TapClient[] = [];
let traffic: { stop(): Promise<void> } | undefined;

const requests = (events: readonly TapEvent[]) => events.filter((e): e is Extract<TapEvent, { requestInit: unknown }> => 'requestInit' in e);

async function tap(target: object, extra: object = {}): Promise<TapClient> {
  const client = await openTap(`ws://${apiAddr}/v1/tap`, { v: 1, target: { namespace: 'demo', ...target }, ...extra });
  open.push(client);
  return client;
}

/**
 * web's app calling books and ratings through its outbound proxy, until stopped. Several books calls at once: one at
 * a time, the peak-EWMA balancer keeps choosing the faster pod until the other's estimate decays (seconds), and a
 * tap of books would wait that long for the other pod's first request.
 */
function sendTraffic(): { stop(): Promise<void> } {
  let running = true;
  const call = (url: string) => request(webOutbound, url, { absolute: false }).catch(() => undefined);
  const loop = (async () => {
    while (running) {
      await Promise.all([
        ...Array.from({ length: 4 }, () => call('http://books.demo.svc.cluster.local:80/books')),
        call('http://ratings.demo:80/ratings'),
      ]);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

beforeAll(async () => {
  buildWorkspace('apps/api');
  buildWorkspace('apps/proxy');
  buildWorkspace('apps/cli');
  const dir = makeRunDir('signalbox-kube-tap-');
  fake = await startFakeKubeApi();
  for (const p of pods) {
    const token = jwt({ aud: ['identity.signalbox.io'], sub: `system:serviceaccount:demo:${p.serviceAccount}` });
    fake.tokens.set(token, { username: `system:serviceaccount:demo:${p.serviceAccount}`, audiences: ['identity.signalbox.io'] });
    writeFileSync(path.join(dir, `${p.name}.token`), token, { mode: 0o600 });
    fake.apply(pod({ ...p, tap: true }));
  }
  for (const [svc, members] of [['books', ['books-1', 'books-2']], ['ratings', ['ratings-0']], ['web', ['web-1']]] as const) {
    fake.apply(service({ name: svc, ports: [{ name: 'http', port: 80, targetPort: 'http' }] }));
    const endpoints = members.map((name) => ({ pod: name, ip: pods.find((p) => p.name === name)?.ip as string }));
    fake.apply(endpointSlice({ service: svc, endpoints, ports: [{ name: 'http', port: 8080 }] }));
  }

  const { api, addr, identityDir } = await startKubeControlPlane(fake, dir);
  apiAddr = addr;
  processes.push(api);

  for (const p of pods) {
    const app = await startEchoServer(at(p.ip, 8080), p.name);
    apps.push(app);
    processes.push(
      await startProxy({
        dir,
        name: p.name,
        inbound: at(p.ip, 4143),
        outbound: at(p.ip, 4140),
        admin: at(p.ip, 4191),
        tap: at(p.ip, 4190),
        app: app.addr,
        controlPlaneUrl: `http://${apiAddr}`,
        extraArgs: [
          `--identity-serviceaccount=${p.serviceAccount}`,
          '--identity-namespace=demo',
          `--identity-token-file=${path.join(dir, `${p.name}.token`)}`,
          `--identity-trust-anchors-file=${identityDirPaths(identityDir).trustAnchorsFile}`,
        ],
      }),
    );
  }
  traffic = sendTraffic();
});

afterAll(async () => {
  for (const c of open) c.ws.terminate();
  await traffic?.stop();
  for (const p of processes.reverse()) await p.stop();
  for (const a of apps) await a.close();
  await fake?.close();
});

describe('tap on Kubernetes discovery', () => {
  it('certified every proxy through TokenReview, and their admin listeners refuse tap', async () => {
    const reviews = fake.requests.filter((r) => r.method === 'POST' && r.path === '/apis/authentication.k8s.io/v1/tokenreviews');
    expect(reviews.length).toBeGreaterThanOrEqual(pods.length);
    // Identity is on, so the only way in is the mTLS listener discovery found on the pod's `signalbox-tap` port.
    expect(await upgradeStatus(`ws://${at('127.0.0.61', 4191)}/tap`)).toBe(403);
  });

  it('streams a deployment’s inbound requests from each of its pods, over mTLS from the caller', async () => {
    const client = await tap({ kind: 'deployment', name: 'books' });
    await eventually(() => expect(new Set(requests(client.events()).map((r) => r.destination.meta.pod))).toEqual(new Set(['books-1', 'books-2'])), {
      timeoutMs: 30_000,
      intervalMs: 200,
    });
    for (const r of requests(client.events()))
      expect(r).toMatchObject({
        direction: 'inbound',
        source: { meta: { tls: 'true', client_id: id('web') } },
        destination: { addr: expect.stringMatching(/^127\.0\.0\.6[12]:8080$/), meta: { namespace: 'demo', deployment: 'books', serviceaccount: 'books' } },
        requestInit: { method: 'GET', authority: 'books.demo.svc.cluster.local:80', path: '/books' },
      });
    expect(client.messages.filter((m) => m.type === 'error')).toEqual([]);
  });

  it('taps a StatefulSet’s pod, labelled as the StatefulSet’s', async () => {
    const client = await tap({ kind: 'statefulset', name: 'ratings' });
    await eventually(() => expect(requests(client.events()).length).toBeGreaterThan(2), { timeoutMs: 30_000, intervalMs: 200 });
    for (const r of requests(client.events()))
      expect(r).toMatchObject({
        direction: 'inbound',
        source: { meta: { tls: 'true', client_id: id('web') } },
        destination: { addr: '127.0.0.63:8080', meta: { namespace: 'demo', statefulset: 'ratings', pod: 'ratings-0' } },
      });
    // Not a deployment of that name.
    const wrongKind = await tap({ kind: 'deployment', name: 'ratings' });
    expect(await wrongKind.closed).toEqual({ code: 1008, reason: 'SB_TAP_UNKNOWN_RESOURCE: no deployment/ratings in namespace demo' });
  });

  it('taps every meshed pod of a namespace', async () => {
    const client = await tap({ kind: 'namespace', name: 'demo' });
    // Each proxy reports its own side: the servers' inbound requests, web's outbound calls.
    const ownPod = (r: TapEvent) => (r.direction === 'inbound' ? r.destination : r.source).meta.pod;
    await eventually(() => expect(new Set(requests(client.events()).map(ownPod))).toEqual(new Set(pods.map((p) => p.name))), {
      timeoutMs: 30_000,
      intervalMs: 200,
    });
  });

  it('runs `signalbox tap deploy/web --to sts/ratings` through the CLI', async () => {
    const { out, code } = await runCliUntil(['tap', 'deploy/web', '-n', 'demo', '--to', 'sts/ratings', '-o', 'json'], 6, { SIGNALBOX_API_URL: `http://${apiAddr}` });
    expect(code).toBe(0);
    const events = out.map((line) => tapEventSchema.parse(JSON.parse(line)));
    expect(events.length).toBeGreaterThanOrEqual(6);
    for (const e of events)
      expect(e).toMatchObject({
        direction: 'outbound',
        source: { meta: { pod: 'web-1' } },
        destination: { meta: { tls: 'true', statefulset: 'ratings', pod: 'ratings-0' } },
      });
  });

  it('runs `signalbox top sts/ratings`: one row per caller and path', async () => {
    const { out, code } = await runCliUntil(['top', 'sts/ratings', '-n', 'demo'], 8, { SIGNALBOX_API_URL: `http://${apiAddr}` });
    expect(code).toBe(0);
    const rows = out.filter((line) => !line.startsWith('(waiting') && !line.startsWith('Source'));
    expect(rows.length).toBeGreaterThan(0);
    // The inbound side names its caller by address; web's proxy connects from loopback's own 127.0.0.1, not its pod IP.
    for (const row of rows) expect(row).toMatch(/^127\.0\.0\.1\s+ratings-0\s+GET\s+\/ratings\s+\d+\s/);
  });
});
