// Inbound mTLS termination: wraps an accepted connection whose ClientHello named this proxy's identity, requires a
// client certificate signed by the trust anchor (TLS 1.3 only) and hands back the client's identity, which the
// inbound stack puts in `signalbox-client-id` and the `client_id` label.
import type net from 'node:net';
import type tls from 'node:tls';
import { dnsNames, MeshTlsError, meshTlsVersion, secureContextFor, type TlsMaterial } from './context.js';

export interface TerminatedTls {
  readonly socket: tls.TLSSocket;
  /** The client's identity, from its certificate's DNS SAN. */
  readonly clientIdentity: string;
}

export interface MeshTlsServerOptions {
  /** The current certificate; read per handshake, so a renewed one applies to new connections at once. */
  readonly material: () => TlsMaterial | undefined;
  readonly handshakeTimeoutMs?: number;
  /** ALPN protocols offered, most preferred first (`h2` for multiplexed meshed HTTP). */
  readonly alpnProtocols?: readonly string[];
}

export interface MeshTlsServer {
  /**
   * Terminates TLS on `socket` (an accepted TCP connection). `head`: bytes already read from it (the peeked
   * ClientHello), replayed first. Rejects with a MeshTlsError, the socket destroyed, if there is no certificate
   * yet, the SNI is not this proxy's identity, the handshake fails or times out, or the client's certificate does
   * not chain to the trust anchor (or is expired, or names no identity).
   */
  terminate(socket: net.Socket, head?: Buffer): Promise<TerminatedTls>;
}

interface Pending {
  resolve(t: TerminatedTls): void;
  reject(e: MeshTlsError): void;
}

/** One TCP connection: its two ends. A TLSSocket over a net.Socket shares its handle, so both report the same. */
const connectionKey = (s: net.Socket) => `${s.localAddress}:${s.localPort}<${s.remoteAddress}:${s.remotePort}`;

export function createMeshTlsServer({ material, handshakeTimeoutMs = 10_000, alpnProtocols }: MeshTlsServerOptions): MeshTlsServer {
  const pending = new Map<string, Pending>();
  // Never listens: accepted sockets are handed to it, so Node's own server-side checks (client certificate
  // verification with rejectUnauthorized, handshake timeout) apply exactly as on a listening TLS server.
  // Not imported: apps/proxy/bundle.mjs says why.
  const owner = process.getBuiltinModule('node:tls').createServer({
    minVersion: meshTlsVersion,
    maxVersion: meshTlsVersion,
    requestCert: true,
    // Checked in 'secureConnection' below instead: Node would destroy the socket itself and report only a hang-up,
    // losing the reason (and the socket's address, which finds the waiting caller).
    rejectUnauthorized: false,
    handshakeTimeout: handshakeTimeoutMs,
    ...(alpnProtocols ? { ALPNProtocols: [...alpnProtocols] } : {}),
    // Linkerd's inbound terminates only for its own name: any other SNI gets no certificate and fails.
    SNICallback(servername, done) {
      const current = material();
      if (!current) return done(new MeshTlsError('SB_TLS_NO_IDENTITY', 'no certificate yet'));
      if (servername !== current.identity) return done(new MeshTlsError('SB_TLS_IDENTITY_MISMATCH', `SNI ${servername} is not this proxy's identity`));
      done(null, secureContextFor(current));
    },
  });
  const settle = (socket: tls.TLSSocket) => {
    const key = connectionKey(socket);
    const entry = pending.get(key);
    pending.delete(key);
    return entry;
  };
  owner.on('secureConnection', (socket: tls.TLSSocket) => {
    const entry = settle(socket);
    if (!entry) return void socket.destroy();
    if (!socket.authorized) {
      socket.destroy();
      return entry.reject(new MeshTlsError('SB_TLS_UNAUTHORIZED', `client certificate refused: ${String(socket.authorizationError ?? 'none presented')}`));
    }
    const [clientIdentity] = dnsNames(socket.getPeerCertificate());
    if (!clientIdentity) {
      socket.destroy();
      return entry.reject(new MeshTlsError('SB_TLS_UNAUTHORIZED', 'client certificate names no identity'));
    }
    entry.resolve({ socket, clientIdentity });
  });
  owner.on('tlsClientError', (err: Error, socket: tls.TLSSocket) => {
    const entry = settle(socket);
    socket.destroy();
    if (!entry) return;
    const timeout = (err as NodeJS.ErrnoException).code === 'ERR_TLS_HANDSHAKE_TIMEOUT';
    entry.reject(new MeshTlsError(timeout ? 'SB_TLS_TIMEOUT' : 'SB_TLS_HANDSHAKE', `TLS handshake failed: ${err.message}`, { cause: err }));
  });

  return {
    terminate(socket, head) {
      if (!material()) {
        socket.destroy();
        return Promise.reject(new MeshTlsError('SB_TLS_NO_IDENTITY', 'no certificate yet: cannot terminate mTLS'));
      }
      if (socket.remotePort === undefined) {
        socket.destroy();
        return Promise.reject(new MeshTlsError('SB_TLS_HANDSHAKE', 'the connection is already closed'));
      }
      return new Promise<TerminatedTls>((resolve, reject) => {
        const key = connectionKey(socket);
        // A client that hangs up mid-handshake is reported after its socket lost its address, so the entry cannot
        // be found by it: the raw socket's close (or, at worst, a timer) settles it.
        const giveUp = (reason: string) => {
          if (pending.get(key)?.resolve !== done) return;
          pending.delete(key);
          clearTimeout(timer);
          socket.destroy();
          reject(new MeshTlsError('SB_TLS_HANDSHAKE', reason));
        };
        const done = (t: TerminatedTls) => {
          clearTimeout(timer);
          resolve(t);
        };
        const timer = setTimeout(() => giveUp(`TLS handshake not done within ${handshakeTimeoutMs} ms`), handshakeTimeoutMs + 1000);
        socket.once('close', () => giveUp('connection closed during the TLS handshake'));
        pending.set(key, {
          resolve: done,
          reject: (e) => {
            clearTimeout(timer);
            reject(e);
          },
        });
        // Bytes the detect stage read are put back; the TLS socket drains a wrapped socket's buffer first.
        if (head && head.length > 0) socket.unshift(head);
        owner.emit('connection', socket);
      });
    },
  };
}
