// The mTLS tap listener (`--tap-listen`, Linkerd's control port 4190), on only when identity is on: TLS 1.3 with this
// proxy's current certificate (read per handshake, so a renewed one applies at once; the SNI must be our identity),
// a client certificate REQUIRED and verified against the trust anchor, else the handshake fails with an alert and is
// counted. Upgrades to `/tap` then go to the tap server, which checks the client's identity is the tap service's.
import https from 'node:https';
import { MeshTlsError, meshTlsVersion, secureContextFor, type TlsMaterial } from '../tls/context.js';
import type { TapRefusal, TapServer } from './server.js';

export interface TapTlsListenerOptions {
  readonly material: () => TlsMaterial | undefined;
  readonly tap: TapServer;
  readonly onRefused?: (reason: TapRefusal) => void;
  readonly handshakeTimeoutMs?: number;
}

export function createTapTlsListener({ material, tap, onRefused, handshakeTimeoutMs = 10_000 }: TapTlsListenerOptions): https.Server {
  const server = https.createServer(
    {
      minVersion: meshTlsVersion,
      maxVersion: meshTlsVersion,
      requestCert: true,
      rejectUnauthorized: true,
      handshakeTimeout: handshakeTimeoutMs,
      SNICallback(servername, done) {
        const current = material();
        if (!current) return done(new MeshTlsError('SB_TLS_NO_IDENTITY', 'no certificate yet'));
        if (servername !== current.identity) return done(new MeshTlsError('SB_TLS_IDENTITY_MISMATCH', `SNI ${servername} is not this proxy's identity`));
        done(null, secureContextFor(current));
      },
    },
    (req, res) => {
      const body = 'this listener serves tap (WebSocket upgrade on /tap) only\n';
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) }).end(body);
    },
  );
  // No client certificate, one from another CA, an expired one, a wrong SNI: the handshake fails (a TLS alert).
  server.on('tlsClientError', (_err, socket) => {
    onRefused?.('handshake');
    socket.destroy();
  });
  server.on('upgrade', (req, socket, head) => {
    if (!tap.handleUpgrade(req, socket, head)) socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
  });
  return server;
}
