// Builders for a two-proxy mesh in one test process: proxy A (client side, outbound) → proxy B (server side,
// inbound) → echo app, with a fake control plane resolving books.demo:7000 to B's inbound.
import { freeAddr } from '@signalbox/launch';
import { createProxy, type RunningProxy } from '../../src/app/proxy.js';
import { configSchema, type ProxyConfig } from '../../src/config.js';
import { startEchoServer, type EchoServer } from './echo-server.js';
import { endpoint, startFakeControlPlane, type FakeControlPlane } from './fake-control-plane.js';
import { greeterClient, startGreeterServer, type GreeterServer } from './grpc.js';
import type { Client } from '@grpc/grpc-js';

/** The HTTP/2 engines a test runs over (`--h2-engine`). */
export const h2Engines = ['wire', 'node'] as const;

export async function proxyConfig(overrides: Partial<ProxyConfig> & { app: string; controlPlane: string }): Promise<ProxyConfig> {
  return configSchema.parse({
    outbound: await freeAddr(),
    inbound: await freeAddr(),
    admin: await freeAddr(),
    failfastTimeout: 300,
    ...overrides,
  });
}

export async function startInProcessProxy(overrides: Partial<ProxyConfig> & { app: string; controlPlane: string }): Promise<RunningProxy> {
  return createProxy(await proxyConfig(overrides));
}

export interface ProxyPair {
  readonly cp: FakeControlPlane;
  /** Client side: its outbound is where the test sends; its app address is unused. */
  readonly a: RunningProxy;
  /** Server side: its inbound forwards to `app`. */
  readonly b: RunningProxy;
  /** Shuts A down, then B, then closes `servers` (the app behind B), then the control plane. */
  close(...servers: { close(): Promise<void> }[]): Promise<void>;
}

/** A fake control plane and proxies A and B, B in front of `app`; `overrides` apply to both proxies. */
export async function startProxyPair(app: string, overrides: Partial<ProxyConfig> = {}): Promise<ProxyPair> {
  const cp = await startFakeControlPlane(await freeAddr());
  const b = await startInProcessProxy({ ...overrides, app, controlPlane: cp.url });
  const a = await startInProcessProxy({ ...overrides, app: await freeAddr(), controlPlane: cp.url });
  return {
    cp,
    a,
    b,
    async close(...servers) {
      await a.shutdown();
      await b.shutdown();
      for (const server of servers) await server.close();
      await cp.close();
    },
  };
}

/** A proxy pair with what it serves: `close` stops all of it. */
interface ServingPair extends Omit<ProxyPair, 'close'> {
  close(): Promise<void>;
}

export interface Mesh extends ServingPair {
  readonly app: EchoServer;
}

/** `overrides` apply to both proxies (e.g. `peerProtocol`). */
export async function startMesh(overrides: Partial<ProxyConfig> = {}): Promise<Mesh> {
  const app = await startEchoServer(await freeAddr(), 'books-1');
  const pair = await startProxyPair(app.addr, overrides);
  return { ...pair, app, close: () => pair.close(app) };
}

/** The gRPC greeter's authority in a greeter mesh. */
export const greeterAuthority = 'greeter.demo:7003';

export interface GreeterMesh extends ServingPair {
  readonly server: GreeterServer;
  /** A greeter client on A's outbound, for `greeterAuthority`. */
  readonly client: Client;
}

/** A gRPC greeter behind B, resolved as `greeterAuthority`; `overrides` apply to both proxies. */
export async function startGreeterMesh(overrides: Partial<ProxyConfig> = {}): Promise<GreeterMesh> {
  const server = await startGreeterServer(await freeAddr());
  const pair = await startProxyPair(server.addr, overrides);
  pair.cp.endpoints(greeterAuthority, [endpoint(pair.b.inboundAddr, 'greeter-1', 'greeter')]);
  const client = greeterClient(pair.a.outboundAddr, greeterAuthority);
  return {
    ...pair,
    server,
    client,
    close() {
      client.close();
      return pair.close(server);
    },
  };
}
