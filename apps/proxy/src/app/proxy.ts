// The whole proxy: admin, inbound and outbound listeners over one telemetry registry and one discovery cache.
// `createProxy` is what main.ts runs and what tests run in-process.
import type http from 'node:http';
import { parseHostPort } from '@signalbox/shared';
import type { ProxyConfig } from '../config.js';
import { Discovery } from '../discovery/cache.js';
import { Drain } from '../listener/drain.js';
import { listen } from '../listener/listen.js';
import { TapRegistry } from '../tap/registry.js';
import { createTapServer } from '../tap/server.js';
import { createTelemetry, type Telemetry } from '../telemetry/registry.js';
import { createAdmin } from './admin.js';
import { createInbound } from './inbound.js';
import { createOutbound } from './outbound.js';

export interface RunningProxy {
  readonly outboundAddr: string;
  readonly inboundAddr: string;
  readonly adminAddr: string;
  readonly telemetry: Telemetry;
  readonly tap: TapRegistry;
  /** Stop accepting, finish in-flight requests (bounded by shutdownGrace), close everything. */
  shutdown(): Promise<void>;
}

export async function createProxy(config: ProxyConfig, log: (msg: string) => void = () => {}): Promise<RunningProxy> {
  const telemetry = createTelemetry();
  const drain = new Drain();
  const discovery = new Discovery({ controlPlaneUrl: config.controlPlane, idleMs: config.discoveryIdleTimeout, log });
  let ready = false;
  const tap = new TapRegistry({ redactHeaders: config.tapRedactHeaders });

  const outbound = createOutbound({
    listenAddr: config.outbound,
    discovery,
    telemetry,
    drain,
    failfastTimeoutMs: config.failfastTimeout,
    connectTimeoutMs: config.connectTimeout,
    poolIdleTimeoutMs: config.poolIdleTimeout,
    tap,
  });
  const inbound = createInbound({
    appAddr: config.app,
    telemetry,
    drain,
    connectTimeoutMs: config.connectTimeout,
    poolIdleTimeoutMs: config.poolIdleTimeout,
    tap,
  });
  const tapServer = createTapServer({ registry: tap, token: config.tapToken });
  const admin = createAdmin({ registry: telemetry.registry, isReady: () => ready && !drain.draining, tap: tapServer });

  const adminAddr = await listenHttp(admin, config.admin);
  const inboundListener = await listen(config.inbound, inbound.accept);
  const outboundListener = await listen(config.outbound, outbound.accept);
  ready = true;

  let stopping: Promise<void> | undefined;
  async function shutdown(): Promise<void> {
    drain.start();
    const closed = Promise.all([inboundListener.close(), outboundListener.close()]);
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((r) => (timer = setTimeout(r, config.shutdownGrace)));
    await Promise.race([closed, grace]);
    clearTimeout(timer);
    drain.destroyAll();
    await closed;
    discovery.close();
    inbound.pool.closeIdle();
    outbound.pool.closeIdle();
    tapServer.closeAll();
    admin.closeAllConnections();
    await new Promise<void>((r) => admin.close(() => r()));
  }

  return {
    outboundAddr: outboundListener.addr,
    inboundAddr: inboundListener.addr,
    adminAddr,
    telemetry,
    tap,
    shutdown: () => (stopping ??= shutdown()),
  };
}

function listenHttp(server: http.Server, addr: string): Promise<string> {
  const hp = parseHostPort(addr);
  if (!hp) return Promise.reject(new Error(`invalid admin address ${addr}`));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(hp.port, hp.host, () => {
      server.off('error', reject);
      const a = server.address() as { address: string; port: number; family: string };
      resolve(a.family === 'IPv6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`);
    });
  });
}
