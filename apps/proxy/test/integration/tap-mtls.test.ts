// Tap with identity on, on real loopback sockets: the real control plane certifies an in-process proxy, which serves
// tap on its mTLS tap listener only. The tap service's identity (a leaf from the same CA) is served, and so is the
// control plane's own hub client; another workload's certificate, a stranger CA's, no client certificate, and the
// token on the admin listener are all refused and counted; the hub refuses a proxy that is not who discovery says.
import { writeFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { connectProxyTap, identityDirPaths, loadIssuer, type Issuer } from '@signalbox/api';
import { eventually, freeAddr, makeRunDir, type ManagedProcess } from '@signalbox/launch';
import { tapServiceIdentity, type TapMessage } from '@signalbox/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { stringify } from 'yaml';
import type { RunningProxy } from '../../src/app/proxy.js';
import type { CertMaterial } from '../../src/identity/cert-manager.js';
import { request, scrape } from '../support/client.js';
import { startEchoServer, type EchoServer } from '../support/echo-server.js';
import { identityDirOf, startIdentityControlPlane, strangerIssuer, testIdentity, testMaterial } from '../support/identity.js';
import { startInProcessProxy } from '../support/mesh.js';
import { upgradeStatus } from '../support/tap-client.js';

const TOKEN = 'test-tap-token-0123456789';
const BOOKS_TOKEN = 'token-of-books-0-0123456789abcdef';
let dir: string;
let api: ManagedProcess;
let issuer: Issuer;
let app: EchoServer;
let proxy: RunningProxy;
const sub = { v: 1 as const, maxRps: 100, extractHeaders: false, labels: { namespace: 'demo', deployment: 'books', pod: 'books-0' } };

beforeAll(async () => {
  dir = makeRunDir('signalbox-tap-mtls-');
  const apiAddr = await freeAddr();
  const pod = {
    name: 'books-0',
    deployment: 'books',
    serviceAccount: 'books',
    app: await freeAddr(),
    proxy: { inbound: await freeAddr(), outbound: await freeAddr(), admin: await freeAddr(), tap: await freeAddr() },
    identityToken: { value: BOOKS_TOKEN },
  };
  const registryFile = path.join(dir, 'registry.yaml');
  writeFileSync(registryFile, stringify({ namespaces: [{ name: 'demo', pods: [pod], services: [] }] }));
  api = await startIdentityControlPlane({ dir, listen: apiAddr, registryFile });
  issuer = await loadIssuer(identityDirPaths(identityDirOf(dir)));
  app = await startEchoServer(pod.app, 'books-0');
  const tokenFile = path.join(dir, 'books-0.token');
  writeFileSync(tokenFile, `${BOOKS_TOKEN}\n`, { mode: 0o600 });
  proxy = await startInProcessProxy({
    inbound: pod.proxy.inbound,
    outbound: pod.proxy.outbound,
    admin: pod.proxy.admin,
    tapListen: pod.proxy.tap,
    app: pod.app,
    controlPlane: `http://${apiAddr}`,
    identityServiceaccount: 'books',
    identityNamespace: 'demo',
    identityTokenFile: tokenFile,
    // Configured too, to show it is not enough once identity is on.
    tapToken: TOKEN,
  });
  await proxy.identity?.ready;
}, 30_000);

afterAll(async () => {
  await proxy?.shutdown();
  await app?.close();
  await api?.stop();
});

type Outcome = { open: WebSocket; messages: TapMessage[] } | { status: number } | { error: string };

/** A wss subscriber to the proxy's tap listener presenting `client` (or no certificate). */
function wssTap(client: CertMaterial | undefined, { serverIdentity = testIdentity('books') } = {}): Promise<Outcome> {
  const ws = new WebSocket(`wss://${proxy.tapAddr}/tap`, {
    perMessageDeflate: false,
    ...({
      ...(client ? { key: client.keyPem, cert: [client.leafPem, ...client.chainPem].join('') } : {}),
      ca: issuer.trustAnchorsPem,
      servername: serverIdentity,
      minVersion: 'TLSv1.3',
      checkServerIdentity: () => undefined,
    } as unknown as WebSocket.ClientOptions),
  });
  const messages: TapMessage[] = [];
  ws.on('message', (d) => messages.push(JSON.parse(String(d)) as TapMessage));
  return new Promise((resolve) => {
    ws.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? -1 });
      ws.terminate();
    });
    ws.once('error', (err) => resolve({ error: String((err as NodeJS.ErrnoException).code ?? err.message) }));
    ws.once('open', () => {
      ws.send(JSON.stringify(sub));
      // TLS 1.3: the server checks the client certificate after the client's handshake is done, so a refusal may
      // arrive just after 'open'; a subscriber counts as served once the stream stays up.
      const t = setTimeout(() => resolve({ open: ws, messages }), 300);
      ws.once('close', () => {
        clearTimeout(t);
        resolve({ error: 'closed right after the handshake' });
      });
    });
  });
}

const refused = async (reason: string) => {
  const text = await scrape(proxy.adminAddr);
  const line = text.split('\n').find((l) => l.startsWith(`tap_subscribe_refused_total{reason="${reason}"}`));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
};

describe('tap with identity on', () => {
  it('serves the tap service’s identity on the mTLS tap listener, with events for forwarded requests', async () => {
    expect(proxy.tapAddr).toMatch(/^127\.0\.0\.1:\d+$/);
    const outcome = await wssTap(await testMaterial(issuer, tapServiceIdentity()));
    if (!('open' in outcome)) throw new Error(`not served: ${JSON.stringify(outcome)}`);
    await eventually(() => expect(proxy.tap.active).toBe(true));
    expect((await request(proxy.inboundAddr, 'http://books.demo:7001/books/1', { absolute: false })).status).toBe(200);
    await eventually(() => expect(outcome.messages.filter((m) => m.type === 'event')).toHaveLength(3));
    outcome.open.close();
    await eventually(() => expect(proxy.tap.active).toBe(false));
  });

  it('refuses another workload’s certificate from the same CA (403, counted)', async () => {
    const before = await refused('identity');
    expect(await wssTap(await testMaterial(issuer, testIdentity('web')))).toEqual({ status: 403 });
    expect(await refused('identity')).toBe(before + 1);
    expect(proxy.tap.active).toBe(false);
  });

  it('refuses a client without a certificate, or with the tap name from a stranger CA (TLS alert, counted)', async () => {
    const before = await refused('handshake');
    expect(await wssTap(undefined)).toHaveProperty('error');
    expect(await wssTap(await testMaterial(await strangerIssuer(), tapServiceIdentity()))).toHaveProperty('error');
    await eventually(async () => expect(await refused('handshake')).toBe(before + 2));
    expect(proxy.tap.active).toBe(false);
  });

  it('does not accept the token alone: the admin listener’s /tap is refused (403, counted)', async () => {
    const before = await refused('plaintext');
    expect(await upgradeStatus(`ws://${proxy.adminAddr}/tap`, TOKEN)).toBe(403);
    expect(await upgradeStatus(`ws://${proxy.adminAddr}/tap`)).toBe(403);
    expect(await refused('plaintext')).toBe(before + 2);
  });

  it('lets the control plane’s hub client in with its tap certificate, verifying the proxy’s identity', async () => {
    const tapCert = await testMaterial(issuer, tapServiceIdentity());
    const open = (serverIdentity: string) => {
      const seen = { up: 0, down: [] as { reason: string; refused: boolean }[], messages: [] as TapMessage[] };
      const client = connectProxyTap({
        admin: proxy.tapAddr as string,
        tls: { material: () => tapCert, serverIdentity },
        token: undefined,
        subscription: sub,
        onMessage: (m) => seen.messages.push(m),
        onUp: () => seen.up++,
        onDown: (reason, r) => seen.down.push({ reason, refused: r }),
        initialBackoffMs: 50,
        maxBackoffMs: 200,
      });
      return { seen, client };
    };
    const good = open(testIdentity('books'));
    await eventually(() => expect(good.seen.up).toBe(1));
    await eventually(() => expect(proxy.tap.active).toBe(true));
    expect((await request(proxy.inboundAddr, 'http://books.demo:7001/books/2', { absolute: false })).status).toBe(200);
    await eventually(() => expect(good.seen.messages.filter((m) => m.type === 'event')).toHaveLength(3));
    good.client.close();

    // Discovery says the pod is `payments`: the proxy (certified as `books`) refuses that SNI, nothing is served.
    const wrong = open(testIdentity('payments'));
    await eventually(() => expect(wrong.seen.down.length).toBeGreaterThan(0));
    wrong.client.close();
    expect(wrong.seen.up).toBe(0);

    // An impostor with a valid certificate from the same CA for `web`, where discovery says `books`: the hub's own
    // check refuses it (exact DNS SAN match), reported as a refusal.
    const fake = await testMaterial(issuer, testIdentity('web'));
    const impostor = https.createServer({ key: fake.keyPem, cert: [fake.leafPem, ...fake.chainPem].join(''), minVersion: 'TLSv1.3' });
    const impostorAddr = await freeAddr();
    await new Promise<void>((r) => impostor.listen(Number(impostorAddr.split(':')[1]), '127.0.0.1', () => r()));
    const seen = { up: 0, down: [] as { reason: string; refused: boolean }[] };
    const client = connectProxyTap({
      admin: impostorAddr,
      tls: { material: () => tapCert, serverIdentity: testIdentity('books') },
      token: undefined,
      subscription: sub,
      onMessage: () => {},
      onUp: () => seen.up++,
      onDown: (reason, r) => seen.down.push({ reason, refused: r }),
    });
    await eventually(() => expect(seen.down.length).toBeGreaterThan(0));
    client.close();
    impostor.close();
    expect(seen.up).toBe(0);
    expect(seen.down[0]).toMatchObject({ refused: true });
    expect(seen.down[0]?.reason).toMatch(/is not the expected books/);
  });
});
