// Discovery's opaque hint on real sockets: a server-speaks-first app (MySQL-like: it greets, the client waits) on a
// port outside the default opaque list, reached through the outbound proxy's fixed-destination listener. Hinted, the
// greeting comes at once although the detect timeout is Linkerd's 10 s; not hinted, only after the (short) detect
// timeout. Through a meshed peer too, whose inbound has the pod's opaque ports as its `--opaque-ports`, as the
// launcher gives a registry pod's.
import { eventually, freeAddr, makeRunDir, startProxy, type ManagedProcess } from '@signalbox/launch';
import { defaultOpaquePorts, type Endpoint } from '@signalbox/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningProxy } from '../../src/app/proxy.js';
import { scrape } from '../support/client.js';
import { endpoint, startFakeControlPlane, type FakeControlPlane } from '../support/fake-control-plane.js';
import { startInProcessProxy } from '../support/mesh.js';
import { tcpRelays } from '../support/tcp-relays.js';
import { rawConnect, startGreeter, type TcpServer } from '../support/tcp-servers.js';

const greeting = '5.7.0-mysql-like ready\r\n';
/** Far under Linkerd's 10 s detect timeout, far over a loopback connect and a discovery answer. */
const promptMs = 2000;
let cp: FakeControlPlane;
let greeter: TcpServer;
const started: RunningProxy[] = [];
const processes: ManagedProcess[] = [];

beforeAll(async () => {
  cp = await startFakeControlPlane(await freeAddr());
  greeter = await startGreeter(await freeAddr(), greeting);
  // The point is a port nobody lists: only discovery can say it is opaque.
  expect(defaultOpaquePorts).not.toContain(Number(greeter.addr.split(':')[1]));
});
afterAll(async () => {
  for (const p of started.reverse()) await p.shutdown();
  for (const p of processes) await p.stop();
  await greeter.close();
  await cp.close();
});

const unmeshed = (service: string, hint: boolean): Endpoint => ({
  ...endpoint(greeter.addr, `${service}-0`, service),
  meshed: false,
  ...(hint ? { protocolHint: 'opaque' as const } : {}),
});

/** Connects through the proxy's listener for `authority`; resolves with the ms until the greeting, then checks the way back. */
async function timeToGreeting(listener: string): Promise<number> {
  const t0 = performance.now();
  const conn = await rawConnect(listener);
  try {
    await eventually(() => expect(conn.received()).toBe(greeting), { timeoutMs: 15_000, intervalMs: 5 });
    const elapsed = performance.now() - t0;
    conn.socket.write('SELECT 1');
    await eventually(() => expect(conn.received()).toBe(`${greeting}SELECT 1`));
    return elapsed;
  } finally {
    conn.socket.destroy();
  }
}

describe.each(tcpRelays)('%s relay', (tcpRelay) => {
  async function outbound(authority: string, overrides: { detectTimeout?: number } = {}): Promise<{ proxy: RunningProxy; listener: string }> {
    const proxy = await startInProcessProxy({ app: await freeAddr(), controlPlane: cp.url, tcpRelay, outboundTcp: [{ listen: await freeAddr(), authority }], ...overrides });
    started.push(proxy);
    return { proxy, listener: proxy.outboundTcp[0]?.addr as string };
  }

  it('forwards a destination discovery marks opaque before reading a byte: the server greets at once, counted as tcp', async () => {
    const authority = `mysql-${tcpRelay}.demo:7000`;
    cp.endpoints(authority, [unmeshed(`mysql-${tcpRelay}`, true)]);
    const { proxy, listener } = await outbound(authority);
    expect(proxy.tcpRelay).toBe(tcpRelay);
    expect(await timeToGreeting(listener)).toBeLessThan(promptMs);
    await eventually(async () => {
      const text = await scrape(proxy.adminAddr);
      expect(text).toMatch(new RegExp(`tcp_open_total\\{direction="outbound",target_addr="${listener}",[^}]*peer="src"\\} 1\\n`));
      expect(text).toMatch(new RegExp(`tcp_read_bytes_total\\{direction="outbound",target_addr="${greeter.addr}",[^}]*dst_service="mysql-${tcpRelay}"[^}]*peer="dst"\\} ${greeting.length + 8}\\n`));
      expect(text).toMatch(new RegExp(`tcp_close_total\\{direction="outbound",target_addr="${greeter.addr}",[^}]*peer="dst",errno=""\\} 1\\n`));
    });
  });

  it('without the hint, waits out the detect timeout, then forwards opaque', async () => {
    const authority = `plain-${tcpRelay}.demo:7000`;
    cp.endpoints(authority, [unmeshed(`plain-${tcpRelay}`, false)]);
    const { listener } = await outbound(authority, { detectTimeout: 400 });
    expect(await timeToGreeting(listener)).toBeGreaterThanOrEqual(390);
  });

  it('reaches a meshed peer at once when its inbound proxy has the pod’s opaque ports', async () => {
    const authority = `db-${tcpRelay}.demo:7000`;
    const greeterPort = Number(greeter.addr.split(':')[1]);
    // The pod's `opaquePorts`, as the launcher and inject give them: they replace the default list.
    const peer = await startInProcessProxy({ app: greeter.addr, controlPlane: cp.url, tcpRelay, opaquePorts: [greeterPort] });
    started.push(peer);
    cp.endpoints(authority, [{ ...endpoint(peer.inboundAddr, `db-${tcpRelay}-0`, `db-${tcpRelay}`), appPort: greeterPort, protocolHint: 'opaque' }]);
    const { listener } = await outbound(authority);
    expect(await timeToGreeting(listener)).toBeLessThan(promptMs);
  });
});

describe('the launcher', () => {
  it('gives a proxy its pod’s opaque ports (a range here), replacing the default list: its inbound skips detection', async () => {
    const greeterPort = Number(greeter.addr.split(':')[1]);
    const [inbound, outbound, admin] = [await freeAddr(), await freeAddr(), await freeAddr()];
    const proxy = await startProxy({
      dir: makeRunDir('signalbox-opaque-launch-'),
      name: 'db-0-proxy',
      inbound,
      outbound,
      admin,
      app: greeter.addr,
      controlPlaneUrl: cp.url,
      opaquePorts: [`${greeterPort - 1}-${greeterPort}`],
    });
    processes.push(proxy);
    expect(await timeToGreeting(inbound)).toBeLessThan(promptMs);
  });
});
