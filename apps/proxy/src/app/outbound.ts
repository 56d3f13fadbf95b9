// Outbound composition root, in flow order: accept (the app's HTTP proxy listener | a connection iptables
// redirected here, whose original destination is its target (--intercept): discovery says whether that ip:port is a
// service, a pod or outside the mesh | a fixed-destination TCP listener) → detect (skipped for opaque ports and for
// destinations discovery marks opaque, asked first) → http server (CONNECT opens a tunnel whose content is detected again) → logical (authority;
// profile routes, retries, timeouts, traffic split: app/logical.ts) → concrete (discovery + balancer with failure
// accrual, failfast | direct IP forward) → endpoint (pool, metrics; mTLS to meshed peers when identity is on:
// app/endpoint-connect.ts) | opaque forward (to a meshed peer: mTLS + transport header).
import type net from 'node:net';
import { parseHostPort, parseServiceAuthority, type AddressUpdate, type Endpoint } from '@signalbox/shared';
import { AccrualBalancer } from '../balance/accrual.js';
import type { Balancer, BalancerKind } from '../balance/balancer.js';
import { chooseEndpoint } from '../balance/failfast.js';
import { P2c } from '../balance/p2c.js';
import { RoundRobin } from '../balance/round-robin.js';
import { detect, type Detected, type DetectOptions } from '../detect/detect.js';
import { replay } from '../detect/peek.js';
import type { Discovery } from '../discovery/cache.js';
import type { Resolution } from '../discovery/resolution.js';
import { ProxyError } from '../errors.js';
import {
  connectAuthority,
  isIpLiteral,
  normaliseAuthority,
  originForm,
  requestAuthority,
  type RequestAuthority,
} from '../http/authority.js';
import { rewriteHead } from '../http/headers.js';
import { fieldsNamed } from '../http/parse-head.js';
import { ConnectionPool } from '../http/pool.js';
import { ServerConnection, type Deadlines, type Exchange, type ExchangeResult, type ServerOptions } from '../http/server.js';
import { requestedUpgrade, upgradeLines } from '../http/upgrade.js';
import type { Drain } from '../listener/drain.js';
import { memoize } from '../memo.js';
import type { Splice } from '../tcp/forward.js';
import type { TapRegistry } from '../tap/registry.js';
import { tlsReasons } from '../telemetry/labels.js';
import type { Telemetry } from '../telemetry/registry.js';
import type { TlsMaterial } from '../tls/context.js';
import { H2Sessions } from '../http2/client.js';
import type { H2Engine } from '../http2/engine.js';
import { forwardableH2, headerString } from '../http2/headers.js';
import { canMultiplex, origProto } from '../http2/orig-proto.js';
import { createH2Server, type H2Request } from '../http2/server.js';
import { forwardToEndpoint, respondError, type EndpointTarget } from './endpoint.js';
import { createEndpointConnect } from './endpoint-connect.js';
import { forwardStreamToEndpoint, respondStreamError } from './endpoint-h2.js';
import { createLogical } from './logical.js';
import type { NetworkMatcher } from '../intercept/networks.js';
import type { OriginalDst } from '../intercept/original-dst.js';
import { forwardOpaque } from './opaque.js';

export interface OutboundDeps {
  /** The opaque byte relay: opaque connections and upgraded (101) ones. */
  readonly splice: Splice;
  /** The outbound listener's address: the target of accepted (src) connection metrics. */
  readonly listenAddr: string;
  readonly discovery: Discovery;
  readonly telemetry: Telemetry;
  readonly drain: Drain;
  readonly failfastTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly poolIdleTimeoutMs: number;
  readonly tap: TapRegistry;
  readonly detect: DetectOptions;
  readonly deadlines: Deadlines;
  /**
   * How HTTP/1 requests travel to a meshed peer's inbound proxy: `http1` over pooled keep-alive sockets, `http2`
   * multiplexed on one h2 session per peer (marked `signalbox-orig-proto`), `auto` http2 to the peers reached over
   * mTLS and http1 to the others. Upgrades always use HTTP/1.
   */
  readonly peerProtocol: 'auto' | 'http1' | 'http2';
  readonly h2Engine: H2Engine;
  /** Default `p2c` (peak-EWMA, Linkerd's); `round-robin` is load-blind. */
  readonly balancer?: BalancerKind;
  /**
   * This proxy's current certificate when identity is on: endpoints discovery gives an identity are then reached
   * over mTLS (`tls="true",server_id`); absent, everything is plaintext (`not_provided_by_service_discovery`).
   */
  readonly material?: () => TlsMaterial | undefined;
  /**
   * Transparent interception: a redirected connection's original destination (SO_ORIGINAL_DST). Absent: only
   * HTTP, which names its authority, is served on the main listener.
   */
  readonly originalDst?: OriginalDst;
  /** With `originalDst`: the original destinations worth asking discovery about (`--cluster-networks`). */
  readonly inClusterNetworks: NetworkMatcher;
}

/**
 * Where a connection's requests go: `fixed` (tunnel, TCP listener) is every request's target; `orig` (intercepted)
 * is theirs unless a request's Host (:authority) names a mesh service; neither: each request's Host.
 */
interface Via {
  readonly fixed?: RequestAuthority;
  readonly orig?: OrigDst;
}
const byHost: Via = {};

/**
 * An intercepted connection's original destination, and discovery's (shared, live) answer about that address;
 * none outside the cluster networks, which are never asked about.
 */
interface OrigDst {
  readonly authority: RequestAuthority;
  readonly address?: Resolution;
}

/** What the original destination is: a service's cluster IP (route as that service) or one endpoint (maybe direct). */
type OrigTarget = { readonly logical: RequestAuthority; readonly endpoint?: never } | { readonly endpoint: EndpointTarget; readonly logical?: never };

/** Headers the outbound side owns: Host is rewritten to the authority; proxy credentials are for us only. */
const outboundOwned = new Set(['host', 'proxy-authorization', origProto]);
/** With a fixed destination (tunnel, TCP listener) the client's Host is its own business and passes unchanged. */
const fixedOwned = new Set(['proxy-authorization', origProto]);
const maxDirectTargets = 1024;
const EMPTY = Buffer.alloc(0);
/** Service names resolve by their canonical authority; other names are still asked (discovery decides). */
const canonical = memoize((authority) => {
  const svc = parseServiceAuthority(authority);
  return svc ? `${svc.service}.${svc.namespace}:${svc.port}` : authority;
});
const connectEstablished = 'HTTP/1.1 200 Connection established\r\n\r\n';

export function createOutbound(deps: OutboundDeps) {
  const { telemetry, discovery } = deps;
  const connectEndpoint = createEndpointConnect({ telemetry, connectTimeoutMs: deps.connectTimeoutMs, material: deps.material });
  const pool = new ConnectionPool<EndpointTarget>({
    connect: (t) => connectEndpoint(t, 'http1'),
    idleTimeoutMs: deps.poolIdleTimeoutMs,
    maxIdlePerEndpoint: 100,
    splice: deps.splice,
  });
  // One h2 session per endpoint: h2 clients' streams, and HTTP/1 requests multiplexed to meshed peers.
  const sessions = new H2Sessions<EndpointTarget>({
    connect: (t) => connectEndpoint(t, 'h2'),
    idleTimeoutMs: deps.poolIdleTimeoutMs,
    engine: deps.h2Engine,
  });
  const h2 = createH2Server<Via>({
    handle: (req, via) => void stream(req, via),
    drain: deps.drain,
    idleTimeoutMs: deps.deadlines.idleTimeoutMs,
    engine: deps.h2Engine,
  });
  const balancers = new WeakMap<Resolution, Balancer>();
  /** Opaque TCP balances connections, not requests: its own P2C over open connections per resolution. */
  const tcpBalancers = new WeakMap<Resolution, Balancer>();
  /**
   * Per endpoint, per logical authority: a request's `authority` label is its own (`books.demo:7001` by name, the
   * FQDN for its cluster IP) even when both reach the same endpoint, and a request allocates nothing to find it.
   */
  const endpointTargets = new WeakMap<Endpoint, Map<string, EndpointTarget>>();
  const directTargets = new Map<string, EndpointTarget>();
  /** A service answer's logical authority, parsed once per answer rather than per connection. */
  const serviceLogicals = new WeakMap<AddressUpdate, RequestAuthority | string>();
  const serverOptions: ServerOptions = { isDraining: deps.drain.isDraining, deadlines: deps.deadlines };
  const routes = createLogical({
    telemetry,
    tap: deps.tap,
    failfastTimeoutMs: deps.failfastTimeoutMs,
    pool,
    sessions,
    resolve: (authority) => discovery.resolve(authority),
    balancerFor: (resolution) => balancerFor(resolution),
    endpointTarget: (e, authority) => endpointTarget(e, authority),
    multiplexesTo: (e) => e.meshed && (deps.peerProtocol === 'http2' || (deps.peerProtocol === 'auto' && peerIdentity(e) !== undefined)),
    failfastMetrics: (logical) => logicalMetrics(logical),
    owned: outboundOwned,
  });
  const accepted = (addr: string) => ({ direction: 'outbound' as const, addr, noTlsReason: tlsReasons.outboundAccepted });

  // === accept → detect: the app's HTTP proxy listener ===
  function accept(socket: net.Socket): void {
    const orig = deps.originalDst?.(socket);
    if (orig !== undefined) return intercepted(socket, orig);
    telemetry.tcp.track(socket, accepted(deps.listenAddr), 'src');
    // No destination is known here (not redirected): only HTTP, which names its authority, can be served.
    detect(socket, 0, deps.detect, (d) => {
      if (d.protocol === 'http1') return serveHttp(socket, d.first, byHost);
      if (d.protocol === 'http2') {
        replay(socket, d.first);
        return h2(socket, byHost);
      }
      socket.destroy();
    });
  }

  // === accept → detect: a connection iptables redirected here; its original destination is its target ===
  function intercepted(socket: net.Socket, origAddr: string): void {
    const authority = normaliseAuthority(origAddr) as RequestAuthority;
    telemetry.tcp.track(socket, accepted(authority.authority), 'src');
    // Asked now, so the answer (cached per ip:port) is usually in by the time detection is done.
    const orig: OrigDst = deps.inClusterNetworks(authority.host) ? { authority, address: discovery.resolve(authority.authority) } : { authority };
    const via: Via = { orig };
    const next = (d: Detected) => {
      switch (d.protocol) {
        case 'http1':
          return serveHttp(socket, d.first, via);
        case 'http2':
          replay(socket, d.first);
          return h2(socket, via);
        case 'tls':
        case 'opaque':
          void interceptedOpaque(socket, orig, d.first);
      }
    };
    // Opaque ports are the original destination's, and so is what discovery says of it.
    withProtocolHint(socket, authority.port, orig.address, (isOpaque) => detect(socket, authority.port, deps.detect, next, EMPTY, isOpaque));
  }

  /**
   * Calls `then` with whether discovery marks the destination opaque, once `resolution` has answered (Linkerd
   * discovers before it detects): a server-speaks-first protocol is then forwarded at once instead of after the
   * detect timeout. Waits at most the failfast timeout, and not at all when the port is opaque anyway, when
   * discovery has answered before, or when there is nothing to ask (`resolution` undefined).
   */
  function withProtocolHint(socket: net.Socket, port: number, resolution: Resolution | undefined, then: (opaque: boolean) => void): void {
    if (resolution === undefined || deps.detect.opaquePorts.has(port)) return then(false);
    if (resolution.status !== 'pending') return then(resolution.opaque);
    void resolution.answered(deps.failfastTimeoutMs).then(() => {
      if (!socket.destroyed) then(resolution.opaque);
    });
  }

  /**
   * Discovery's answer about an original destination (Linkerd's profile lookup on an IP), waited for at most the
   * failfast timeout: a service's cluster IP routes as that service (balancing, profile, mTLS, authority = its fully
   * qualified name); a pod's address goes to that endpoint, through its proxy with its identity when meshed;
   * anything else, no answer, or an address outside the cluster networks, goes to the original ip:port unmeshed.
   */
  async function origTarget(orig: OrigDst): Promise<OrigTarget> {
    if (orig.address === undefined) return { endpoint: directTarget(orig.authority) };
    await orig.address.answered(deps.failfastTimeoutMs);
    const answer = orig.address.address;
    if (answer?.service !== undefined) {
      let logical = serviceLogicals.get(answer);
      if (logical === undefined) serviceLogicals.set(answer, (logical = normaliseAuthority(answer.service)));
      if (typeof logical !== 'string') return { logical };
    }
    if (answer?.endpoint) return { endpoint: endpointTarget(answer.endpoint, orig.authority.authority) };
    return { endpoint: directTarget(orig.authority) };
  }

  /** A listener whose every connection goes to `authority` (`--outbound-tcp`), for clients that cannot say. */
  function forAuthority(listenAddr: string, authority: string): (socket: net.Socket) => void {
    const logical = normaliseAuthority(authority) as RequestAuthority;
    const src = accepted(listenAddr);
    return (socket) => {
      telemetry.tcp.track(socket, src, 'src');
      tunnel(socket, logical, EMPTY);
    };
  }

  // === detect a connection with a known destination (fixed listener, CONNECT tunnel) ===
  function tunnel(socket: net.Socket, logical: RequestAuthority, prior: Buffer): void {
    const next = (d: Detected) => {
      switch (d.protocol) {
        case 'http1':
          return serveHttp(socket, d.first, { fixed: logical });
        case 'http2':
          replay(socket, d.first);
          return h2(socket, { fixed: logical });
        case 'tls':
        case 'opaque':
          void opaque(socket, logical, d.first);
      }
    };
    // A service is asked about (its endpoints are needed anyway); an IP literal has only the port to go by.
    const resolution = isIpLiteral(logical.host) ? undefined : resolve(logical);
    withProtocolHint(socket, logical.port, resolution, (isOpaque) => detect(socket, logical.port, deps.detect, next, prior, isOpaque));
  }

  function serveHttp(socket: net.Socket, first: Buffer, via: Via): void {
    deps.drain.add(new ServerConnection(socket, (ex) => handle(ex, via), serverOptions, first));
  }

  /** Intercepted: a Host naming a mesh service wins (discovery routes it); else the original destination. */
  function byOrigDst(named: RequestAuthority | string, via: Via): OrigDst | undefined {
    if (via.orig === undefined) return undefined;
    return typeof named !== 'string' && parseServiceAuthority(named.authority) ? undefined : via.orig;
  }

  // === logical ===
  /** Answers by a promise only where it waits (CONNECT, an original destination's lookup, the logical stage's loop). */
  function handle(ex: Exchange, via: Via): Promise<ExchangeResult | undefined> | undefined {
    if (ex.head.method === 'CONNECT') return connectTunnel(ex);
    const named = requestAuthority(ex.head);
    const orig = byOrigDst(named, via);
    const fixed = orig?.authority ?? via.fixed;
    const logical = fixed ?? named;
    if (typeof logical === 'string') {
      ex.done(respondError(ex, new ProxyError('bad-request', logical)));
      return undefined;
    }
    // The received head's bytes, minus what the proxy owns, plus its Host and upgrade lines: nothing re-serialised.
    const { method, target, minor } = ex.head;
    const upgrade = requestedUpgrade(ex.head);
    const lines = upgrade === undefined ? [] : upgradeLines(upgrade);
    const chunked = ex.body.framing.kind === 'chunked';
    let head: Buffer;
    if (!fixed) {
      lines.push(`host: ${logical.authority}`);
      const startLine = minor === 1 && target === logical.path ? undefined : `${method} ${logical.path} HTTP/1.1`;
      head = rewriteHead(ex.wire, startLine, outboundOwned, chunked, lines);
    } else {
      if (fieldsNamed(ex.head, 'host').length === 0) lines.push(`host: ${logical.authority}`);
      const startLine = minor === 1 && target.charCodeAt(0) === 0x2f ? undefined : `${method} ${originForm(target)} HTTP/1.1`;
      head = rewriteHead(ex.wire, startLine, fixedOwned, chunked, lines);
    }
    if (orig) return toOrigTarget(ex, orig, head);
    if (isIpLiteral(logical.host)) return forwardToEndpoint(pool, directTarget(logical), ex, head, deps.tap);
    return routes.http1(ex, logical, resolve(logical), head, !fixed && deps.peerProtocol !== 'http1' && canMultiplex(ex));
  }

  async function toOrigTarget(ex: Exchange, orig: OrigDst, head: Buffer): Promise<ExchangeResult | undefined> {
    const target = await origTarget(orig);
    if (target.logical) return routes.http1(ex, target.logical, resolve(target.logical), head, false);
    return forwardToEndpoint(pool, target.endpoint, ex, head, deps.tap);
  }

  // === CONNECT: resolve first (so failures are HTTP answers), then 200 and the tunnel's content is detected ===
  async function connectTunnel(ex: Exchange): Promise<ExchangeResult> {
    const logical = connectAuthority(ex.head.target);
    if (typeof logical === 'string') return respondError(ex, new ProxyError('bad-request', logical));
    if (!isIpLiteral(logical.host)) {
      const resolution = resolve(logical);
      try {
        (await chooseEndpoint(balancerFor(resolution), resolution, deps.failfastTimeoutMs)).done();
      } catch (err) {
        return respondError(ex, err as ProxyError);
      }
    }
    if (ex.client.destroyed) return { close: true };
    ex.client.write(connectEstablished, 'latin1');
    tunnel(ex.client, logical, ex.detach());
    return { close: false };
  }

  // === concrete: resolve, balance, failfast ===
  function resolve(logical: RequestAuthority): Resolution {
    return discovery.resolve(canonical(logical.authority));
  }

  function tcpBalancerFor(resolution: Resolution): Balancer {
    let balancer = tcpBalancers.get(resolution);
    if (!balancer) {
      const b = new P2c({ load: 'connections' });
      b.update(resolution.endpoints);
      resolution.subscribe(() => b.update(resolution.endpoints));
      tcpBalancers.set(resolution, (balancer = b));
    }
    return balancer;
  }

  function balancerFor(resolution: Resolution): Balancer {
    let balancer = balancers.get(resolution);
    if (!balancer) {
      // A removed endpoint drains: its in-flight requests finish, its idle connections close, no new picks.
      const inner = deps.balancer === 'round-robin' ? new RoundRobin() : new P2c({ onRemoved: (e) => pool.retire(e.addr) });
      // Failure accrual as the service's own profile configures it (off without one), around either balancer.
      const b = new AccrualBalancer(inner, { options: () => resolution.profile?.failureAccrual });
      b.update(resolution.endpoints);
      resolution.subscribe(() => b.update(resolution.endpoints));
      balancers.set(resolution, (balancer = b));
    }
    return balancer;
  }

  // === HTTP/2: per stream, logical (:authority) → concrete → endpoint, with HTTP/1's failfast and errors ===
  async function stream(req: H2Request, via: Via): Promise<void> {
    const h = req.headers;
    const named = normaliseAuthority(headerString(h[':authority']) ?? headerString(h.host) ?? '', headerString(h[':path']));
    const orig = byOrigDst(named, via);
    const fixed = orig?.authority ?? via.fixed;
    const logical = fixed ?? named;
    if (typeof logical === 'string') return void respondStreamError(undefined, req, new ProxyError('bad-request', logical));
    // With a fixed destination the client's :authority passes unchanged, as Host does on HTTP/1.
    const headers = forwardableH2(h, fixed ? fixedOwned : outboundOwned);
    if (!fixed) headers[':authority'] = logical.authority;
    if (orig) {
      const target = await origTarget(orig);
      if (target.logical) return routes.h2(req, target.logical, resolve(target.logical), headers);
      return forwardStreamToEndpoint(sessions, target.endpoint, req, headers, deps.tap);
    }
    if (isIpLiteral(logical.host)) return forwardStreamToEndpoint(sessions, directTarget(logical), req, headers, deps.tap);
    return routes.h2(req, logical, resolve(logical), headers);
  }

  /** Metrics for requests that never reached an endpoint (failfast): labelled by the authority alone. */
  function logicalMetrics(logical: RequestAuthority) {
    return telemetry.http.forTarget({
      direction: 'outbound',
      authority: logical.authority,
      addr: logical.authority,
      noTlsReason: tlsReasons.outboundEndpoint,
    });
  }

  // === opaque: per-connection balancing, then bytes both ways ===
  async function opaque(client: net.Socket, logical: RequestAuthority, first: Buffer): Promise<void> {
    client.pause();
    if (isIpLiteral(logical.host)) return forwardOpaqueTo(client, directTarget(logical), first);
    const resolution = resolve(logical);
    const pick = await chooseEndpoint(tcpBalancerFor(resolution), resolution, deps.failfastTimeoutMs).catch(() => undefined);
    if (!pick) return void client.destroy();
    if (client.destroyed) return pick.done();
    // The pick is load on its endpoint for as long as the connection is open (P2C on open connections).
    forwardOpaqueTo(client, endpointTarget(pick.endpoint, logical.authority), first, (failed) => pick.done(failed ? 'error' : undefined));
  }

  async function interceptedOpaque(client: net.Socket, orig: OrigDst, first: Buffer): Promise<void> {
    client.pause();
    const target = await origTarget(orig);
    if (target.logical) return opaque(client, target.logical, first);
    forwardOpaqueTo(client, target.endpoint, first);
  }

  /** To a meshed endpoint: mTLS with the opaque transport header; else plain TCP. */
  function forwardOpaqueTo(client: net.Socket, target: EndpointTarget, first: Buffer, onClosed?: (failed: boolean) => void): void {
    forwardOpaque(deps, client, target, first, onClosed, target.identity === undefined ? undefined : () => connectEndpoint(target, 'opaque'));
  }

  // === endpoint ===
  /** mTLS when discovery names the peer's identity and we have one of our own; plaintext otherwise. */
  function peerIdentity(e: Endpoint): string | undefined {
    return deps.material && e.identity !== undefined ? e.identity : undefined;
  }

  function endpointTarget(e: Endpoint, authority: string): EndpointTarget {
    let byAuthority = endpointTargets.get(e);
    if (!byAuthority) endpointTargets.set(e, (byAuthority = new Map()));
    let t = byAuthority.get(authority);
    if (!t) {
      const hp = parseHostPort(e.addr) as { host: string; port: number };
      const identity = peerIdentity(e);
      const tcp = {
        direction: 'outbound' as const,
        addr: e.addr,
        noTlsReason: tlsReasons.outboundEndpoint,
        dst: e.labels,
        ...(identity !== undefined ? { tls: { serverId: identity } } : {}),
      };
      t = { addr: e.addr, host: hp.host, port: hp.port, tcp, http: telemetry.http.forTarget({ ...tcp, authority }) };
      if (identity !== undefined) t = { ...t, identity, appPort: e.appPort };
      byAuthority.set(authority, t);
    }
    return t;
  }

  function directTarget(logical: RequestAuthority): EndpointTarget {
    let t = directTargets.get(logical.authority);
    if (!t) {
      if (directTargets.size >= maxDirectTargets) directTargets.clear();
      const tcp = { direction: 'outbound' as const, addr: logical.authority, noTlsReason: tlsReasons.outboundEndpoint };
      t = {
        addr: logical.authority,
        host: logical.host,
        port: logical.port,
        tcp,
        http: telemetry.http.forTarget({ ...tcp, authority: logical.authority }),
      };
      directTargets.set(logical.authority, t);
    }
    return t;
  }

  return { accept, forAuthority, pool, sessions };
}
