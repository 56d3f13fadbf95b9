// The tap relay: its pure rules (table tests) and one loopback round trip through a fake API, since the relay is
// the only path from a browser to tap.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { createTapProxy, relayedClose, sameOrigin, upstreamTapUrl } from './tap-proxy';

describe('upstreamTapUrl', () => {
  it.each([
    ['http://127.0.0.1:8085', 'ws://127.0.0.1:8085/v1/tap'],
    ['http://api:8085/', 'ws://api:8085/v1/tap'],
    ['https://cp.example/signalbox/', 'wss://cp.example/signalbox/v1/tap'],
  ])('%s → %s', (base, url) => expect(upstreamTapUrl(base)).toBe(url));
});

describe('sameOrigin', () => {
  it.each([
    [undefined, '127.0.0.1:3000', true],
    ['http://127.0.0.1:3000', '127.0.0.1:3000', true],
    ['http://LOCALHOST:3000', 'localhost:3000', true],
    ['http://127.0.0.1:3001', '127.0.0.1:3000', false],
    ['https://evil.example', '127.0.0.1:3000', false],
    ['null', '127.0.0.1:3000', false],
    ['http://127.0.0.1:3000', undefined, false],
  ])('origin %s, host %s → %s', (origin, host, ok) => expect(sameOrigin(origin, host)).toBe(ok));
});

describe('relayedClose', () => {
  it.each([
    [1000, 'bye', 1000, 'bye'],
    [1001, 'control plane shutting down', 1001, 'control plane shutting down'],
    [1008, 'SB_TAP_BAD_REQUEST: target: x', 1008, 'SB_TAP_BAD_REQUEST: target: x'],
    [1011, 'SB_TAP_INTERNAL: boom', 1011, 'SB_TAP_INTERNAL: boom'],
    [1005, '', 1000, ''],
    [1006, '', 1011, 'SB_TAP_API_LOST: the connection to the API ended abruptly'],
    [1015, '', 1011, 'SB_TAP_API_LOST: the API closed with 1015'],
  ])('%i %s → %i %s', (code, reason, relayed, text) => expect(relayedClose(code, reason)).toEqual([relayed, text]));
});

describe('createTapProxy', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  async function listen(server: http.Server): Promise<string> {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => server.close(() => resolve())));
    return `127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  /** A fake API: records the upgrade's Authorization and first message, answers with one event, then closes 1008. */
  async function fakeApi() {
    const seen: { authorization?: string; origin?: string; first?: unknown } = {};
    const server = http.createServer();
    const wss = new WebSocketServer({ server, path: '/v1/tap' });
    wss.on('connection', (ws, req) => {
      seen.authorization = req.headers.authorization;
      seen.origin = req.headers.origin;
      ws.once('message', (data) => {
        seen.first = JSON.parse(String(data));
        ws.send(JSON.stringify({ type: 'dropped', count: 3 }));
        ws.close(1008, 'SB_TAP_UNKNOWN_RESOURCE: deployment demo/ghost');
      });
    });
    closers.push(async () => wss.close());
    return { addr: await listen(server), seen };
  }

  async function dashboard(apiUrl: string, token?: string, upstreamPingIntervalMs?: number): Promise<string> {
    const proxy = createTapProxy({ apiUrl: () => apiUrl, token, ...(upstreamPingIntervalMs ? { upstreamPingIntervalMs } : {}) });
    const server = http.createServer();
    server.on('upgrade', (req, socket, head) => {
      if (!proxy.handleUpgrade(req, socket, head)) socket.destroy();
    });
    closers.push(async () => proxy.closeAll());
    return listen(server);
  }

  function run(url: string, headers: Record<string, string> = {}) {
    return new Promise<{ messages: string[]; code: number; reason: string }>((resolve, reject) => {
      const ws = new WebSocket(url, { headers });
      const messages: string[] = [];
      ws.on('open', () => ws.send(JSON.stringify({ v: 1, target: { namespace: 'demo', kind: 'deployment', name: 'ghost' } })));
      ws.on('message', (m) => messages.push(String(m)));
      ws.on('close', (code, reason) => resolve({ messages, code, reason: String(reason) }));
      ws.on('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
  }

  it('relays the request, the messages and the close code, presenting the token upstream but not the origin', async () => {
    const api = await fakeApi();
    const web = await dashboard(`http://${api.addr}`, 's3cret');
    const result = await run(`ws://${web}/api/tap`, { origin: `http://${web}` });
    expect(api.seen.authorization).toBe('Bearer s3cret');
    expect(api.seen.origin).toBeUndefined();
    expect(api.seen.first).toMatchObject({ target: { name: 'ghost' } });
    expect(result).toEqual({
      messages: ['{"type":"dropped","count":3}'],
      code: 1008,
      reason: 'SB_TAP_UNKNOWN_RESOURCE: deployment demo/ghost',
    });
  });

  it('says the API is unreachable with 1011', async () => {
    const closed = http.createServer();
    const addr = await listen(closed);
    await closers.pop()!();
    const web = await dashboard(`http://${addr}`);
    const result = await run(`ws://${web}/api/tap`);
    expect(result.code).toBe(1011);
    expect(result.reason).toBe('SB_TAP_API_UNREACHABLE: ECONNREFUSED');
  });

  it('says the API refused the relay (no or wrong token) with 1008', async () => {
    const server = http.createServer((_req, res) => res.writeHead(401).end());
    server.on('upgrade', (_req, socket) => socket.end('HTTP/1.1 401 Unauthorized\r\ncontent-length: 0\r\n\r\n'));
    const web = await dashboard(`http://${await listen(server)}`);
    const result = await run(`ws://${web}/api/tap`);
    expect(result).toMatchObject({ code: 1008, reason: 'SB_TAP_API_REFUSED: the API answered HTTP 401' });
  });

  it('closes the browser with 1011 when the API keeps its socket open but stops answering pings', async () => {
    // A frozen API: the socket stays open, the request is read, but no pong ever comes back.
    const server = http.createServer();
    const wss = new WebSocketServer({ server, path: '/v1/tap', autoPong: false });
    let pinged = 0;
    wss.on('connection', (ws) => ws.on('ping', () => (pinged += 1)));
    closers.push(async () => {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    });
    const web = await dashboard(`http://${await listen(server)}`, undefined, 50);
    const result = await run(`ws://${web}/api/tap`);
    expect(pinged).toBeGreaterThanOrEqual(1);
    expect(result).toEqual({ messages: [], code: 1011, reason: 'SB_TAP_API_STALLED: the API stopped answering (no pong within 50 ms)' });
  });

  it('refuses pages from another origin with 403', async () => {
    const web = await dashboard('http://127.0.0.1:9');
    await expect(run(`ws://${web}/api/tap`, { origin: 'https://evil.example' })).rejects.toThrow('HTTP 403');
  });
});
