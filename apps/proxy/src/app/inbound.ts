// Inbound composition root, in flow order: accept (meshed peers, plaintext clients; one listener per local app,
// or with --intercept one listener for every app port: a redirected connection's original destination port names it)
// → TLS detect (identity on: a ClientHello for our identity is terminated, mTLS, and the client's identity known;
// TLS for another name passes through opaque; plaintext is served unless the port requires identity) → opaque
// transport header (mTLS with ALPN signalbox.transport/v1: the app port named) | detect (skipped for opaque ports)
// → http server → strip mesh headers a caller must not set, add signalbox-client-id → endpoint (the local app,
// pooled keep-alive) | opaque → forward bytes to the app.
import type net from 'node:net';
import type tls from 'node:tls';
import { formatHostPort, meshHeaders, parseHostPort, transportAlpn } from '@signalbox/shared';
import { detect, type Detected, type DetectOptions } from '../detect/detect.js';
import { replay } from '../detect/peek.js';
import { ProxyError } from '../errors.js';
import { originForm } from '../http/authority.js';
import { rewriteHead } from '../http/headers.js';
import { fieldsNamed } from '../http/parse-head.js';
import { ConnectionPool } from '../http/pool.js';
import { ServerConnection, type Deadlines, type Exchange, type ServerOptions } from '../http/server.js';
import { requestedUpgrade, upgradeLines } from '../http/upgrade.js';
import type { Drain } from '../listener/drain.js';
import type { TapRegistry } from '../tap/registry.js';
import { connect } from '../tcp/connect.js';
import type { Splice } from '../tcp/forward.js';
import { readTransportHeader } from '../tcp/transport-header.js';
import { tlsReasons, type MetricTarget } from '../telemetry/labels.js';
import type { PolicyMetrics } from '../telemetry/policy-metrics.js';
import type { Telemetry } from '../telemetry/registry.js';
import { detectClientHello } from '../tls/detect-hello.js';
import type { MeshTlsServer } from '../tls/server.js';
import { H2Sessions } from '../http2/client.js';
import type { H2Engine } from '../http2/engine.js';
import { forwardableH2 } from '../http2/headers.js';
import { origProto } from '../http2/orig-proto.js';
import { createH2Server, type H2Request } from '../http2/server.js';
import { forwardToEndpoint, respondError, type EndpointTarget } from './endpoint.js';
import { forwardStreamToEndpoint, restoreHttp1ToEndpoint } from './endpoint-h2.js';
import type { OriginalDst } from '../intercept/original-dst.js';
import { forwardOpaque } from './opaque.js';

export interface InboundDeps {
  /** The opaque byte relay: opaque connections and upgraded (101) ones. */
  readonly splice: Splice;
  readonly telemetry: Telemetry;
  readonly drain: Drain;
  readonly connectTimeoutMs: number;
  readonly poolIdleTimeoutMs: number;
  readonly tap: TapRegistry;
  readonly detect: DetectOptions;
  readonly deadlines: Deadlines;
  readonly h2Engine: H2Engine;
  /** This proxy's identity and mTLS server; absent when identity is off (everything is plaintext, as before). */
  readonly identity?: InboundIdentity;
  readonly policy: PolicyMetrics;
  /** App ports that refuse clients without a mesh identity (the registry's `requireIdentity`). */
  readonly requireIdentityPorts: ReadonlySet<number>;
}

export interface InboundIdentity {
  /** A ClientHello whose SNI is this name is terminated here. */
  readonly name: string;
  readonly server: MeshTlsServer;
}

/** Only the proxy may say who the client is: a client-sent signalbox-client-id is dropped, ours set after mTLS. */
const inboundOwned = new Set([meshHeaders.clientId, 'proxy-authorization']);
const inboundOwnedButClientId = new Set([...inboundOwned].filter((h) => h !== meshHeaders.clientId));
/** Client identities whose per-client metric targets are cached, per app (a mesh has few). */
const maxClientTargets = 1024;

/** One local app: its plaintext target, and the same app as seen by each meshed client (labels `client_id`). */
interface AppStack {
  readonly app: EndpointTarget;
  readonly requireIdentity: boolean;
  readonly clients: Map<string, EndpointTarget>;
}

/** The local app a transport header's port names; undefined: none, the connection is refused. */
type AppByPort = (port: number) => AppStack | undefined;

/** What every request on a connection shares: the app, and the client's identity when it came over mTLS. */
interface Served {
  readonly app: EndpointTarget;
  readonly clientId?: string;
}

export function createInbound(deps: InboundDeps) {
  const { telemetry } = deps;
  // Pooled connections to the app are shared by every client: counted without a client identity.
  const connectApp = async (t: EndpointTarget) => {
    const socket = await connect(t.host, t.port, deps.connectTimeoutMs);
    const { tls: _client, ...shared } = t.tcp;
    telemetry.tcp.track(socket, shared, 'dst');
    return socket;
  };
  const pool = new ConnectionPool<EndpointTarget>({
    connect: connectApp,
    idleTimeoutMs: deps.poolIdleTimeoutMs,
    maxIdlePerEndpoint: 100,
    splice: deps.splice,
  });
  // h2c to the app when the client spoke h2c: one session per app, shared by every stream.
  const sessions = new H2Sessions<EndpointTarget>({
    connect: connectApp,
    idleTimeoutMs: deps.poolIdleTimeoutMs,
    engine: deps.h2Engine,
  });
  const h2 = createH2Server<Served>({
    handle: (req, served) => stream(served, req),
    drain: deps.drain,
    idleTimeoutMs: deps.deadlines.idleTimeoutMs,
    engine: deps.h2Engine,
  });
  const serverOptions: ServerOptions = { isDraining: deps.drain.isDraining, deadlines: deps.deadlines };

  /** Apps by port, for the opaque transport header (per-host mode: one proxy, several apps). */
  const appsByPort = new Map<number, AppStack>();
  const knownApp: AppByPort = (port) => appsByPort.get(port);
  const EMPTY = Buffer.alloc(0);

  function appStack(appAddr: string): AppStack {
    const hp = parseHostPort(appAddr) as { host: string; port: number };
    const existing = appsByPort.get(hp.port);
    if (existing?.app.addr === appAddr) return existing;
    const tcp: MetricTarget = { direction: 'inbound', addr: appAddr, noTlsReason: tlsReasons.inbound };
    const app: EndpointTarget = { addr: appAddr, host: hp.host, port: hp.port, tcp, http: telemetry.http.forTarget(tcp) };
    const stack = { app, requireIdentity: deps.requireIdentityPorts.has(hp.port), clients: new Map<string, EndpointTarget>() };
    if (!existing) appsByPort.set(hp.port, stack);
    return stack;
  }

  /** The app as a meshed client reaches it: request metrics (and tap) labelled `tls="true",client_id`. */
  function forClient(stack: AppStack, clientId: string): EndpointTarget {
    let t = stack.clients.get(clientId);
    if (!t) {
      if (stack.clients.size >= maxClientTargets) stack.clients.clear();
      const tcp: MetricTarget = { ...stack.app.tcp, tls: { clientId } };
      t = { ...stack.app, tcp, http: telemetry.http.forTarget(tcp) };
      stack.clients.set(clientId, t);
    }
    return t;
  }

  /**
   * Transparent interception: one listener (iptables REDIRECTs every inbound TCP connection to it) for every local
   * app, chosen by the original destination port on `defaultApp`'s host. A connection that was not redirected (a
   * peer proxy dialling the inbound port itself) goes to `defaultApp`. A transport header may name any port but
   * `ownPorts` (the proxy's listeners) from the first connection: every app port of the pod is behind the redirect.
   */
  function forInterceptedApps(defaultApp: string, originalDst: OriginalDst, ownPorts: ReadonlySet<number>): (socket: net.Socket) => void {
    const hp = parseHostPort(defaultApp) as { host: string; port: number };
    const anyApp: AppByPort = (port) => (ownPorts.has(port) ? undefined : appStack(formatHostPort({ host: hp.host, port })));
    const fallback = forApp(defaultApp, anyApp);
    const byPort = new Map<number, (socket: net.Socket) => void>([[hp.port, fallback]]);
    return (socket) => {
      const orig = originalDst(socket);
      const port = orig === undefined ? undefined : parseHostPort(orig)?.port;
      // Not redirected, or sent to the inbound port itself (a peer proxy dialling podIP:4143): the default app.
      if (port === undefined || port === socket.localPort) return fallback(socket);
      let accept = byPort.get(port);
      if (!accept) byPort.set(port, (accept = forApp(formatHostPort({ host: hp.host, port }), anyApp)));
      accept(socket);
    };
  }

  /**
   * The stack of one inbound listener, whose every connection is for `appAddr`. A sidecar has one; a per-host
   * proxy has one per local app, each with the app as its metrics' target. `appByPort`: what a transport header
   * may name (default: the apps this proxy's listeners serve).
   */
  function forApp(appAddr: string, appByPort = knownApp): (socket: net.Socket) => void {
    const stack = appStack(appAddr);
    const { app } = stack;
    const identity = deps.identity;

    // === accept → detect (identity off: plaintext only, as before) ===
    if (!identity)
      return function accept(socket: net.Socket): void {
        telemetry.tcp.track(socket, app.tcp, 'src');
        detect(socket, app.port, deps.detect, (d) => serve(socket, { app }, d));
      };

    // === accept → TLS detect → mTLS | TLS passthrough | plaintext (unless identity is required) ===
    return function accept(socket: net.Socket): void {
      detectClientHello(socket, deps.detect.timeoutMs, (hello) => {
        if (hello.kind === 'closed') return void socket.destroy();
        if (hello.kind === 'tls' && hello.sni === identity.name) return terminate(identity, socket, stack, hello.bytes, appByPort);
        const tcp: MetricTarget = hello.kind === 'tls' ? { ...app.tcp, tls: 'opaque' } : app.tcp;
        if (stack.requireIdentity) {
          // Linkerd's deny: no authenticated client, no connection. Counted, then closed without a word.
          deps.policy.deny(tcp);
          return void socket.destroy();
        }
        telemetry.tcp.track(socket, tcp, 'src');
        // TLS for some other name (the app's own TLS): never decrypted, forwarded as bytes.
        if (hello.kind === 'tls') return forwardOpaque(deps, socket, app, hello.bytes);
        if (hello.timedOut) return serve(socket, { app }, { protocol: 'opaque', first: EMPTY, timedOut: true, skipped: false });
        detect(socket, app.port, deps.detect, (d) => serve(socket, { app }, d), hello.bytes);
      });
    };
  }

  // === tls: terminate, then the decrypted connection is detected again (or carries a transport header) ===
  function terminate(identity: InboundIdentity, socket: net.Socket, stack: AppStack, hello: Buffer, appByPort: AppByPort): void {
    identity.server.terminate(socket, hello).then(
      ({ socket: decrypted, clientIdentity }) => {
        // The raw socket is counted: bytes on the wire, TLS records included.
        telemetry.tcp.track(socket, { ...stack.app.tcp, tls: { clientId: clientIdentity } }, 'src');
        if (decrypted.alpnProtocol === transportAlpn) return transport(decrypted, stack, clientIdentity, appByPort);
        const served = { app: forClient(stack, clientIdentity), clientId: clientIdentity };
        detect(decrypted, stack.app.port, deps.detect, (d) => serve(decrypted, served, d));
      },
      (err: { code?: string }) => deps.policy.error(stack.app.tcp, err.code ?? 'SB_TLS_HANDSHAKE'),
    );
  }

  /** Opaque transport (Linkerd's direct inbound): the header names which local app the bytes are for. */
  function transport(socket: tls.TLSSocket, via: AppStack, clientId: string, appByPort: AppByPort): void {
    readTransportHeader(socket, deps.detect.timeoutMs, (r) => {
      const stack = r.kind === 'header' ? appByPort(r.header.port) : undefined;
      if (r.kind !== 'header' || !stack) {
        deps.policy.error({ ...via.app.tcp, tls: { clientId } }, 'SB_TRANSPORT_HEADER');
        return void socket.destroy();
      }
      forwardOpaque(deps, socket, forClient(stack, clientId), r.rest);
    });
  }

  // === detect → http1 | http2 | opaque ===
  function serve(socket: net.Socket, served: Served, d: Detected): void {
    switch (d.protocol) {
      case 'http1':
        deps.drain.add(new ServerConnection(socket, (ex) => http(served, ex), serverOptions, d.first));
        return;
      case 'http2':
        replay(socket, d.first);
        return h2(socket, served);
      case 'tls':
      case 'opaque':
        forwardOpaque(deps, socket, served.app, d.first);
    }
  }

  // === http → endpoint (app) ===
  function http({ app, clientId }: Served, ex: Exchange): undefined {
    if (ex.head.method === 'CONNECT') {
      ex.done(respondError(ex, new ProxyError('method-not-allowed', 'CONNECT is for the outbound listener')));
      return undefined;
    }
    // A plaintext client may still send absolute-form; the app gets origin-form over HTTP/1.1. Otherwise the
    // request line goes as received.
    const { method, target, minor } = ex.head;
    const startLine = minor === 1 && target.charCodeAt(0) === 0x2f ? undefined : `${method} ${originForm(target)} HTTP/1.1`;
    const upgrade = requestedUpgrade(ex.head);
    const lines: string[] = upgrade === undefined ? [] : upgradeLines(upgrade);
    if (clientId !== undefined) lines.push(`${meshHeaders.clientId}: ${clientId}`);
    // The app gets HTTP/1.1, which requires a Host (RFC 9112 §3.2); an HTTP/1.0 client may have sent none.
    if (minor === 0 && fieldsNamed(ex.head, 'host').length === 0) lines.push(`host: ${app.addr}`);
    const head = rewriteHead(ex.wire, startLine, inboundOwned, ex.body.framing.kind === 'chunked', lines);
    return forwardToEndpoint(pool, app, ex, head, deps.tap);
  }

  // === http2 → endpoint (app): h2c as the client spoke it, or HTTP/1.1 restored for a multiplexed peer ===
  function stream({ app, clientId }: Served, req: H2Request): void {
    // A meshed caller's identity replaces whatever it sent; everyone else's claim is dropped.
    const drop = clientId === undefined ? inboundOwned : inboundOwnedButClientId;
    if (clientId !== undefined) req.headers[meshHeaders.clientId] = clientId;
    if (req.headers[origProto] !== undefined) return restoreHttp1ToEndpoint(pool, app, req, drop, deps.tap);
    forwardStreamToEndpoint(sessions, app, req, forwardableH2(req.headers, drop), deps.tap);
  }

  return { forApp, forInterceptedApps, pool, sessions };
}
