// Every meshed hop over mTLS, end to end through real proxies: the real control plane (registry, discovery with
// identities, identity service issuing 20 s certificates) and in-process proxies that certify with their tokens.
// HTTP/1 (both peer protocols), gRPC, WebSocket and opaque TCP are TLS on both sides (metric labels, the client
// identity the app sees); attacks are refused (stranger CA, expired, wrong identity, garbage, plaintext where
// identity is required); plaintext clients still reach ordinary ports; renewal keeps connections and serves.
import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { writeFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { identityDirPaths, loadIssuer, type Issuer } from '@signalbox/api';
import { eventually, freeAddr, makeRunDir, type ManagedProcess } from '@signalbox/launch';
import { encodeTransportHeader, transportAlpn, type RegistryPod, type RegistryService } from '@signalbox/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { stringify } from 'yaml';
import type { RunningProxy } from '../../src/app/proxy.js';
import type { ProxyConfig } from '../../src/config.js';
import { rawExchange, request, scrape } from '../support/client.js';
import { greeterClient, startGreeterServer, unary, type GreeterServer } from '../support/grpc.js';
import { identityDirOf, startIdentityControlPlane, strangerIssuer, testIdentity as id, testMaterial } from '../support/identity.js';
import { startInProcessProxy } from '../support/mesh.js';
import { rawConnect, startTcpEcho, type TcpServer } from '../support/tcp-servers.js';

const clientId = 'signalbox-client-id';

/** An HTTP app that tells who called (the client id header it got) and speaks WebSocket. */
async function startWhoAmI(listen: string, name: string) {
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ server: name, url: req.url, clientId: req.headers[clientId] ?? null }));
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const wss = new WebSocketServer({ server });
  wss.on('connection', (ws, req) => {
    ws.send(`welcome ${String(req.headers[clientId])}`);
    ws.on('message', (data) => ws.send(`echo:${data.toString()}`));
  });
  await new Promise<void>((r) => server.listen(Number(listen.split(':')[1]), '127.0.0.1', () => r()));
  return {
    addr: listen,
    async close() {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** The sum of a metric's samples whose labels include every one of `labels`. */
function sum(text: string, name: string, labels: Record<string, string>): number {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  return text
    .split('\n')
    .filter((l) => (l.startsWith(`${name}{`) || l.startsWith(`${name} `)) && want.every((w) => l.includes(w)))
    .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

let dir: string;
let api: ManagedProcess;
let issuer: Issuer;
const servers: { close(): Promise<void> }[] = [];
const proxies: Record<string, RunningProxy> = {};
let stock: TcpServer;
let greeter: GreeterServer;
let stockListen: string;
/** web0's fixed-destination listeners for stock's other ports: its second app, and its proxy's admin port. */
const stockPorts = { second: '', admin: '' };
let stockSecond: TcpServer;
let impostor: net.Server;
const tokenFor = (pod: string) => `token-of-${pod}-0123456789abcdef`;

beforeAll(async () => {
  dir = makeRunDir('signalbox-mtls-');
  const apiAddr = await freeAddr();
  const meshed = async (name: string, sa: string, extra: Partial<RegistryPod> = {}) => ({
    name,
    deployment: sa,
    serviceAccount: sa,
    app: await freeAddr(),
    proxy: { inbound: await freeAddr(), outbound: await freeAddr(), admin: await freeAddr() },
    identityToken: { value: tokenFor(name) },
    ...extra,
  });
  const pods = {
    web0: await meshed('web-0', 'web'),
    web1: await meshed('web-1', 'web'),
    books: await meshed('books-0', 'books'),
    greeter: await meshed('greeter-0', 'greeter'),
    stock: await meshed('stock-0', 'stock'),
    secure: await meshed('secure-0', 'secure', { requireIdentity: true }),
    // Discovery expects `payments` here, but whoever listens presents a valid certificate for another name.
    payments: await meshed('payments-0', 'payments'),
    legacy: { name: 'legacy-0', deployment: 'legacy', serviceAccount: 'legacy', app: await freeAddr() },
  };
  const services = [
    ['books', 7001],
    ['greeter', 7003],
    ['stock', 7005],
    ['secure', 7006],
    ['payments', 7007],
    ['legacy', 7008],
  ].map(([name, port]): RegistryService => ({ name: name as string, port: port as number, deployment: name as string }));
  // Two more ports of stock's pod, named to its inbound proxy in the transport header: a second app, and (as no
  // app may be) the proxy's own admin listener.
  const stockSecondApp = await freeAddr();
  const port = (addr: string) => Number(addr.split(':')[1]);
  services.push({ name: 'stock-ports', port: 7011, deployment: 'stock', ports: [{ port: 7011, targetPort: port(stockSecondApp) }, { port: 7012, targetPort: port(pods.stock.proxy.admin) }] });
  const registryFile = path.join(dir, 'registry.yaml');
  writeFileSync(registryFile, stringify({ namespaces: [{ name: 'demo', pods: Object.values(pods), services }] }));
  api = await startIdentityControlPlane({ dir, listen: apiAddr, registryFile, certLifetime: '20s' });
  issuer = await loadIssuer(identityDirPaths(identityDirOf(dir)));

  servers.push(await startWhoAmI(pods.books.app, 'books'), await startWhoAmI(pods.secure.app, 'secure'), await startWhoAmI(pods.legacy.app, 'legacy'));
  greeter = await startGreeterServer(pods.greeter.app);
  stock = await startTcpEcho(pods.stock.app, 'bye');
  stockSecond = await startTcpEcho(stockSecondApp, 'second');
  // The impostor: a TLS server with a real-issuer certificate for `web`, where discovery says `payments`.
  const fake = await testMaterial(issuer, id('web'));
  impostor = tls.createServer({ key: fake.keyPem, cert: [fake.leafPem, ...fake.chainPem].join(''), minVersion: 'TLSv1.3' }, (s) => s.end());
  await new Promise<void>((r) => impostor.listen(Number(pods.payments.proxy.inbound.split(':')[1]), '127.0.0.1', () => r()));

  stockListen = await freeAddr();
  stockPorts.second = await freeAddr();
  stockPorts.admin = await freeAddr();
  const start = async (key: string, pod: (typeof pods)['web0'], overrides: Partial<ProxyConfig> = {}) => {
    const tokenFile = path.join(dir, `${pod.name}.token`);
    writeFileSync(tokenFile, `${tokenFor(pod.name)}\n`, { mode: 0o600 });
    const p = await startInProcessProxy({
      ...pod.proxy,
      app: pod.app,
      controlPlane: `http://${apiAddr}`,
      identityServiceaccount: pod.serviceAccount,
      identityNamespace: 'demo',
      identityTokenFile: tokenFile,
      ...overrides,
    });
    proxies[key] = p;
    await p.identity?.ready;
  };
  await Promise.all([
    start('web0', pods.web0, {
      peerProtocol: 'http1',
      outboundTcp: [
        { listen: stockListen, authority: 'stock.demo:7005' },
        { listen: stockPorts.second, authority: 'stock-ports.demo:7011' },
        { listen: stockPorts.admin, authority: 'stock-ports.demo:7012' },
      ],
    }),
    // web1: the default peer protocol, `auto`, which multiplexes to peers reached over mTLS.
    start('web1', pods.web1),
    start('books', pods.books),
    start('greeter', pods.greeter),
    // Transparent interception on (when the addon loads): nothing redirects here, so its inbound only ever learns
    // stock's other app ports from the transport header.
    start('stock', pods.stock, { intercept: true }),
    start('secure', pods.secure, { requireIdentityPorts: [Number(pods.secure.app.split(':')[1])] }),
  ]);
});

afterAll(async () => {
  for (const p of Object.values(proxies)) await p.shutdown();
  for (const s of servers) await s.close();
  await greeter?.close();
  await stock?.close();
  await stockSecond?.close();
  await new Promise<void>((r) => (impostor ? impostor.close(() => r()) : r()));
  await api?.stop();
});

const p = (key: string) => proxies[key] as RunningProxy;
const metrics = (key: string) => scrape(p(key).adminAddr);
type WhoAmI = { server: string; clientId: string | null };

describe.each(['web0', 'web1'])('meshed HTTP/1 from %s (peer protocol http1, auto)', (client) => {
  it('goes over mTLS: the app sees the caller identity, both proxies label tls="true" with the peer identity', async () => {
    // A client-sent identity is never believed: the inbound proxy replaces it with the one mTLS proved.
    const r = await request(p(client).outboundAddr, 'http://books.demo:7001/who', { headers: { [clientId]: 'forged' } });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body.toString()) as WhoAmI).toMatchObject({ server: 'books', clientId: id('web') });
    await eventually(async () => {
      expect(sum(await metrics(client), 'response_total', { direction: 'outbound', tls: 'true', server_id: id('books'), status_code: '200' })).toBeGreaterThan(0);
      expect(sum(await metrics('books'), 'response_total', { direction: 'inbound', tls: 'true', client_id: id('web'), status_code: '200' })).toBeGreaterThan(0);
      expect(sum(await metrics('books'), 'tcp_open_total', { direction: 'inbound', peer: 'src', tls: 'true', client_id: id('web') })).toBeGreaterThan(0);
    });
  });
});

describe('the peer protocol over mTLS', () => {
  it('auto multiplexes HTTP/1 on one connection to the peer; http1 opens one per request in flight', async () => {
    const opened = async (key: string) =>
      sum(await metrics(key), 'tcp_open_total', { direction: 'outbound', target_addr: p('books').inboundAddr, peer: 'dst', tls: 'true' });
    const burst = (key: string) =>
      Promise.all(Array.from({ length: 20 }, (_, i) => request(p(key).outboundAddr, `http://books.demo:7001/who/${i}`)));
    for (const r of [...(await burst('web0')), ...(await burst('web1'))]) expect(r.status).toBe(200);
    expect(await opened('web0')).toBeGreaterThan(1);
    expect(await opened('web1')).toBe(1);
    // The multiplexed requests were restored to HTTP/1 for the app, with the identity mTLS proved.
    expect(sum(await metrics('books'), 'response_total', { direction: 'inbound', tls: 'true', client_id: id('web'), status_code: '200' })).toBeGreaterThanOrEqual(40);
  });
});

describe('other protocols between meshed proxies', () => {
  it('gRPC (h2) goes over mTLS', async () => {
    const c = greeterClient(p('web0').outboundAddr, 'greeter.demo:7003');
    try {
      const r = await unary(c, { name: 'ada' });
      expect(r.reply).toEqual({ message: 'hello ada' });
    } finally {
      c.close();
    }
    expect(sum(await metrics('web0'), 'response_total', { tls: 'true', server_id: id('greeter'), grpc_status: String(grpc.status.OK) })).toBeGreaterThan(0);
    expect(sum(await metrics('greeter'), 'response_total', { direction: 'inbound', tls: 'true', client_id: id('web'), grpc_status: '0' })).toBeGreaterThan(0);
  });

  it('a meshed h2 connection that ends mid-call (FIN, no GOAWAY) cancels the call at the app', async () => {
    // What a caller's proxy killed mid-call looks like to ours: the TLS connection just ends. HTTP/2 has no
    // half-close, so the inbound must take it as the end of every stream on it.
    const socket = meshClient(p('greeter').inboundAddr, id('greeter'), await testMaterial(issuer, id('web')), 'h2');
    socket.on('error', () => {});
    const session = http2.connect('https://greeter.demo', { createConnection: () => socket });
    session.on('error', () => {});
    const call = session.request({
      ':method': 'POST',
      ':path': '/demo.Greeter/SayHello',
      ':authority': 'greeter.demo:7003',
      'content-type': 'application/grpc',
      te: 'trailers',
    });
    call.on('error', () => {});
    const message = Buffer.from(JSON.stringify({ name: 'fin-over-mtls', hang: true }));
    const frame = Buffer.alloc(5 + message.length);
    frame.writeUInt32BE(message.length, 1);
    message.copy(frame, 5);
    call.end(frame);
    const before = greeter.cancelled();
    await eventually(() => expect(greeter.calls('fin-over-mtls')).toBe(1));
    socket.destroy();
    await eventually(() => expect(greeter.cancelled()).toBe(before + 1));
    session.destroy();
  });

  it('a WebSocket goes over mTLS, the app knowing its caller', async () => {
    const [host, port] = p('web0').outboundAddr.split(':') as [string, string];
    const ws = new WebSocket('ws://books.demo:7001/ws', { createConnection: () => net.connect(Number(port), host) });
    const messages: string[] = [];
    ws.on('message', (d) => messages.push(d.toString()));
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    ws.send('hi');
    await eventually(() => expect(messages).toEqual([`welcome ${id('web')}`, 'echo:hi']));
    ws.close();
    expect(sum(await metrics('web0'), 'response_total', { tls: 'true', server_id: id('books'), status_code: '101' })).toBe(1);
    expect(sum(await metrics('books'), 'response_total', { direction: 'inbound', tls: 'true', client_id: id('web'), status_code: '101' })).toBe(1);
  });

  it('opaque TCP goes over mTLS with the transport header, half-close intact', async () => {
    const conn = await rawConnect(stockListen);
    conn.socket.write('PING\r\n');
    await eventually(() => expect(conn.received()).toBe('PING\r\n'));
    conn.socket.end();
    await conn.ended;
    expect(conn.received()).toBe('PING\r\nbye');
    await eventually(async () => {
      expect(sum(await metrics('web0'), 'tcp_open_total', { direction: 'outbound', peer: 'dst', tls: 'true', server_id: id('stock') })).toBeGreaterThan(0);
      expect(sum(await metrics('stock'), 'tcp_open_total', { direction: 'inbound', peer: 'src', tls: 'true', client_id: id('web') })).toBeGreaterThan(0);
    });
  });

  it('with --intercept, the transport header reaches any app port from the first connection, never the proxy’s own', async (ctx) => {
    if (!p('stock').intercept) return ctx.skip('interception is off here (the original-destination addon did not load)');
    const second = await rawConnect(stockPorts.second);
    second.socket.write('PING\r\n');
    await eventually(() => expect(second.received()).toBe('PING\r\n'));
    second.socket.end();
    await second.ended;
    expect(second.received()).toBe('PING\r\nsecond');

    // Discovery never names the proxy's own admin port in a header (below); a peer that does anyway is refused.
    const refusals = async () => sum(await metrics('stock'), 'inbound_tcp_errors_total', { error: 'SB_TRANSPORT_HEADER' });
    const before = await refusals();
    const peer = meshClient(p('stock').inboundAddr, id('stock'), await testMaterial(issuer, id('web')), transportAlpn);
    peer.on('error', () => {});
    const received: Buffer[] = [];
    peer.on('data', (d: Buffer) => received.push(d));
    peer.write(Buffer.concat([encodeTransportHeader({ port: Number(p('stock').adminAddr.split(':')[1]) }), Buffer.from('PING\r\n')]));
    // The admin server would answer 400 to this; refused, the peer only sees its connection end.
    await new Promise((r) => peer.once('close', r));
    expect(Buffer.concat(received).toString()).toBe('');
    await eventually(async () => expect(await refusals()).toBe(before + 1));
  });

  it('reaches a pod’s proxy admin port through a service in plaintext: it is the proxy itself, never behind its inbound', async () => {
    // Discovery answers the admin port unmeshed (as a meshed Prometheus scraping it needs): no mTLS, no header.
    const admin = await rawConnect(stockPorts.admin);
    admin.socket.write('GET /live HTTP/1.1\r\nHost: stock\r\nConnection: close\r\n\r\n');
    await admin.ended;
    admin.socket.end();
    expect(admin.received()).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nlive\n$/);
  });

  it('an unmeshed endpoint is still reached, in plaintext, labelled not_provided_by_service_discovery', async () => {
    const r = await request(p('web0').outboundAddr, 'http://legacy.demo:7008/');
    expect(r.status).toBe(200);
    expect(sum(await metrics('web0'), 'response_total', { tls: 'no_identity', no_tls_reason: 'not_provided_by_service_discovery', dst_service: 'legacy' })).toBe(1);
  });
});

describe('inbound policy', () => {
  it('serves a plaintext client on an ordinary port, labelled no_tls_from_remote, with no client identity', async () => {
    const books = p('books').inboundAddr;
    const r = await request(books, 'http://books.demo:7001/plain', { absolute: false, headers: { [clientId]: 'forged' } });
    expect(JSON.parse(r.body.toString()) as WhoAmI).toMatchObject({ server: 'books', clientId: null });
    expect(sum(await metrics('books'), 'response_total', { direction: 'inbound', tls: 'no_identity', no_tls_reason: 'no_tls_from_remote' })).toBeGreaterThan(0);
  });

  it('refuses plaintext on a port that requires identity, and counts it; meshed callers get through', async () => {
    const reply = await rawExchange(p('secure').inboundAddr, 'GET / HTTP/1.1\r\nhost: secure\r\n\r\n');
    expect(reply).toEqual({ text: '', closed: true });
    expect(sum(await metrics('secure'), 'inbound_tcp_authz_deny_total', { tls: 'no_identity', no_tls_reason: 'no_tls_from_remote' })).toBe(1);
    const r = await request(p('web0').outboundAddr, 'http://secure.demo:7006/');
    expect(JSON.parse(r.body.toString()) as WhoAmI).toMatchObject({ server: 'secure', clientId: id('web') });
  });
});

describe('attacks', () => {
  /** A TLS client speaking straight to books' inbound with `material` as its certificate. */
  async function handshake(material: Material, expected = id('books')) {
    const socket = meshClient(p('books').inboundAddr, expected, material);
    socket.on('error', () => {});
    await new Promise((r) => socket.once('secureConnect', r).once('close', r));
    // TLS 1.3: the server judges the client certificate after the client thinks it is done; it then closes.
    socket.write('GET / HTTP/1.1\r\nhost: books\r\nconnection: close\r\n\r\n');
    const data: Buffer[] = [];
    socket.on('data', (d: Buffer) => data.push(d));
    await new Promise((r) => socket.once('close', r));
    return Buffer.concat(data).toString();
  }

  const errors = async (code: string) => sum(await metrics('books'), 'inbound_tcp_errors_total', { error: code });

  it('refuses a client certificate from another CA, and an expired one; still serving', async () => {
    const before = await errors('SB_TLS_UNAUTHORIZED');
    expect(await handshake(await testMaterial(await strangerIssuer(), id('web')))).toBe('');
    expect(await handshake(await testMaterial(issuer, id('web'), { now: new Date(Date.now() - 2 * 86_400_000) }))).toBe('');
    await eventually(async () => expect(await errors('SB_TLS_UNAUTHORIZED')).toBe(before + 2));
    // A good certificate still works, end to end.
    expect(await handshake(await testMaterial(issuer, id('web')))).toMatch(/^HTTP\/1.1 200/);
  });

  it('refuses a server with a valid certificate for another identity than discovery expects (outbound)', async () => {
    const r = await request(p('web0').outboundAddr, 'http://payments.demo:7007/');
    expect(r.status).toBe(502);
    expect(r.headers['signalbox-proxy-error']).toBe('upstream-tls');
    expect(r.body.toString()).toMatch(/is not the expected payments\.demo/);
  });

  it('closes garbage instead of a ClientHello on a TLS-detecting port, and keeps serving', async () => {
    // A handshake record whose body is no ClientHello, to the port that requires identity: closed at once.
    const garbage = Buffer.concat([Buffer.from([0x16, 0x03, 0x01, 0x00, 0x20, 0x01]), Buffer.alloc(31, 0xaa)]);
    expect(await rawExchange(p('secure').inboundAddr, garbage)).toEqual({ text: '', closed: true });
    // Our own SNI, then garbage where the rest of the handshake should be: the handshake fails, the socket closes.
    const hello = await clientHelloFor(id('books'));
    expect((await rawExchange(p('books').inboundAddr, Buffer.concat([hello, Buffer.from([0x16, 0x03, 0x03, 0x00, 0x04, 1, 2, 3, 4])]))).closed).toBe(true);
    expect((await request(p('web0').outboundAddr, 'http://books.demo:7001/')).status).toBe(200);
    expect((await request(p('web0').outboundAddr, 'http://secure.demo:7006/')).status).toBe(200);
  });
});

/** The ClientHello a TLS client sends for `servername`, captured on a throwaway listener. */
async function clientHelloFor(servername: string): Promise<Buffer> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const got = new Promise<Buffer>((r) => server.once('connection', (s) => s.once('data', (d: Buffer) => (s.destroy(), r(d)))));
  const c = tls.connect({ port: (server.address() as net.AddressInfo).port, host: '127.0.0.1', servername, minVersion: 'TLSv1.3' });
  c.on('error', () => {});
  const hello = await got;
  c.destroy();
  await new Promise<void>((r) => server.close(() => r()));
  return hello;
}

describe('renewal', () => {
  it('renews (20 s certificates): open connections stay up, new handshakes use the new certificate, no request fails', async () => {
    const refreshes = async (key: string) => sum(await metrics(key), 'identity_cert_refresh_count', {});
    const startWeb = await refreshes('web0');
    const startBooks = await refreshes('books');
    const leafBefore = p('books').identity?.current()?.leafPem;
    // A long-lived WebSocket and a keep-alive client across the renewal.
    const [host, port] = p('web0').outboundAddr.split(':') as [string, string];
    const ws = new WebSocket('ws://books.demo:7001/ws', { createConnection: () => net.connect(Number(port), host) });
    const messages: string[] = [];
    ws.on('message', (d) => messages.push(d.toString()));
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const statuses: number[] = [];
    try {
      await eventually(
        async () => {
          for (const client of ['web0', 'web1']) statuses.push((await request(p(client).outboundAddr, 'http://books.demo:7001/', { agent })).status);
          expect(await refreshes('web0')).toBeGreaterThan(startWeb);
          expect(await refreshes('books')).toBeGreaterThan(startBooks);
        },
        { timeoutMs: 40_000, intervalMs: 250 },
      );
      expect(statuses.every((s) => s === 200)).toBe(true);
      // The WebSocket opened before the renewal still carries messages.
      ws.send('after renewal');
      await eventually(() => expect(messages).toContain('echo:after renewal'));
      // A new handshake with books' inbound presents its renewed certificate.
      const leafNow = p('books').identity?.current()?.leafPem;
      expect(leafNow).not.toBe(leafBefore);
      const presented = await serverCertificate(p('books').inboundAddr, id('books'), await testMaterial(issuer, id('web')));
      expect(presented).toBe(new (await import('node:crypto')).X509Certificate(leafNow as string).serialNumber);
    } finally {
      ws.close();
      agent.destroy();
    }
  });
});

/** The serial number of the certificate a mesh inbound presents on a fresh handshake. */
async function serverCertificate(addr: string, servername: string, material: Material): Promise<string> {
  const socket = meshClient(addr, servername, material);
  await new Promise((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject));
  const serial = socket.getPeerCertificate().serialNumber;
  socket.destroy();
  return serial;
}

type Material = Awaited<ReturnType<typeof testMaterial>>;

/**
 * A TLS client to a mesh inbound at `addr`, as a caller's proxy connects: `material` as its certificate, the peer's
 * identity as SNI, the server's certificate checked against the mesh's trust anchors only.
 */
function meshClient(addr: string, servername: string, material: Material, alpn?: string): tls.TLSSocket {
  const [host, port] = addr.split(':') as [string, string];
  return tls.connect({
    host,
    port: Number(port),
    servername,
    key: material.keyPem,
    cert: [material.leafPem, ...material.chainPem].join(''),
    ca: issuer.trustAnchorsPem,
    checkServerIdentity: () => undefined,
    minVersion: 'TLSv1.3',
    ...(alpn ? { ALPNProtocols: [alpn] } : {}),
  });
}
