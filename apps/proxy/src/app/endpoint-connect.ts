// The connect stage of outbound endpoints: TCP with the connect timeout, counted as a `dst` connection, then mTLS
// when discovery gave the endpoint an identity and this proxy has one (Linkerd's endpoint client: TLS to meshed
// peers, plaintext to the rest). Pooled HTTP/1 sockets, h2 sessions and opaque connections all open here.
import type net from 'node:net';
import { encodeTransportHeader, transportAlpn } from '@signalbox/shared';
import { connect } from '../tcp/connect.js';
import { connectMeshTls } from '../tls/client.js';
import { MeshTlsError, type TlsMaterial } from '../tls/context.js';
import type { Telemetry } from '../telemetry/registry.js';
import type { EndpointTarget } from './endpoint.js';

/** What a connection carries, which is what it negotiates with ALPN on mTLS. */
export type EndpointProtocol = 'http1' | 'h2' | 'opaque';

const alpn: Record<EndpointProtocol, string> = { http1: 'http/1.1', h2: 'h2', opaque: transportAlpn };

export interface EndpointConnectDeps {
  readonly telemetry: Telemetry;
  readonly connectTimeoutMs: number;
  /** This proxy's current certificate; undefined while identity is off (everything plaintext). */
  readonly material?: () => TlsMaterial | undefined;
}

/** TLS sessions kept per (peer, protocol) for resumption; a bound keeps endpoint churn from growing it. */
const maxSessions = 1024;

export type ConnectEndpoint = (target: EndpointTarget, protocol: EndpointProtocol) => Promise<net.Socket>;

export function createEndpointConnect(deps: EndpointConnectDeps): ConnectEndpoint {
  const sessions = new Map<string, Buffer>();
  return async function connectEndpoint(target, protocol) {
    const socket = await connect(target.host, target.port, deps.connectTimeoutMs);
    // The raw socket is what is counted: bytes on the wire, TLS records included.
    deps.telemetry.tcp.track(socket, target.tcp, 'dst');
    if (target.identity === undefined || deps.material === undefined) return socket;
    const material = deps.material();
    if (!material) {
      socket.destroy();
      throw new MeshTlsError('SB_TLS_NO_IDENTITY', 'no certificate of our own yet');
    }
    const key = `${target.addr}|${protocol}`;
    const tls = await connectMeshTls({
      host: target.host,
      port: target.port,
      expectedIdentity: target.identity,
      // Read per connection: after a renewal new connections present the new certificate, open ones keep theirs.
      material,
      socket,
      alpnProtocols: [alpn[protocol]],
      session: sessions.get(key),
      timeoutMs: deps.connectTimeoutMs,
    });
    // TLS 1.3 tickets arrive after the handshake; the latest one resumes the next connection to this peer.
    tls.on('session', (session: Buffer) => {
      if (sessions.size >= maxSessions && !sessions.has(key)) sessions.clear();
      sessions.set(key, session);
    });
    if (protocol === 'opaque') {
      if (target.appPort === undefined) {
        tls.destroy();
        throw new MeshTlsError('SB_TLS_HANDSHAKE', `discovery named no app port for ${target.addr}: cannot send the transport header`);
      }
      tls.write(encodeTransportHeader({ port: target.appPort }));
    }
    return tls;
  };
}
