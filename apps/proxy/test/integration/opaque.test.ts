// Detection and opaque TCP on real sockets: non-HTTP bytes, a silent client (detect timeout), an opaque port with a
// server-speaks-first app, half-close through outbound → inbound, per-connection balancing, CONNECT tunnels.
import { eventually, freeAddr } from '@signalbox/launch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningProxy } from '../../src/app/proxy.js';
import { rawExchange, scrape } from '../support/client.js';
import { endpoint, startFakeControlPlane, type FakeControlPlane } from '../support/fake-control-plane.js';
import { startInProcessProxy } from '../support/mesh.js';
import { tcpRelays } from '../support/tcp-relays.js';
import { rawConnect, startGreeter, startTcpEcho, type TcpServer } from '../support/tcp-servers.js';

let cp: FakeControlPlane;
let echo: TcpServer;
let greeter: TcpServer;
const started: RunningProxy[] = [];

async function startProxy(overrides: Parameters<typeof startInProcessProxy>[0]): Promise<RunningProxy> {
  const p = await startInProcessProxy(overrides);
  expect(p.tcpRelay).toBe(overrides.tcpRelay);
  started.push(p);
  return p;
}

beforeAll(async () => {
  cp = await startFakeControlPlane(await freeAddr());
  echo = await startTcpEcho(await freeAddr(), 'bye');
  greeter = await startGreeter(await freeAddr(), '220 greeter ready\r\n');
});
afterAll(async () => {
  for (const p of started.reverse()) await p.shutdown();
  await echo.close();
  await greeter.close();
  await cp.close();
});

describe.each(tcpRelays)('%s relay', (tcpRelay) => {
  const proxy = (overrides: Parameters<typeof startInProcessProxy>[0]) => startProxy({ ...overrides, tcpRelay });

  describe('detection (inbound)', () => {
    it('forwards bytes that are not HTTP to the app as opaque TCP', async () => {
      const p = await proxy({ app: echo.addr, controlPlane: cp.url });
      const conn = await rawConnect(p.inboundAddr);
      conn.socket.write('*1\r\n$4\r\nPING\r\n');
      await eventually(() => expect(conn.received()).toBe('*1\r\n$4\r\nPING\r\n'));
      conn.socket.destroy();
    });

    it('treats a silent client as opaque once the detect timeout passes', async () => {
      const p = await proxy({ app: greeter.addr, controlPlane: cp.url, detectTimeout: 200 });
      const conn = await rawConnect(p.inboundAddr);
      // The client sends nothing: only the timeout can make the proxy connect to the app, which then greets.
      await eventually(() => expect(conn.received()).toBe('220 greeter ready\r\n'));
      conn.socket.write('after greeting');
      await eventually(() => expect(conn.received()).toBe('220 greeter ready\r\nafter greeting'));
      conn.socket.destroy();
    });

    it('skips detection on an opaque port: a server-speaks-first app greets at once', async () => {
      const greeterPort = Number(greeter.addr.split(':')[1]);
      // A detect timeout far longer than the wait below: the greeting can only come from skipping detection.
      const p = await proxy({ app: greeter.addr, controlPlane: cp.url, detectTimeout: 600_000, opaquePorts: [greeterPort] });
      const conn = await rawConnect(p.inboundAddr);
      await eventually(() => expect(conn.received()).toBe('220 greeter ready\r\n'));
      conn.socket.destroy();
    });

    it('closes a connection that ends before sending anything, without touching the app', async () => {
      const p = await proxy({ app: echo.addr, controlPlane: cp.url });
      const before = echo.connections();
      const conn = await rawConnect(p.inboundAddr);
      conn.socket.end();
      await new Promise<void>((r) => conn.socket.once('close', () => r()));
      expect(echo.connections()).toBe(before);
    });

    it('still serves HTTP on the same listener', async () => {
      const p = await proxy({ app: echo.addr, controlPlane: cp.url });
      // The app is a TCP echo: an HTTP request that reached it would come back verbatim; the proxy answers 502.
      const reply = await rawExchange(p.inboundAddr, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      expect(reply.text).toMatch(/^HTTP\/1\.1 502 /);
    });
  });

  describe('opaque TCP outbound → inbound', () => {
    let a: RunningProxy;
    let b1: RunningProxy;
    let b2: RunningProxy;

    beforeAll(async () => {
      b1 = await proxy({ app: echo.addr, controlPlane: cp.url });
      b2 = await proxy({ app: echo.addr, controlPlane: cp.url });
      a = await proxy({ app: await freeAddr(), controlPlane: cp.url, outboundTcp: [{ listen: await freeAddr(), authority: 'echo.demo:7100' }] });
      cp.endpoints('echo.demo:7100', [endpoint(b1.inboundAddr, 'echo-1', 'echo')]);
    });

    it('honours half-close: the client ends its side and still receives the rest of the reply', async () => {
      const conn = await rawConnect(a.outboundTcp[0]?.addr as string);
      conn.socket.write('hello');
      await eventually(() => expect(conn.received()).toBe('hello'));
      conn.socket.end(); // FIN to the proxy → to B → to the echo, which answers it with "bye" and its own FIN
      await conn.ended;
      expect(conn.received()).toBe('hellobye');
      await new Promise<void>((r) => (conn.socket.closed ? r() : conn.socket.once('close', () => r())));
    });

    it('counts tcp_* with peer="src" and peer="dst" on both proxies', async () => {
      const listener = a.outboundTcp[0]?.addr as string;
      const b = b1.inboundAddr;
      await eventually(async () => {
        const text = await scrape(a.adminAddr);
        expect(text).toMatch(new RegExp(`tcp_open_total\\{direction="outbound",target_addr="${listener}",[^}]*peer="src"\\} [1-9]`));
        expect(text).toMatch(
          new RegExp(`tcp_write_bytes_total\\{direction="outbound",target_addr="${b}",[^}]*dst_service="echo"[^}]*peer="dst"\\} [1-9]`),
        );
        expect(text).toMatch(
          new RegExp(`tcp_read_bytes_total\\{direction="outbound",target_addr="${b}",[^}]*dst_service="echo"[^}]*peer="dst"\\} [1-9]`),
        );
        expect(text).toMatch(new RegExp(`tcp_close_total\\{direction="outbound",target_addr="${b}",[^}]*peer="dst",errno=""\\} [1-9]`));
        const bText = await scrape(b1.adminAddr);
        expect(bText).toMatch(new RegExp(`tcp_read_bytes_total\\{direction="inbound",target_addr="${echo.addr}",[^}]*peer="src"\\} [1-9]`));
        expect(bText).toMatch(new RegExp(`tcp_write_bytes_total\\{direction="inbound",target_addr="${echo.addr}",[^}]*peer="dst"\\} [1-9]`));
      });
    });

    it('balances per connection: concurrent connections spread over the endpoints', async () => {
      cp.endpoints('echo.demo:7100', [endpoint(b1.inboundAddr, 'echo-1', 'echo'), endpoint(b2.inboundAddr, 'echo-2', 'echo')]);
      const openOn = async (p: RunningProxy) => {
        const m = /tcp_open_connections\{direction="inbound",[^}]*peer="src"\} (\d+)/.exec(await scrape(p.adminAddr));
        return Number(m?.[1] ?? 0);
      };
      const conns = [];
      for (let i = 0; i < 4; i++) {
        const c = await rawConnect(a.outboundTcp[0]?.addr as string);
        c.socket.write(`c${i}`);
        await eventually(() => expect(c.received()).toBe(`c${i}`));
        conns.push(c);
      }
      // P2C over open connections: with both endpoints compared on every pick, the load stays even.
      expect([await openOn(b1), await openOn(b2)]).toEqual([2, 2]);
      for (const c of conns) c.socket.destroy();
    });

    it('tunnels opaque bytes through CONNECT, including bytes sent before the 200', async () => {
      const conn = await rawConnect(a.outboundAddr);
      conn.socket.write('CONNECT echo.demo:7100 HTTP/1.1\r\nHost: echo.demo:7100\r\n\r\nearly ');
      await eventually(() => expect(conn.received()).toBe('HTTP/1.1 200 Connection established\r\n\r\nearly '));
      conn.socket.write('late');
      await eventually(() => expect(conn.received()).toBe('HTTP/1.1 200 Connection established\r\n\r\nearly late'));
      conn.socket.end();
      await conn.ended;
      expect(conn.received().endsWith('bye')).toBe(true);
    });

    it('refuses CONNECT without a port', async () => {
      const reply = await rawExchange(a.outboundAddr, 'CONNECT echo.demo HTTP/1.1\r\nHost: echo.demo\r\n\r\n');
      expect(reply.text).toMatch(/^HTTP\/1\.1 400 /);
    });
  });
});
