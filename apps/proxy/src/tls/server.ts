// Inbound mTLS termination: wraps an accepted connection whose ClientHello named this proxy's identity, requires a
// client certificate signed by the trust anchor (TLS 1.3 only) and hands back the client's identity, which the
// inbound stack puts in `signalbox-client-id` and the `client_id` label.
import type net from 'node:net';
import tls from 'node:tls';
import { dnsNames, MeshTlsError, meshTlsVersion, secureContextFor, type TlsMaterial } from './context.js';

export interface TerminatedTls {
  readonly socket: tls.TLSSocket;
  /** The client's identity, from its certificate's DNS SAN. */
  readonly clientIdentity: string;
}

export interface MeshTlsServerOptions {
  /** The current certificate; read per connection, so a renewed one applies to new connections at once. */
  readonly material: () => TlsMaterial | undefined;
  readonly handshakeTimeoutMs?: number;
  /** ALPN protocols offered, most preferred first (`h2` for multiplexed meshed HTTP). */
  readonly alpnProtocols?: readonly string[];
}

export interface MeshTlsServer {
  /**
   * Terminates TLS on `socket`. `head`: bytes already read from it (the peeked ClientHello), replayed first.
   * Rejects with a MeshTlsError (and destroys the socket) if there is no certificate yet, the handshake fails or
   * times out, or the client's certificate does not chain to the trust anchor or names no identity.
   */
  terminate(socket: net.Socket, head?: Buffer): Promise<TerminatedTls>;
}

export function createMeshTlsServer({ material, handshakeTimeoutMs = 10_000, alpnProtocols }: MeshTlsServerOptions): MeshTlsServer {
  // Never listens: Node checks the client certificate (rejectUnauthorized) only for sockets that belong to a server.
  const owner = tls.createServer({ minVersion: meshTlsVersion, maxVersion: meshTlsVersion });
  owner.on('secureConnection', () => {});
  owner.on('tlsClientError', () => {});
  return {
    terminate(socket, head) {
      const current = material();
      if (!current) {
        socket.destroy();
        return Promise.reject(new MeshTlsError('SB_TLS_NO_IDENTITY', 'no certificate yet: cannot terminate mTLS'));
      }
      if (head && head.length > 0) socket.unshift(head);
      const tlsSocket = new tls.TLSSocket(socket, {
        isServer: true,
        server: owner,
        secureContext: secureContextFor(current),
        requestCert: true,
        rejectUnauthorized: true,
        ...(alpnProtocols ? { ALPNProtocols: [...alpnProtocols] } : {}),
      });
      return new Promise<TerminatedTls>((resolve, reject) => {
        const fail = (err: MeshTlsError) => {
          clearTimeout(timer);
          tlsSocket.destroy();
          socket.destroy();
          reject(err);
        };
        const timer = setTimeout(() => fail(new MeshTlsError('SB_TLS_TIMEOUT', `TLS handshake not done within ${handshakeTimeoutMs} ms`)), handshakeTimeoutMs);
        tlsSocket.once('error', (err) => fail(new MeshTlsError('SB_TLS_HANDSHAKE', `TLS handshake failed: ${err.message}`, { cause: err })));
        tlsSocket.once('close', () => fail(new MeshTlsError('SB_TLS_HANDSHAKE', 'connection closed during the TLS handshake')));
        // Node's own check (on the server it was given) runs first and destroys the socket on a bad certificate.
        tlsSocket.once('secure', () => {
          if (tlsSocket.destroyed || !tlsSocket.authorized)
            return fail(new MeshTlsError('SB_TLS_UNAUTHORIZED', `client certificate refused: ${String(tlsSocket.authorizationError ?? 'not authorized')}`));
          const [clientIdentity] = dnsNames(tlsSocket.getPeerCertificate());
          if (!clientIdentity) return fail(new MeshTlsError('SB_TLS_UNAUTHORIZED', 'client certificate names no identity'));
          clearTimeout(timer);
          tlsSocket.removeAllListeners('error');
          tlsSocket.removeAllListeners('close');
          resolve({ socket: tlsSocket, clientIdentity });
        });
      });
    },
  };
}
