// WebSocket through outbound → inbound → app with the `ws` client and server: the Upgrade survives both hops,
// after 101 both connections are spliced as bytes (messages both ways, close codes), the upgrade is counted as a
// 101 response and its bytes in tcp_*. Run for both peer protocols (upgrades never ride the multiplexed h2 path)
// and both opaque relays (the native one takes plain upgraded connections off the JS streams).
import http from 'node:http';
import net from 'node:net';
import { eventually, freeAddr } from '@signalbox/launch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import type { RunningProxy } from '../../src/app/proxy.js';
import { request, scrape } from '../support/client.js';
import { endpoint, startFakeControlPlane, type FakeControlPlane } from '../support/fake-control-plane.js';
import { startInProcessProxy } from '../support/mesh.js';
import { tcpRelays } from '../support/tcp-relays.js';

const cases = (['http1', 'http2'] as const).flatMap((peerProtocol) => tcpRelays.map((tcpRelay) => [peerProtocol, tcpRelay] as const));

describe.each(cases)('WebSocket, peer protocol %s, %s relay', (peerProtocol, tcpRelay) => {
  let cp: FakeControlPlane;
  let server: http.Server;
  let wss: WebSocketServer;
  let a: RunningProxy;
  let b: RunningProxy;
  const serverCloses: { code: number; reason: string }[] = [];

  beforeAll(async () => {
    cp = await startFakeControlPlane(await freeAddr());
    const appAddr = await freeAddr();
    server = http.createServer((_req, res) => res.end('plain http\n'));
    wss = new WebSocketServer({ server });
    wss.on('connection', (ws, req) => {
      ws.send(`welcome ${req.url} via ${req.headers.host}`);
      ws.on('message', (data, isBinary) => {
        if (!isBinary && data.toString() === 'close-me') return ws.close(4001, 'server says bye');
        ws.send(isBinary ? data : `echo:${data.toString()}`, { binary: isBinary });
      });
      ws.on('close', (code, reason) => serverCloses.push({ code, reason: reason.toString() }));
    });
    await new Promise<void>((r) => server.listen(Number(appAddr.split(':')[1]), '127.0.0.1', () => r()));
    b = await startInProcessProxy({ app: appAddr, controlPlane: cp.url, peerProtocol, tcpRelay });
    a = await startInProcessProxy({ app: await freeAddr(), controlPlane: cp.url, peerProtocol, tcpRelay });
    expect([a.tcpRelay, b.tcpRelay]).toEqual([tcpRelay, tcpRelay]);
    cp.endpoints('books.demo:7000', [endpoint(b.inboundAddr, 'books-1')]);
  });
  afterAll(async () => {
    await a.shutdown();
    await b.shutdown();
    for (const c of wss.clients) c.terminate();
    await new Promise<void>((r) => wss.close(() => r()));
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    await cp.close();
  });

  /** A `ws` client whose TCP connection goes to proxy A's outbound listener (an HTTP proxy, origin-form). */
  function open(path: string): Promise<{ ws: WebSocket; messages: (string | Buffer)[] }> {
    const [host, port] = a.outboundAddr.split(':') as [string, string];
    const ws = new WebSocket(`ws://books.demo:7000${path}`, { createConnection: () => net.connect(Number(port), host) });
    const messages: (string | Buffer)[] = [];
    ws.on('message', (data, isBinary) => messages.push(isBinary ? (data as Buffer) : data.toString()));
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve({ ws, messages }));
      ws.once('error', reject);
    });
  }

  function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
    return new Promise((r) => ws.once('close', (code, reason) => r({ code, reason: reason.toString() })));
  }

  it('carries messages both ways and the server close code', async () => {
    const { ws, messages } = await open('/chat');
    await eventually(() => expect(messages).toEqual(['welcome /chat via books.demo:7000']));
    ws.send('hello');
    const big = Buffer.alloc(200_000);
    for (let i = 0; i < big.length; i++) big[i] = i % 251;
    ws.send(big);
    await eventually(() => expect(messages.length).toBe(3));
    expect(messages[1]).toBe('echo:hello');
    expect(Buffer.compare(messages[2] as Buffer, big)).toBe(0);
    const done = closed(ws);
    ws.send('close-me');
    expect(await done).toEqual({ code: 4001, reason: 'server says bye' });
  });

  it('carries the client close code to the server', async () => {
    const { ws, messages } = await open('/second');
    await eventually(() => expect(messages.length).toBe(1));
    const done = closed(ws);
    ws.close(1000, 'client done');
    await done;
    await eventually(() => expect(serverCloses).toContainEqual({ code: 1000, reason: 'client done' }));
  });

  it('counts the upgrade as a 101 response and its bytes in tcp metrics; plain HTTP still works after', async () => {
    const b2 = b.inboundAddr;
    await eventually(async () => {
      const text = await scrape(a.adminAddr);
      expect(text).toMatch(/response_total\{direction="outbound",authority="books\.demo:7000",[^}]*status_code="101",classification="success"[^}]*\} 2/);
      const written = new RegExp(`tcp_write_bytes_total\\{direction="outbound",target_addr="${b2}",[^}]*peer="dst"\\} (\\d+)`).exec(text);
      const read = new RegExp(`tcp_read_bytes_total\\{direction="outbound",target_addr="${b2}",[^}]*peer="dst"\\} (\\d+)`).exec(text);
      expect(Number(written?.[1])).toBeGreaterThan(200_000);
      expect(Number(read?.[1])).toBeGreaterThan(200_000);
      expect(await scrape(b.adminAddr)).toMatch(/response_total\{direction="inbound",[^}]*status_code="101"[^}]*\} 2/);
    });
    const plain = await request(a.outboundAddr, 'http://books.demo:7000/plain');
    expect(plain.body.toString()).toBe('plain http\n');
  });
});
