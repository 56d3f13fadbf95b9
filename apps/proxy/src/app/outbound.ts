// Outbound composition root, in flow order: accept (app's HTTP proxy connection) → http server → logical
// (authority) → concrete (discovery + balancer, failfast | direct IP forward) → endpoint (pool, metrics).
import type net from 'node:net';
import { parseHostPort, parseServiceAuthority, type Endpoint } from '@signalbox/shared';
import { chooseEndpoint } from '../balance/failfast.js';
import { RoundRobin, type Balancer } from '../balance/round-robin.js';
import type { Discovery } from '../discovery/cache.js';
import type { Resolution } from '../discovery/resolution.js';
import { ProxyError } from '../errors.js';
import { isIpLiteral, requestAuthority, type RequestAuthority } from '../http/authority.js';
import { endToEnd, formatHeaders, framingLines } from '../http/headers.js';
import { ConnectionPool } from '../http/pool.js';
import { ServerConnection, type Exchange, type ExchangeResult } from '../http/server.js';
import type { Drain } from '../listener/drain.js';
import type { TapRegistry } from '../tap/registry.js';
import { connect } from '../tcp/connect.js';
import { tlsReasons } from '../telemetry/labels.js';
import type { Telemetry } from '../telemetry/registry.js';
import { forwardToEndpoint, respondError, type EndpointTarget } from './endpoint.js';

export interface OutboundDeps {
  /** The outbound listener's address: the target of accepted (src) connection metrics. */
  readonly listenAddr: string;
  readonly discovery: Discovery;
  readonly telemetry: Telemetry;
  readonly drain: Drain;
  readonly failfastTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly poolIdleTimeoutMs: number;
  readonly tap: TapRegistry;
}

/** Headers the outbound side owns: Host is rewritten to the authority; proxy credentials are for us only. */
const outboundOwned = new Set(['host', 'proxy-authorization']);
const maxDirectTargets = 1024;

export function createOutbound(deps: OutboundDeps) {
  const { telemetry, discovery } = deps;
  const pool = new ConnectionPool<EndpointTarget>({
    connect: async (t) => {
      const socket = await connect(t.host, t.port, deps.connectTimeoutMs);
      telemetry.tcp.track(socket, t.tcp, 'dst');
      return socket;
    },
    idleTimeoutMs: deps.poolIdleTimeoutMs,
    maxIdlePerEndpoint: 100,
  });
  const balancers = new WeakMap<Resolution, Balancer>();
  const endpointTargets = new WeakMap<Endpoint, EndpointTarget>();
  const directTargets = new Map<string, EndpointTarget>();

  // === accept ===
  function accept(socket: net.Socket): void {
    telemetry.tcp.track(socket, { direction: 'outbound', addr: deps.listenAddr, noTlsReason: tlsReasons.outboundAccepted }, 'src');
    deps.drain.add(new ServerConnection(socket, handle, { isDraining: deps.drain.isDraining }));
  }

  // === logical ===
  async function handle(ex: Exchange): Promise<ExchangeResult> {
    const logical = requestAuthority(ex.head);
    if (typeof logical === 'string') return respondError(ex, new ProxyError('bad-request', logical));
    const head =
      `${ex.head.method} ${logical.path} HTTP/1.1\r\n` +
      formatHeaders(endToEnd(ex.head.headers, outboundOwned), [
        `host: ${logical.authority}`,
        ...framingLines(ex.body.framing, ex.head.headers),
      ]);
    if (isIpLiteral(logical.host)) return forwardToEndpoint(pool, directTarget(logical), ex, head, deps.tap);
    return concrete(ex, logical, head);
  }

  // === concrete: resolve, balance, failfast ===
  async function concrete(ex: Exchange, logical: RequestAuthority, head: string): Promise<ExchangeResult> {
    // Service names resolve by their canonical authority; other names are still asked (discovery decides).
    const svc = parseServiceAuthority(logical.authority);
    const resolution = discovery.resolve(svc ? `${svc.service}.${svc.namespace}:${svc.port}` : logical.authority);
    let balancer = balancers.get(resolution);
    if (!balancer) {
      const b = new RoundRobin();
      b.update(resolution.endpoints);
      resolution.subscribe(() => b.update(resolution.endpoints));
      balancers.set(resolution, (balancer = b));
    }
    let endpoint: Endpoint;
    try {
      endpoint = await chooseEndpoint(balancer, resolution, deps.failfastTimeoutMs);
    } catch (err) {
      const e = err as ProxyError;
      const m = telemetry.http.forTarget({
        direction: 'outbound',
        authority: logical.authority,
        addr: logical.authority,
        noTlsReason: tlsReasons.outboundEndpoint,
      });
      m.request();
      m.response(e.status, e.code);
      return respondError(ex, e);
    }
    if (ex.client.destroyed) return { close: true };
    return forwardToEndpoint(pool, endpointTarget(endpoint, logical.authority), ex, head, deps.tap);
  }

  // === endpoint ===
  function endpointTarget(e: Endpoint, authority: string): EndpointTarget {
    let t = endpointTargets.get(e);
    if (!t) {
      const hp = parseHostPort(e.addr) as { host: string; port: number };
      const tcp = { direction: 'outbound' as const, addr: e.addr, noTlsReason: tlsReasons.outboundEndpoint, dst: e.labels };
      t = { addr: e.addr, host: hp.host, port: hp.port, tcp, http: telemetry.http.forTarget({ ...tcp, authority }) };
      endpointTargets.set(e, t);
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

  return { accept, pool };
}
