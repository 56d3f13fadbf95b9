// The mTLS tap listener (`--tap-listen`, Linkerd's control port 4190), on only when identity is on: TLS 1.3 with this
// proxy's current certificate (read per handshake, so a renewed one applies at once; the SNI must be our identity),
// a client certificate REQUIRED and verified against the trust anchor, else the handshake fails with an alert and is
// counted. Upgrades to `/tap` then go to the tap server, which checks the client's identity is the tap service's.
import type tls from 'node:tls';
import { createAdminHttp, type AdminListener } from '../admin/http.js';
import { MeshTlsError, meshTlsVersion, secureContextFor, type TlsMaterial } from '../tls/context.js';
import type { TapRefusal, TapServer } from './server.js';

export interface TapTlsListenerOptions {
  readonly material: () => TlsMaterial | undefined;
  readonly tap: TapServer;
  readonly onRefused?: (reason: TapRefusal) => void;
  readonly handshakeTimeoutMs?: number;
}

export function createTapTlsListener({ material, tap, onRefused, handshakeTimeoutMs = 10_000 }: TapTlsListenerOptions): AdminListener {
  // The admin port's HTTP/1.1, over TLS: a request that is not an upgrade to /tap gets a 404.
  const http = createAdminHttp({
    respond: () => ({ status: 404, body: 'this listener serves tap (WebSocket upgrade on /tap) only\n' }),
    upgrade: (req, socket, head) => tap.handleUpgrade(req, socket, head),
  });
  // Not imported: apps/proxy/bundle.mjs says why.
  const server: tls.Server = process.getBuiltinModule('node:tls').createServer(
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
    http.accept,
  );
  // No client certificate, one from another CA, an expired one, a wrong SNI: the handshake fails (a TLS alert).
  server.on('tlsClientError', (_err, socket) => {
    onRefused?.('handshake');
    socket.destroy();
  });
  return { server, closeAll: http.closeAll };
}
