// Outbound mTLS to a meshed endpoint's inbound proxy: TLS 1.3 with SNI = the identity discovery expects, the chain
// verified against the trust anchor AND the server's DNS SAN equal to that identity (Linkerd: the client checks
// the server's name; a valid certificate for another workload is refused).
import type net from 'node:net';
import type tls from 'node:tls';
import { dnsNames, MeshTlsError, meshTlsVersion, secureContextFor, type TlsMaterial } from './context.js';

export interface MeshTlsConnectOptions {
  readonly host: string;
  readonly port: number;
  /** From discovery (`Endpoint.identity`): the only name the server's certificate may carry. */
  readonly expectedIdentity: string;
  /** This proxy's certificate, presented as the client certificate. */
  readonly material: TlsMaterial;
  /** An already connected socket to run TLS over (the caller's connect stage); else one is opened. */
  readonly socket?: net.Socket;
  readonly timeoutMs?: number;
  readonly alpnProtocols?: readonly string[];
  /** A session from an earlier connection to the same peer (`socket.getSession()`), to resume without a full handshake. */
  readonly session?: Buffer;
}

export function connectMeshTls(options: MeshTlsConnectOptions): Promise<tls.TLSSocket> {
  const { host, port, expectedIdentity, material, timeoutMs = 10_000 } = options;
  return new Promise((resolve, reject) => {
    // Not imported: node:tls is loaded by the first mTLS connection, so a proxy without identity never loads it.
    const socket = process.getBuiltinModule('node:tls').connect({
      host,
      port,
      ...(options.socket ? { socket: options.socket } : {}),
      servername: expectedIdentity,
      secureContext: secureContextFor(material),
      minVersion: meshTlsVersion,
      maxVersion: meshTlsVersion,
      rejectUnauthorized: true,
      ...(options.alpnProtocols ? { ALPNProtocols: [...options.alpnProtocols] } : {}),
      ...(options.session ? { session: options.session } : {}),
      // Exact match on DNS SANs only: no wildcards, no CN fallback, unlike the default HTTPS check.
      checkServerIdentity: (_name, cert) => {
        const names = dnsNames(cert);
        return names.includes(expectedIdentity)
          ? undefined
          : new MeshTlsError('SB_TLS_IDENTITY_MISMATCH', `server identity ${names.join(', ') || '(none)'} is not the expected ${expectedIdentity}`);
      },
    });
    const timer = setTimeout(() => fail(new MeshTlsError('SB_TLS_TIMEOUT', `TLS handshake with ${host}:${port} not done within ${timeoutMs} ms`)), timeoutMs);
    const fail = (err: Error) => {
      clearTimeout(timer);
      socket.destroy();
      if (err instanceof MeshTlsError) return reject(err);
      // OpenSSL's verification codes (CERT_HAS_EXPIRED, UNABLE_TO_VERIFY_LEAF_SIGNATURE…): the peer is not trusted.
      const code = String((err as NodeJS.ErrnoException).code ?? '');
      const unauthorized = /^(CERT_|UNABLE_TO_|SELF_SIGNED|DEPTH_ZERO|ERR_TLS_CERT)/.test(code);
      reject(new MeshTlsError(unauthorized ? 'SB_TLS_UNAUTHORIZED' : 'SB_TLS_HANDSHAKE', `TLS to ${host}:${port} failed: ${code ? `${code}: ` : ''}${err.message}`, { cause: err }));
    };
    socket.once('error', fail);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      socket.removeListener('error', fail);
      resolve(socket);
    });
  });
}
