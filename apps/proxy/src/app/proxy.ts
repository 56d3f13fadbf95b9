// The whole proxy: admin, inbound and outbound listeners over one telemetry registry and one discovery cache.
// `createProxy` is what main.ts runs and what tests run in-process. Besides the two main listeners there may be
// fixed-destination outbound listeners (`--outbound-tcp`) and, in per-host mode, one inbound listener per local
// app (`--inbound-route`). With an identity, a cert manager gets the proxy its certificate before it reports ready
// and renews it; inbound terminates mTLS for that identity and outbound speaks mTLS to meshed endpoints.
import { readFile } from 'node:fs';
import { Counter } from '../telemetry/prom.js';
import { parseHostPort, transportAlpn } from '@signalbox/shared';
import { meshIdentity, tapClientIdentity, type ProxyConfig } from '../config.js';
import { Discovery } from '../discovery/cache.js';
import { createCertManager, type CertManager } from '../identity/cert-manager.js';
import { createCertifyClient } from '../identity/certify-client.js';
import { createIdentityMetrics } from '../identity/metrics.js';
import { bind } from '../listener/bind.js';
import { Drain } from '../listener/drain.js';
import { listen, type Listener } from '../listener/listen.js';
import { Sweeper } from '../listener/sweep.js';
import { TapRegistry } from '../tap/registry.js';
import { createTapServer, type TapRefusal } from '../tap/server.js';
import { createPolicyMetrics } from '../telemetry/policy-metrics.js';
import { createTelemetry, type Telemetry } from '../telemetry/registry.js';
import { createSplice, type Splice, type TcpRelay } from '../tcp/forward.js';
import { loadNativeRelay } from '../tcp/native-relay.js';
import { createMeshTlsServer } from '../tls/server.js';
import { createTapTlsListener } from '../tap/listener.js';
import { createAdmin } from './admin.js';
import { createInbound } from './inbound.js';
import { networkMatcher } from '../intercept/networks.js';
import { loadOriginalDst, type OriginalDst } from '../intercept/original-dst.js';
import { createOutbound } from './outbound.js';

export interface RunningProxy {
  readonly outboundAddr: string;
  readonly inboundAddr: string;
  readonly adminAddr: string;
  /** The mTLS tap listener's bound address (identity on and `--tap-listen` given). */
  readonly tapAddr: string | undefined;
  /** Per-host mode: the extra inbound listeners (bound address) and the app each forwards to. */
  readonly inboundRoutes: readonly { readonly addr: string; readonly app: string }[];
  /** The fixed-destination outbound listeners (bound address) and their authority. */
  readonly outboundTcp: readonly { readonly addr: string; readonly authority: string }[];
  readonly telemetry: Telemetry;
  readonly tap: TapRegistry;
  /** The cert manager when identity is on. */
  readonly identity: CertManager | undefined;
  /** Whether transparent interception is on (asked for, and the original-destination addon loaded). */
  readonly intercept: boolean;
  /** Which relay carries plain opaque TCP: `native` when asked for (the default) and its addon loaded. */
  readonly tcpRelay: TcpRelay;
  /** Stop accepting, finish in-flight requests (bounded by shutdownGrace), close everything. */
  shutdown(): Promise<void>;
  /** Settles with the shutdown, whoever started it (a signal, or `POST /shutdown` on the admin port). */
  readonly stopped: Promise<void>;
}

export async function createProxy(config: ProxyConfig, log: (msg: string) => void = () => {}): Promise<RunningProxy> {
  const telemetry = createTelemetry();
  const drain = new Drain();
  const discovery = new Discovery({ controlPlaneUrl: config.controlPlane, idleMs: config.discoveryIdleTimeout, log });
  let ready = false;
  const tap = new TapRegistry({ redactHeaders: config.tapRedactHeaders });
  const detect = { timeoutMs: config.detectTimeout, opaquePorts: new Set(config.opaquePorts) };
  const sweeper = Sweeper.forDeadlines(config.headerTimeout, config.clientIdleTimeout);
  const deadlines = { sweeper, headerTimeoutMs: config.headerTimeout, idleTimeoutMs: config.clientIdleTimeout };

  // === identity: certificate first (the proxy is not ready without one), then mTLS both ways ===
  const id = meshIdentity(config);
  const trustAnchorsPem = id?.trustAnchorsPem ?? (id?.trustAnchorsFile ? await readFileText(id.trustAnchorsFile) : undefined);
  // node:crypto and node:tls are loaded with identity only (by the cert manager, the mTLS server and the tap
  // listener, where they use them): a proxy without an identity never needs them.
  const manager = id
    ? createCertManager({
        identity: id.name,
        // Read before every certify: a rotated token file is picked up. Never logged.
        token: async () => (await readFileText(id.tokenFile)).trim(),
        client: createCertifyClient({ url: config.controlPlane }),
        // Absent: the anchors come with the first certify answer (trust on first use of the control plane).
        ...(trustAnchorsPem ? { trustAnchorsPem } : {}),
        metrics: createIdentityMetrics(telemetry.registry),
        log,
      })
    : undefined;
  const material = manager ? () => manager.current() : undefined;

  // === transparent interception: a missing addon turns it off, with the reason, never stops the proxy ===
  let originalDst: OriginalDst | undefined;
  if (config.intercept) {
    const loaded = loadOriginalDst();
    if (loaded.ok) originalDst = loaded.originalDst;
    else log(`intercept: OFF: ${loaded.reason}; only HTTP-proxy and fixed-destination traffic is served`);
  }

  // === opaque TCP relay: native (off the JS streams) unless the JS one is asked for; no addon, the JS one ===
  const relay = opaqueRelay(config.tcpRelay, log);

  const outbound = createOutbound({
    splice: relay.splice,
    listenAddr: config.outbound,
    discovery,
    telemetry,
    drain,
    failfastTimeoutMs: config.failfastTimeout,
    connectTimeoutMs: config.connectTimeout,
    poolIdleTimeoutMs: config.poolIdleTimeout,
    tap,
    detect,
    deadlines,
    peerProtocol: config.peerProtocol,
    h2Engine: config.h2Engine,
    balancer: config.balancer,
    material,
    ...(originalDst ? { originalDst } : {}),
    inClusterNetworks: networkMatcher(config.clusterNetworks),
  });
  const inbound = createInbound({
    splice: relay.splice,
    telemetry,
    drain,
    connectTimeoutMs: config.connectTimeout,
    poolIdleTimeoutMs: config.poolIdleTimeout,
    tap,
    detect,
    deadlines,
    h2Engine: config.h2Engine,
    policy: createPolicyMetrics(telemetry.registry),
    requireIdentityPorts: new Set(config.requireIdentityPorts),
    ...(manager && id
      ? { identity: { name: id.name, server: createMeshTlsServer({ material: () => manager.current(), handshakeTimeoutMs: config.detectTimeout, alpnProtocols: ['h2', transportAlpn, 'http/1.1'] }) } }
      : {}),
  });
  const tapRefused = new Counter({
    name: 'tap_subscribe_refused_total',
    help: 'Tap subscribers refused, by reason (token, plaintext, identity, handshake)',
    labelNames: ['reason'] as const,
    registers: [telemetry.registry],
  });
  const onRefused = (reason: TapRefusal) => tapRefused.inc({ reason });
  // With identity on, only the tap service's mTLS identity may subscribe (on the tap listener); else the token.
  const tapServer = createTapServer({ registry: tap, token: config.tapToken, onRefused, ...(manager ? { clientIdentity: tapClientIdentity(config) } : {}) });
  // With identity on only.
  const tapListener =
    manager && config.tapListen
      ? createTapTlsListener({
          material: () => manager.current(),
          tap: tapServer,
          onRefused,
          handshakeTimeoutMs: config.detectTimeout,
        })
      : undefined;
  const admin = createAdmin({
    registry: telemetry.registry,
    // With identity, not ready until the first certificate: meshed peers could not talk to us without it.
    isReady: () => ready && !drain.draining && (manager === undefined || manager.current() !== undefined),
    tap: tapServer,
    ...(manager ? { identity: manager.status } : {}),
    ...(config.shutdownEndpoint
      ? {
          shutdown: (from: string) => {
            log(`POST /shutdown from ${from}: draining (grace ${config.shutdownGrace} ms)`);
            void stop();
          },
        }
      : {}),
  });

  const adminAddr = await bind(admin.server, config.admin);
  const tapAddr = tapListener && config.tapListen ? await bind(tapListener.server, config.tapListen) : undefined;
  const inboundListener = await listen(
    config.inbound,
    originalDst ? inbound.forInterceptedApps(config.app, originalDst, listenerPorts(config)) : inbound.forApp(config.app),
  );
  const outboundListener = await listen(config.outbound, outbound.accept);
  const routeListeners: Listener[] = [];
  for (const r of config.inboundRoutes) routeListeners.push(await listen(r.listen, inbound.forApp(r.app)));
  const tcpListeners: Listener[] = [];
  for (const m of config.outboundTcp) tcpListeners.push(await listen(m.listen, outbound.forAuthority(m.listen, m.authority)));
  ready = true;

  let stopping: Promise<void> | undefined;
  let settle!: (shutdown: Promise<void>) => void;
  const stopped = new Promise<void>((resolve) => (settle = resolve));
  function stop(): Promise<void> {
    if (!stopping) settle((stopping = shutdown()));
    return stopping;
  }
  async function shutdown(): Promise<void> {
    drain.start();
    const closed = Promise.all(
      [inboundListener, outboundListener, ...routeListeners, ...tcpListeners].map((l) => l.close()),
    );
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((r) => (timer = setTimeout(r, config.shutdownGrace)));
    await Promise.race([closed, grace]);
    clearTimeout(timer);
    drain.destroyAll();
    await closed;
    discovery.close();
    manager?.close();
    sweeper.close();
    inbound.pool.closeIdle();
    outbound.pool.closeIdle();
    inbound.sessions.closeAll();
    outbound.sessions.closeAll();
    tapServer.closeAll();
    const adminListeners = tapListener ? [admin, tapListener] : [admin];
    for (const l of adminListeners) l.closeAll();
    await Promise.all(adminListeners.map(({ server }) => new Promise<void>((r) => server.close(() => r()))));
  }

  return {
    outboundAddr: outboundListener.addr,
    inboundAddr: inboundListener.addr,
    adminAddr,
    tapAddr,
    inboundRoutes: config.inboundRoutes.map((r, i) => ({ addr: (routeListeners[i] as Listener).addr, app: r.app })),
    outboundTcp: config.outboundTcp.map((m, i) => ({ addr: (tcpListeners[i] as Listener).addr, authority: m.authority })),
    telemetry,
    tap,
    identity: manager,
    intercept: originalDst !== undefined,
    tcpRelay: relay.kind,
    shutdown: stop,
    stopped,
  };
}

function opaqueRelay(asked: TcpRelay, log: (msg: string) => void): { readonly kind: TcpRelay; readonly splice: Splice } {
  if (asked === 'js') {
    log('tcp relay: js (asked for)');
    return { kind: 'js', splice: createSplice(undefined) };
  }
  const loaded = loadNativeRelay();
  if (loaded.ok) {
    log('tcp relay: native (plain opaque TCP off the JS streams; TLS-terminated connections stay on the JS relay)');
    return { kind: 'native', splice: createSplice(loaded.relay) };
  }
  log(`tcp relay: js: ${loaded.reason}`);
  return { kind: 'js', splice: createSplice(undefined) };
}

// node:fs's callback rather than node:fs/promises, which loads a dozen more built-in modules (readline and fs.watch's
// among them): ~0.3 MB of heap and ~0.3 MB of the node binary's pages in every proxy, for two reads at start.
function readFileText(file: string): Promise<string> {
  return new Promise((resolve, reject) => readFile(file, 'utf8', (err, text) => (err ? reject(err) : resolve(text))));
}

/** The ports this proxy listens on in its pod: never an app's, whatever a peer's transport header names. */
function listenerPorts(config: ProxyConfig): ReadonlySet<number> {
  const addrs = [config.inbound, config.outbound, config.admin, config.tapListen, ...config.inboundRoutes.map((r) => r.listen), ...config.outboundTcp.map((t) => t.listen)];
  return new Set(addrs.flatMap((a) => (a === undefined ? [] : [parseHostPort(a)?.port ?? 0])));
}
