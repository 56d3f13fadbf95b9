// Real mTLS on loopback: the real control plane issues certificates to real cert managers; a server built from
// tls/server.ts (after the ClientHello parser) and a client from tls/client.ts complete a TLS 1.3 handshake and
// learn each other's identity. Refusals: another CA, an expired certificate, the wrong identity, garbage instead of
// a ClientHello; and the cert manager keeps its certificate while the identity service is down.
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { identityDirPaths, loadIssuer, type Issuer } from '@signalbox/api';
import { eventually, freeAddr, makeRunDir, type ManagedProcess } from '@signalbox/launch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createCertManager, systemClock, type CertManager, type CertMaterial, type Clock } from '../../src/identity/cert-manager.js';
import { createCertifyClient } from '../../src/identity/certify-client.js';
import { parseClientHello } from '../../src/tls/client-hello.js';
import { connectMeshTls } from '../../src/tls/client.js';
import { MeshTlsError } from '../../src/tls/context.js';
import { createMeshTlsServer } from '../../src/tls/server.js';
import { identityDirOf, startIdentityControlPlane, strangerIssuer, testMaterial } from '../support/identity.js';

const id = (sa: string) => `${sa}.demo.serviceaccount.identity.signalbox.cluster.local`;
const tokens = { books: 'books-token-0123456789abcdef', web: 'web-token-0123456789abcdefgh' };

let dir: string;
let registryFile: string;
let apiAddr: string;
let api: ManagedProcess;
let issuer: Issuer;
const managers: CertManager[] = [];

const startApi = () => startIdentityControlPlane({ dir, listen: apiAddr, registryFile, certLifetime: '20s' });

beforeAll(async () => {
  dir = makeRunDir('signalbox-tls-');
  const pod = async (name: string, sa: keyof typeof tokens) => ({
    name,
    deployment: sa,
    serviceAccount: sa,
    app: await freeAddr(),
    proxy: { inbound: await freeAddr(), outbound: await freeAddr(), admin: await freeAddr() },
    identityToken: { value: tokens[sa] },
  });
  registryFile = path.join(dir, 'registry.yaml');
  writeFileSync(registryFile, stringify({ namespaces: [{ name: 'demo', pods: [await pod('books-0', 'books'), await pod('web-0', 'web')], services: [] }] }));
  apiAddr = await freeAddr();
  api = await startApi();
  issuer = await loadIssuer(identityDirPaths(identityDirOf(dir)));
});

afterAll(async () => {
  managers.forEach((m) => m.close());
  await api?.stop();
});

function certManager(sa: keyof typeof tokens, clock: Clock = systemClock): CertManager {
  const manager = createCertManager({ identity: id(sa), token: () => tokens[sa], client: createCertifyClient({ url: `http://${apiAddr}`, timeoutMs: 2000 }), clock });
  managers.push(manager);
  return manager;
}

/** Material signed by `by` (default: the real issuer), valid from `now` for `lifetimeMs`. */
const material = (identity: string, { by = issuer, now = new Date(), lifetimeMs = 3_600_000 } = {}): Promise<CertMaterial> => testMaterial(by, identity, { now, lifetimeMs });
const otherIssuer = strangerIssuer;

type Accepted = { kind: 'terminated'; clientIdentity: string; socket: tls.TLSSocket } | { kind: 'refused'; error: MeshTlsError } | { kind: 'not-tls'; sni?: undefined };

/**
 * An inbound listener as the wiring will build it: read the first bytes, parse the ClientHello, terminate mTLS when
 * the SNI is our identity (replaying the bytes read), close anything that is not TLS. Echoes over the TLS stream.
 */
async function inbound(own: () => CertMaterial | undefined) {
  const tlsServer = createMeshTlsServer({ material: own, handshakeTimeoutMs: 5000 });
  const accepted: Accepted[] = [];
  const server = net.createServer((socket) => {
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const hello = parseClientHello(head);
      if (hello.kind === 'incomplete') return;
      socket.off('data', onData);
      socket.pause();
      if (hello.kind === 'not-tls' || hello.sni !== own()?.identity) {
        accepted.push({ kind: 'not-tls' });
        socket.destroy();
        return;
      }
      tlsServer.terminate(socket, head).then(
        (t) => {
          accepted.push({ kind: 'terminated', ...t });
          t.socket.pipe(t.socket);
        },
        (error: MeshTlsError) => accepted.push({ kind: 'refused', error }),
      );
    };
    socket.on('data', onData);
    socket.on('error', () => {});
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  return { port, accepted, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** Writes and reads back one line over a connected TLS socket. */
async function roundTrip(socket: tls.TLSSocket, text: string): Promise<string> {
  socket.write(text);
  const [chunk] = (await once(socket, 'data')) as [Buffer];
  return chunk.toString();
}

describe('mTLS between two proxies, certificates from the real identity service', () => {
  it('TLS 1.3 handshake; the server learns the client identity, the client checked the server identity', async () => {
    const books = certManager('books');
    const web = certManager('web');
    await Promise.all([books.ready, web.ready]);
    const server = await inbound(() => books.current());
    try {
      const client = await connectMeshTls({ host: '127.0.0.1', port: server.port, expectedIdentity: id('books'), material: web.current() as CertMaterial });
      expect(client.getProtocol()).toBe('TLSv1.3');
      expect(await roundTrip(client, 'hello over mTLS')).toBe('hello over mTLS');
      expect(server.accepted).toMatchObject([{ kind: 'terminated', clientIdentity: id('web') }]);
      client.destroy();
    } finally {
      await server.close();
    }
  });

  it('refuses a client certificate from another CA (server side)', async () => {
    const books = await material(id('books'));
    const intruder = await material(id('web'), { by: await otherIssuer() });
    // The intruder trusts our anchor (so its own check passes): only the server's check stands in the way.
    const server = await inbound(() => books);
    try {
      const client = await connectMeshTls({ host: '127.0.0.1', port: server.port, expectedIdentity: id('books'), material: { ...intruder, trustAnchorsPem: issuer.trustAnchorsPem } }).catch((e: Error) => e);
      await eventually(() => expect(server.accepted).toMatchObject([{ kind: 'refused', error: { code: 'SB_TLS_UNAUTHORIZED' } }]));
      expect((server.accepted[0] as { error: Error }).error.message).toMatch(/client certificate refused: UNABLE_TO_GET_ISSUER_CERT_LOCALLY/);
      // TLS 1.3: the client finishes before the server checks its certificate; the server then closes on it.
      if (!(client instanceof Error)) await eventually(() => expect(client.destroyed || client.readyState === 'closed').toBe(true));
    } finally {
      await server.close();
    }
  });

  it('refuses an expired client certificate (server side) and an expired server certificate (client side)', async () => {
    const longAgo = new Date(Date.now() - 2 * 86_400_000);
    const books = await material(id('books'));
    const expiredWeb = await material(id('web'), { now: longAgo });
    const server = await inbound(() => books);
    try {
      const client = await connectMeshTls({ host: '127.0.0.1', port: server.port, expectedIdentity: id('books'), material: expiredWeb }).catch((e: Error) => e);
      await eventually(() => expect(server.accepted[0]).toMatchObject({ kind: 'refused', error: { code: 'SB_TLS_UNAUTHORIZED' } }));
      expect((server.accepted[0] as { error: Error }).error.message).toMatch(/CERT_HAS_EXPIRED/);
      if (!(client instanceof Error)) client.destroy();
    } finally {
      await server.close();
    }

    const expiredBooks = await material(id('books'), { now: longAgo });
    const server2 = await inbound(() => expiredBooks);
    try {
      const err = await connectMeshTls({ host: '127.0.0.1', port: server2.port, expectedIdentity: id('books'), material: await material(id('web')) }).catch((e: Error) => e);
      expect(err).toBeInstanceOf(MeshTlsError);
      expect(err).toMatchObject({ code: 'SB_TLS_UNAUTHORIZED', message: expect.stringMatching(/CERT_HAS_EXPIRED/) });
    } finally {
      await server2.close();
    }
  });

  it('refuses a valid certificate for another identity where a specific identity was expected (client side)', async () => {
    // Discovery said "authors" but books answers (a stale or hijacked address): books' certificate is valid and
    // chains to our anchor, yet the client must refuse it. This server terminates whatever the SNI.
    const server = await inboundAnySni(await material(id('books')));
    try {
      const err = await connectMeshTls({ host: '127.0.0.1', port: server.port, expectedIdentity: id('authors'), material: await material(id('web')) }).catch((e: Error) => e);
      expect(err).toMatchObject({ code: 'SB_TLS_IDENTITY_MISMATCH', message: `server identity ${id('books')} is not the expected ${id('authors')}` });
    } finally {
      await server.close();
    }
  });

  it('garbage instead of a ClientHello: the parser says not-tls, the connection is closed, the listener keeps serving', async () => {
    const books = await material(id('books'));
    const server = await inbound(() => books);
    try {
      const raw = net.connect(server.port, '127.0.0.1');
      raw.on('error', () => {});
      raw.write(Buffer.from('8f2a91c0deadbeef0011223344556677', 'hex'));
      await once(raw, 'close');
      expect(server.accepted).toEqual([{ kind: 'not-tls' }]);
      const client = await connectMeshTls({ host: '127.0.0.1', port: server.port, expectedIdentity: id('books'), material: await material(id('web')) });
      expect(await roundTrip(client, 'still serving')).toBe('still serving');
      client.destroy();
    } finally {
      await server.close();
    }
  });
});

describe('cert manager against the real identity service', () => {
  it('keeps its certificate while the identity service is down, retries, and renews once it is back', async () => {
    let now = Date.now();
    const timers: { at: number; fn: () => void }[] = [];
    const clock: Clock = {
      now: () => now,
      setTimeout: (fn, ms) => timers.push({ at: now + ms, fn }),
      clearTimeout: () => {},
    };
    const advanceToNextTimer = () => {
      timers.sort((a, b) => a.at - b.at);
      const next = timers.shift();
      if (!next) throw new Error('no timer pending');
      now = Math.max(now, next.at);
      next.fn();
    };
    const manager = certManager('books', clock);
    const first = await manager.ready;
    // A 20 s certificate (--identity-cert-lifetime=20s), backdated 20 s for clock skew.
    expect(first.notAfter.getTime() - first.notBefore.getTime()).toBe(40_000);

    await api.stop();
    advanceToNextTimer();
    await eventually(() => expect(manager.status().lastError).toMatch(/SB_IDENTITY_UNAVAILABLE/));
    expect(manager.current()).toBe(first);
    advanceToNextTimer();
    await eventually(() => expect(timers).toHaveLength(1));
    expect(manager.current()).toBe(first);

    api = await startApi();
    advanceToNextTimer();
    await eventually(() => expect(manager.status()).toMatchObject({ refreshCount: 2, lastError: null }));
    expect(manager.current()).not.toBe(first);
    expect(manager.current()?.keyPem).toBe(first.keyPem);
  });
});

/**
 * A TLS server that answers any SNI with `own`'s certificate (a stale or hijacked endpoint): plain node:tls, since
 * our server refuses SNIs other than its identity, to show the client-side identity check on its own.
 */
async function inboundAnySni(own: CertMaterial) {
  const server = tls.createServer({ key: own.keyPem, cert: own.leafPem + own.chainPem.join(''), ca: own.trustAnchorsPem, requestCert: true, minVersion: 'TLSv1.3' });
  server.on('tlsClientError', () => {});
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  return { port, close: () => new Promise<void>((r) => server.close(() => r())) };
}
