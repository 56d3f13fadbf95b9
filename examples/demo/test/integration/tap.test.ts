// Tap end to end on the demo mesh: real proxies carrying the demo's traffic, the real control plane fanning their
// streams out over /v1/tap (with --tap-auth-token on), and the built CLI printing Linkerd's lines.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { createTapCertSource, createTapEndpoint, createTapHub, identityDirPaths, loadIssuer, parseRegistry, type TapCertSource, type TapHub } from '@signalbox/api';
import { eventually, freeAddr, startProxy, type ManagedProcess } from '@signalbox/launch';
import { defaultTrustDomain, tapEventSchema, tapServiceIdentity, type TapEvent } from '@signalbox/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWorkspace } from '../../../../apps/api/test/support/build.js';
import { runCliUntil } from '../../../../apps/cli/test/support/run-cli.js';
import { request } from '../../../../apps/proxy/test/support/client.js';
import { openTap, upgradeStatus, type TapClient } from '../../../../apps/proxy/test/support/tap-client.js';
import { demoProxyIdentityArgs } from '../../src/identity.js';
import { startDemoMesh, type DemoMesh } from '../../src/mesh.js';
import type { DemoPod } from '../../src/topology.js';

const AUTH = 'tap-auth-token-for-the-tests';
let mesh: DemoMesh;
const extra: ManagedProcess[] = [];
const open: TapClient[] = [];
const apiTap = () => `${mesh.apiUrl.replace(/^http/, 'ws')}/v1/tap`;
const deploy = (name: string) => ({ namespace: 'demo', kind: 'deployment', name });
const pod = (name: string) => {
  const p = mesh.pods.find((x) => x.pod.name === name);
  if (!p) throw new Error(`no pod ${name}`);
  return p.pod;
};
async function tap(request: object, token: string = AUTH): Promise<TapClient> {
  const client = await openTap(apiTap(), { v: 1, ...request }, token);
  open.push(client);
  return client;
}
const requests = (events: TapEvent[]) => events.filter((e): e is Extract<TapEvent, { requestInit: unknown }> => 'requestInit' in e);
const idOf = (e: TapEvent) => `${e.id.base}:${e.id.stream}`;

beforeAll(async () => {
  buildWorkspace('apps/cli');
  mesh = await startDemoMesh({ rps: 20, apiArgs: [`--tap-auth-token=${AUTH}`] });
});
afterAll(async () => {
  for (const c of open) c.ws.terminate();
  for (const p of extra) await p.stop();
  await mesh?.stop();
});

describe('tap through the control plane', () => {
  it('refuses unauthorised subscribers at the API and at the proxies', async () => {
    expect(await upgradeStatus(apiTap())).toBe(401);
    expect(await upgradeStatus(apiTap(), 'not-the-token-0123456789')).toBe(401);
    // Identity is on: tap is served over mTLS on each proxy's tap listener (the registry's `proxy.tap`) to the tap
    // service's identity only, so the admin listener refuses even the right token (apps/proxy tap-mtls.test.ts
    // covers the certificates).
    expect(pod('books-0').proxy.tap).toMatch(/^127\.0\.0\.1:\d+$/);
    const proxyTap = `ws://${pod('books-0').proxy.admin}/tap`;
    expect(await upgradeStatus(proxyTap)).toBe(403);
    expect(await upgradeStatus(proxyTap, mesh.tapToken)).toBe(403);
  });

  it('closes with 1008 on a bad request or an unknown resource', async () => {
    const bad = await tap({ target: deploy('books'), maxRps: -1 });
    expect(await bad.closed).toMatchObject({ code: 1008, reason: expect.stringMatching(/^SB_TAP_BAD_REQUEST: maxRps/) });
    const unknown = await tap({ target: deploy('nope') });
    expect(await unknown.closed).toEqual({ code: 1008, reason: 'SB_TAP_UNKNOWN_RESOURCE: no deployment/nope in namespace demo' });
  });

  it('streams the requests the demo sends to books, from both pods, with unique ids', async () => {
    const client = await tap({ target: deploy('books') });
    const events = await eventually(
      () => {
        const e = client.events();
        const statuses = new Set(e.flatMap((x) => ('responseInit' in x ? [x.responseInit.status] : [])));
        const pods = new Set(requests(e).map((r) => r.destination.meta.pod));
        expect([...statuses].sort()).toEqual([200, 500]); // books fails one request in ten
        expect([...pods].sort()).toEqual(['books-0', 'books-1']);
        return e;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    for (const req of requests(events)) {
      expect(req).toMatchObject({
        direction: 'inbound',
        // web's proxy calls books over mTLS: the inbound side knows who called.
        source: { meta: { tls: 'true', client_id: 'web.demo.serviceaccount.identity.signalbox.cluster.local' } },
        destination: { meta: { namespace: 'demo', deployment: 'books' } },
        requestInit: { method: 'GET', scheme: 'http', authority: 'books.demo:7001', path: '/books' },
      });
    }
    // One id base per proxy connection: the same stream number from two pods never collides.
    const podOfBase = new Map<number, string>();
    for (const req of requests(events)) {
      const known = podOfBase.get(req.id.base);
      expect(known === undefined || known === req.destination.meta.pod).toBe(true);
      podOfBase.set(req.id.base, req.destination.meta.pod as string);
    }
    expect(new Set(requests(events).map(idOf)).size).toBe(requests(events).length);
    const completed = requests(events).filter((r) => events.some((e) => idOf(e) === idOf(r) && 'responseEnd' in e));
    expect(completed.length).toBeGreaterThan(5);
    for (const r of completed) {
      const rsp = events.find((e) => idOf(e) === idOf(r) && 'responseInit' in e);
      const end = events.find((e) => idOf(e) === idOf(r) && 'responseEnd' in e);
      expect(rsp && 'responseInit' in rsp && rsp.responseInit.sinceRequestInitUs).toBeGreaterThan(0);
      expect(end && 'responseEnd' in end && end.responseEnd.responseBytes).toBeGreaterThan(0);
      expect(end && 'responseEnd' in end && end.responseEnd.sinceRequestInitUs).toBeGreaterThanOrEqual(
        (rsp && 'responseInit' in rsp && rsp.responseInit.sinceRequestInitUs) || 0,
      );
    }
    client.close();
  });

  it('includes and excludes by path, method and --to', async () => {
    const authors = await tap({ target: deploy('web'), match: { path: { prefix: '/authors' } } });
    const toBooks = await tap({ target: deploy('web'), to: deploy('books') });
    const posts = await tap({ target: deploy('web'), match: { method: 'POST' } });
    const all = await tap({ target: deploy('web') });
    await eventually(
      () => {
        expect(requests(authors.events()).length).toBeGreaterThan(5);
        expect(requests(toBooks.events()).length).toBeGreaterThan(5);
        // web sees inbound `/` and outbound `/books`, `/authors` and the ratings gRPC call (h2 streams are tapped too).
        expect(new Set(requests(all.events()).map((r) => `${r.direction} ${r.requestInit.path}`))).toEqual(
          new Set(['inbound /', 'outbound /books', 'outbound /authors', 'outbound /signalbox.demo.Ratings/Get']),
        );
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    for (const r of requests(authors.events()))
      expect([r.direction, r.requestInit.path, r.destination.meta.deployment]).toEqual(['outbound', '/authors', 'authors']);
    for (const r of requests(toBooks.events()))
      expect([r.direction, r.requestInit.path, r.destination.meta.deployment, r.source.meta.pod]).toEqual(['outbound', '/books', 'books', 'web-0']);
    // The only POSTs web sends are the ratings gRPC calls.
    for (const r of requests(posts.events())) expect([r.requestInit.method, r.requestInit.path]).toEqual(['POST', '/signalbox.demo.Ratings/Get']);
    for (const c of [authors, toBooks, posts, all]) c.close();
  });

  it('holds the rate cap across the tapped pods', async () => {
    // 2 rps over 2 books pods: 1 per pod per 1-s window, while the demo sends ~20 rps to books.
    const started = Date.now();
    const client = await tap({ target: deploy('books'), maxRps: 2 });
    await eventually(() => expect(requests(client.events()).length).toBeGreaterThanOrEqual(8), { timeoutMs: 30_000, intervalMs: 100 });
    const seconds = (Date.now() - started) / 1000;
    const count = requests(client.events()).length;
    // Each pod's windows start when its subscription does: one partial window of slack per pod.
    expect(count).toBeLessThanOrEqual(2 * Math.ceil(seconds) + 2);
    expect(new Set(requests(client.events()).map((r) => r.destination.meta.pod)).size).toBe(2);
    client.close();
  });

  it('redacts sensitive headers', async () => {
    const client = await tap({ target: deploy('books'), extractHeaders: true, match: { path: { prefix: '/books/redaction' } } });
    const books0 = pod('books-0');
    await eventually(
      async () => {
        await request(books0.proxy.inbound, 'http://books.demo:7001/books/redaction', {
          absolute: false,
          headers: { authorization: 'Bearer s3cret', cookie: 'id=s3cret', 'x-trace': 'visible' },
        });
        expect(requests(client.events()).length).toBeGreaterThan(0);
      },
      { timeoutMs: 15_000, intervalMs: 300 },
    );
    const headers = Object.fromEntries((requests(client.events())[0]?.requestInit.headers ?? []).map((h) => [h.name.toLowerCase(), h.value]));
    expect(headers).toMatchObject({ authorization: '<redacted>', cookie: '<redacted>', 'x-trace': 'visible' });
    expect(JSON.stringify(client.messages)).not.toContain('s3cret');
    client.close();
  });

  it('reconnects to a proxy that restarts mid-tap, with a notice and a fresh id base', async () => {
    const client = await tap({ target: deploy('books') });
    const seen = () => requests(client.events()).filter((r) => r.destination.meta.pod === 'books-0');
    await eventually(() => expect(seen().length).toBeGreaterThan(0), { timeoutMs: 20_000 });
    const oldBases = new Set(client.events().map((e) => e.id.base));
    const old = mesh.processes.find((p) => p.name === 'books-0-proxy') as ManagedProcess;
    await old.stop();
    await eventually(() =>
      expect(client.messages).toContainEqual(expect.objectContaining({ type: 'error', code: 'SB_TAP_PROXY_UNAVAILABLE', pod: 'demo/books-0' })),
    );
    const books0 = pod('books-0');
    extra.push(
      await startProxy({
        dir: mesh.dir,
        name: 'books-0-proxy-restarted',
        ...books0.proxy,
        app: books0.app,
        controlPlaneUrl: mesh.apiUrl,
        // Its identity too: web's proxy reaches books-0 over mTLS only.
        extraArgs: [`--tap-token=${mesh.tapToken}`, ...demoProxyIdentityArgs(mesh.dir, mesh.pods.find((p) => p.pod.name === 'books-0') as DemoPod)],
      }),
    );
    await eventually(() => expect(seen().some((r) => !oldBases.has(r.id.base))).toBe(true), { timeoutMs: 30_000, intervalMs: 200 });
    // books-1 kept streaming throughout, and the stream itself never closed.
    expect(requests(client.events()).some((r) => r.destination.meta.pod === 'books-1')).toBe(true);
    expect(client.ws.readyState).toBe(client.ws.OPEN);
    client.close();
  });
});

describe('a slow tap client', () => {
  let hub: TapHub;
  let tapCert: TapCertSource;
  let server: http.Server;
  let addr: string;
  beforeAll(async () => {
    // The hub in-process, against the demo's proxies, so the test can look at its queue.
    // It taps over mTLS as the control plane does: a tap-service certificate from the run's CA.
    tapCert = createTapCertSource({ issuer: await loadIssuer(identityDirPaths(mesh.identityDir)), identity: tapServiceIdentity(), lifetimeMs: 3_600_000 });
    await tapCert.ready;
    hub = createTapHub({
      registry: () => parseRegistry(readFileSync(mesh.registryFile, 'utf8'), mesh.registryFile),
      proxyToken: mesh.tapToken,
      tls: { material: tapCert.current, trustDomain: defaultTrustDomain },
      outboxCap: 50,
    });
    const endpoint = createTapEndpoint({ hub, authToken: undefined });
    server = http.createServer((_req, res) => res.writeHead(404).end());
    server.on('upgrade', (req, socket, head) => endpoint.handleUpgrade(req, socket, head) || socket.destroy());
    addr = await freeAddr();
    const [host, port] = addr.split(':') as [string, string];
    await new Promise<void>((r) => server.listen(Number(port), host, r));
  });
  afterAll(async () => {
    hub?.closeAll();
    tapCert?.close();
    server?.closeAllConnections();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  });

  it('drops and counts events instead of growing a queue, and tells the client when it reads again', async () => {
    const client = await openTap(`ws://${addr}/v1/tap`, { v: 1, target: deploy('web'), maxRps: 10_000, extractHeaders: true });
    open.push(client);
    client.ws.pause(); // stop reading: the kernel buffers fill, then the hub's outbox, then it drops
    const session = await eventually(() => {
      const s = [...hub.sessions][0];
      expect(s).toBeDefined();
      return s as NonNullable<typeof s>;
    });
    let maxQueued = 0;
    const dropped = await eventually(
      () => {
        const s = session.stats();
        maxQueued = Math.max(maxQueued, s.queued);
        expect(s.dropped).toBeGreaterThan(0);
        return s.dropped;
      },
      { timeoutMs: 90_000, intervalMs: 50 },
    );
    await eventually(() => {
      const s = session.stats();
      maxQueued = Math.max(maxQueued, s.queued);
      expect(s.dropped).toBeGreaterThan(dropped);
    });
    expect(maxQueued).toBeLessThanOrEqual(50);
    expect(session.stats().inFlight).toBeLessThanOrEqual(32);
    client.ws.resume();
    await eventually(() => expect(client.messages.some((m) => m.type === 'dropped' && m.count > 0)).toBe(true), { timeoutMs: 30_000 });
    client.close();
  }, 120_000);
});

describe('signalbox tap', () => {
  const runCli = (args: string[], lines: number) =>
    runCliUntil(args, lines, { SIGNALBOX_API_URL: mesh.apiUrl, SIGNALBOX_TAP_AUTH_TOKEN: AUTH });

  it('prints Linkerd’s tap lines', async () => {
    const { out, code } = await runCli(['tap', 'deploy/books', '-n', 'demo', '--max-rps', '10'], 12);
    expect(code).toBe(0);
    const flow = 'proxy=in  src=127\\.0\\.0\\.1:\\d+ dst=127\\.0\\.0\\.1:\\d+ tls=true';
    const patterns = [
      new RegExp(`^req id=\\d+:\\d+ ${flow} :method=GET :authority=books\\.demo:7001 :path=/books$`),
      new RegExp(`^rsp id=\\d+:\\d+ ${flow} :status=(200|500) latency=\\d+µs$`),
      new RegExp(`^end id=\\d+:\\d+ ${flow} duration=\\d+µs response-length=\\d+B$`),
    ];
    for (const line of out) expect(patterns.some((p) => p.test(line)), line).toBe(true);
    for (const p of patterns) expect(out.some((l) => p.test(l)), String(p)).toBe(true);
  });

  it('writes NDJSON TapEvents with -o json', async () => {
    const { out } = await runCli(['tap', 'deploy/web', '-n', 'demo', '--to', 'deploy/authors', '-o', 'json'], 6);
    for (const line of out) {
      const event = tapEventSchema.parse(JSON.parse(line));
      expect(event.destination.meta.deployment).toBe('authors');
    }
  });
});
