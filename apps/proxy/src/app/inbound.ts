// Inbound composition root, in flow order: accept (meshed peers, plaintext clients) → http server → strip
// mesh headers a caller must not set → endpoint (the local app, pooled keep-alive).
import type net from 'node:net';
import { meshHeaders, parseHostPort } from '@signalbox/shared';
import { endToEnd, formatHeaders, framingLines } from '../http/headers.js';
import { ConnectionPool } from '../http/pool.js';
import { ServerConnection, type Exchange, type ExchangeResult } from '../http/server.js';
import type { Drain } from '../listener/drain.js';
import type { TapRegistry } from '../tap/registry.js';
import { connect } from '../tcp/connect.js';
import { tlsReasons, type MetricTarget } from '../telemetry/labels.js';
import type { Telemetry } from '../telemetry/registry.js';
import { forwardToEndpoint, type EndpointTarget } from './endpoint.js';

export interface InboundDeps {
  readonly appAddr: string;
  readonly telemetry: Telemetry;
  readonly drain: Drain;
  readonly connectTimeoutMs: number;
  readonly poolIdleTimeoutMs: number;
  readonly tap: TapRegistry;
}

/** Only the proxy may say who the client is (mTLS, later). */
const inboundOwned = new Set([meshHeaders.clientId, 'proxy-authorization']);

export function createInbound(deps: InboundDeps) {
  const { telemetry } = deps;
  const hp = parseHostPort(deps.appAddr) as { host: string; port: number };
  const tcp: MetricTarget = { direction: 'inbound', addr: deps.appAddr, noTlsReason: tlsReasons.inbound };
  const app: EndpointTarget = { addr: deps.appAddr, host: hp.host, port: hp.port, tcp, http: telemetry.http.forTarget(tcp) };
  const pool = new ConnectionPool<EndpointTarget>({
    connect: async (t) => {
      const socket = await connect(t.host, t.port, deps.connectTimeoutMs);
      telemetry.tcp.track(socket, t.tcp, 'dst');
      return socket;
    },
    idleTimeoutMs: deps.poolIdleTimeoutMs,
    maxIdlePerEndpoint: 100,
  });

  // === accept ===
  function accept(socket: net.Socket): void {
    telemetry.tcp.track(socket, tcp, 'src');
    deps.drain.add(new ServerConnection(socket, handle, { isDraining: deps.drain.isDraining }));
  }

  // === http → endpoint (app) ===
  function handle(ex: Exchange): Promise<ExchangeResult> {
    // A plaintext client may still send absolute-form; the app gets origin-form.
    const t = ex.head.target;
    const path = t.charCodeAt(0) === 0x2f || t === '*' ? t : t.replace(/^https?:\/\/[^/?#]*/i, '') || '/';
    const head = `${ex.head.method} ${path} HTTP/1.1\r\n${formatHeaders(
      endToEnd(ex.head.headers, inboundOwned),
      framingLines(ex.body.framing, ex.head.headers),
    )}`;
    return forwardToEndpoint(pool, app, ex, head, deps.tap);
  }

  return { accept, pool };
}
