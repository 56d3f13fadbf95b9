// Inbound composition root, in flow order: accept (meshed peers, plaintext clients; one listener per local app)
// → detect (skipped for opaque ports) → http server → strip mesh headers a caller must not set → endpoint (the
// local app, pooled keep-alive) | opaque → forward bytes to the app.
import type net from 'node:net';
import { meshHeaders, parseHostPort } from '@signalbox/shared';
import { detect, type DetectOptions } from '../detect/detect.js';
import { replay } from '../detect/peek.js';
import { ProxyError } from '../errors.js';
import { originForm } from '../http/authority.js';
import { endToEnd, formatHeaders, framingLines } from '../http/headers.js';
import { ConnectionPool } from '../http/pool.js';
import { ServerConnection, type Deadlines, type Exchange, type ExchangeResult, type ServerOptions } from '../http/server.js';
import { requestedUpgrade, upgradeLines } from '../http/upgrade.js';
import type { Drain } from '../listener/drain.js';
import type { TapRegistry } from '../tap/registry.js';
import { connect } from '../tcp/connect.js';
import { tlsReasons, type MetricTarget } from '../telemetry/labels.js';
import type { Telemetry } from '../telemetry/registry.js';
import { H2Sessions } from '../http2/client.js';
import { forwardableH2 } from '../http2/headers.js';
import { origProto } from '../http2/orig-proto.js';
import { createH2Server, type H2Request } from '../http2/server.js';
import { forwardToEndpoint, respondError, type EndpointTarget } from './endpoint.js';
import { forwardStreamToEndpoint, restoreHttp1ToEndpoint } from './endpoint-h2.js';
import { forwardOpaque } from './opaque.js';

export interface InboundDeps {
  readonly telemetry: Telemetry;
  readonly drain: Drain;
  readonly connectTimeoutMs: number;
  readonly poolIdleTimeoutMs: number;
  readonly tap: TapRegistry;
  readonly detect: DetectOptions;
  readonly deadlines: Deadlines;
}

/** Only the proxy may say who the client is (mTLS, later). */
const inboundOwned = new Set([meshHeaders.clientId, 'proxy-authorization']);

export function createInbound(deps: InboundDeps) {
  const { telemetry } = deps;
  const pool = new ConnectionPool<EndpointTarget>({
    connect: async (t) => {
      const socket = await connect(t.host, t.port, deps.connectTimeoutMs);
      telemetry.tcp.track(socket, t.tcp, 'dst');
      return socket;
    },
    idleTimeoutMs: deps.poolIdleTimeoutMs,
    maxIdlePerEndpoint: 100,
  });
  // h2c to the app when the client spoke h2c: one session per app, shared by every stream.
  const sessions = new H2Sessions<EndpointTarget>({
    connect: async (t) => {
      const socket = await connect(t.host, t.port, deps.connectTimeoutMs);
      telemetry.tcp.track(socket, t.tcp, 'dst');
      return socket;
    },
    idleTimeoutMs: deps.poolIdleTimeoutMs,
  });
  const h2 = createH2Server<EndpointTarget>({
    handle: (req, app) => void stream(app, req),
    drain: deps.drain,
    idleTimeoutMs: deps.deadlines.idleTimeoutMs,
  });
  const serverOptions: ServerOptions = { isDraining: deps.drain.isDraining, deadlines: deps.deadlines };

  /**
   * The stack of one inbound listener, whose every connection is for `appAddr`. A sidecar has one; a per-host
   * proxy has one per local app, each with the app as its metrics' target.
   */
  function forApp(appAddr: string): (socket: net.Socket) => void {
    const hp = parseHostPort(appAddr) as { host: string; port: number };
    const tcp: MetricTarget = { direction: 'inbound', addr: appAddr, noTlsReason: tlsReasons.inbound };
    const app: EndpointTarget = { addr: appAddr, host: hp.host, port: hp.port, tcp, http: telemetry.http.forTarget(tcp) };
    const handle = (ex: Exchange) => http(app, ex);

    // === accept → detect ===
    return function accept(socket: net.Socket): void {
      telemetry.tcp.track(socket, tcp, 'src');
      detect(socket, app.port, deps.detect, (d) => {
        switch (d.protocol) {
          case 'http1':
            deps.drain.add(new ServerConnection(socket, handle, serverOptions, d.first));
            return;
          case 'http2':
            replay(socket, d.first);
            return h2(socket, app);
          case 'tls':
          case 'opaque':
            forwardOpaque(deps, socket, app, d.first);
        }
      });
    };
  }

  // === http → endpoint (app) ===
  function http(app: EndpointTarget, ex: Exchange): Promise<ExchangeResult> {
    if (ex.head.method === 'CONNECT')
      return Promise.resolve(respondError(ex, new ProxyError('method-not-allowed', 'CONNECT is for the outbound listener')));
    // A plaintext client may still send absolute-form; the app gets origin-form.
    const path = originForm(ex.head.target);
    const framing = framingLines(ex.body.framing, ex.head.headers);
    const upgrade = requestedUpgrade(ex.head);
    const head = `${ex.head.method} ${path} HTTP/1.1\r\n${formatHeaders(
      endToEnd(ex.head.headers, inboundOwned),
      upgrade === undefined ? framing : [...framing, ...upgradeLines(upgrade)],
    )}`;
    return forwardToEndpoint(pool, app, ex, head, deps.tap);
  }

  // === http2 → endpoint (app): h2c as the client spoke it, or HTTP/1.1 restored for a multiplexed peer ===
  function stream(app: EndpointTarget, req: H2Request): Promise<void> {
    if (req.headers[origProto] !== undefined) return restoreHttp1ToEndpoint(pool, app, req, inboundOwned, deps.tap);
    return forwardStreamToEndpoint(sessions, app, req, forwardableH2(req.headers, inboundOwned), deps.tap);
  }

  return { forApp, pool, sessions };
}
