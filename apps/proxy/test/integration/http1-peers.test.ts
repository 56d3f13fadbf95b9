// HTTP/1.1 through outbound → inbound with curl as the client: plain proxying, CONNECT tunnels (--proxytunnel),
// Expect: 100-continue (relayed, and answered early without a deadlock), bodiless responses to a client that asks
// to close, an upstream dying mid-body, and the client deadlines (slowloris → 408, idle keep-alive close).
import http from 'node:http';
import type net from 'node:net';
import { eventually, freeAddr } from '@signalbox/launch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningProxy } from '../../src/app/proxy.js';
import { rawConnect } from '../support/tcp-servers.js';
import { scrape } from '../support/client.js';
import { curl } from '../support/curl.js';
import { endpoint, startFakeControlPlane, type FakeControlPlane } from '../support/fake-control-plane.js';
import { startInProcessProxy } from '../support/mesh.js';

let cp: FakeControlPlane;
let app: http.Server;
let appAddr: string;
let a: RunningProxy;
let b: RunningProxy;
const sockets = new Set<net.Socket>();
const books = 'http://books.demo:7000';

/** The app: echoes bodies, takes a 100-continue decision per path, and can die in the middle of a response. */
function handle(req: http.IncomingMessage, res: http.ServerResponse): void {
  const bodiless = /^\/bodiless\/(\d{3})$/.exec(req.url ?? '');
  if (bodiless) return void res.writeHead(Number(bodiless[1]), { 'content-length': 0 }).end();
  if (req.url === '/bodiless/chunked') return void res.writeHead(200, { 'transfer-encoding': 'chunked' }).end();
  if (req.url === '/die') {
    res.writeHead(200, { 'content-length': 100_000 });
    res.write(Buffer.alloc(1000, 'x'), () => req.socket.destroy());
    return;
  }
  let length = 0;
  req.on('data', (c: Buffer) => (length += c.length));
  req.on('end', () => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ url: req.url, host: req.headers.host, expect: req.headers.expect ?? null, length }));
  });
}

beforeAll(async () => {
  cp = await startFakeControlPlane(await freeAddr());
  appAddr = await freeAddr();
  app = http.createServer(handle);
  app.on('checkContinue', (req, res) => {
    // A final status without reading the body: the client must not wait for a 100 that never comes.
    if (req.url === '/reject') return void res.writeHead(413, { connection: 'close' }).end('too large\n');
    res.writeContinue();
    handle(req, res);
  });
  app.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => app.listen(Number(appAddr.split(':')[1]), '127.0.0.1', () => r()));
  b = await startInProcessProxy({ app: appAddr, controlPlane: cp.url });
  a = await startInProcessProxy({ app: await freeAddr(), controlPlane: cp.url, headerTimeout: 300, clientIdleTimeout: 500 });
  cp.endpoints('books.demo:7000', [endpoint(b.inboundAddr, 'books-1')]);
});
afterAll(async () => {
  await a.shutdown();
  await b.shutdown();
  for (const s of sockets) s.destroy();
  await new Promise<void>((r) => app.close(() => r()));
  await cp.close();
});

const proxy = () => ['--proxy', `http://${a.outboundAddr}`];

describe('curl through the outbound proxy', () => {
  it('proxies a plain request (-x)', async () => {
    const r = await curl([...proxy(), `${books}/plain?x=1`]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ url: '/plain?x=1', host: 'books.demo:7000' });
  });

  it('tunnels with CONNECT (--proxytunnel): HTTP inside the tunnel is proxied as HTTP and counted', async () => {
    const r = await curl(['--proxytunnel', ...proxy(), '-v', `${books}/tunnelled`]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/CONNECT books\.demo:7000 HTTP\/1\.1/);
    expect(r.stderr).toMatch(/HTTP\/1\.1 200 Connection established/);
    expect(JSON.parse(r.stdout)).toMatchObject({ url: '/tunnelled', host: 'books.demo:7000' });
    await eventually(async () =>
      expect(await scrape(a.adminAddr)).toMatch(
        /response_total\{direction="outbound",authority="books\.demo:7000",[^}]*status_code="200",classification="success"[^}]*\} [2-9]/,
      ),
    );
  });

  it('relays 100 Continue for Expect: 100-continue and delivers the body', async () => {
    const body = 'b'.repeat(20_000);
    // curl waits up to an hour for the 100: only a relayed 100 lets it send the body within --max-time.
    const r = await curl([...proxy(), '-v', '--expect100-timeout', '3600', '-H', 'Expect: 100-continue', '--data-binary', body, `${books}/upload`]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/< HTTP\/1\.1 100 Continue/);
    expect(JSON.parse(r.stdout)).toMatchObject({ url: '/upload', expect: '100-continue', length: body.length });
  });

  it('passes on a final status sent instead of 100 Continue, without a deadlock', async () => {
    const r = await curl([
      ...proxy(),
      '--expect100-timeout', '3600',
      '-H', 'Expect: 100-continue',
      '--data-binary', 'c'.repeat(20_000),
      '-w', '%{http_code}',
      '-o', '/dev/null',
      `${books}/reject`,
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('413');
    const after = await curl([...proxy(), `${books}/after-reject`]);
    expect(JSON.parse(after.stdout)).toMatchObject({ url: '/after-reject' });
  });

  // A response with no body bytes to carry its head used to end the exchange before the head was written: with
  // `connection: close` the client got an empty reply.
  it.each([
    ['HEAD', '/plain', 200],
    ['GET', '/bodiless/204', 204],
    ['GET', '/bodiless/304', 304],
    ['GET', '/bodiless/200', 200],
  ])('answers %s %s (no body) to a client that asks to close, on either hop', async (method, path, status) => {
    const close = ['-H', 'Connection: close', '-o', '/dev/null', '-w', '%{http_code}', ...(method === 'HEAD' ? ['-I'] : [])];
    const viaOutbound = await curl([...close, ...proxy(), `${books}${path}`]);
    const toInbound = await curl([...close, `http://${b.inboundAddr}${path}`]);
    expect([viaOutbound.code, viaOutbound.stdout]).toEqual([0, String(status)]);
    expect([toInbound.code, toInbound.stdout]).toEqual([0, String(status)]);
  });

  it('gives the app a Host when an HTTP/1.0 client sent none (the app gets HTTP/1.1, which requires one)', async () => {
    const r = await curl(['--http1.0', '-sS', '-H', 'Host:', `http://${b.inboundAddr}/no-host`]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ url: '/no-host', host: appAddr });
  });

  it('answers an HTTP/1.0 client an empty chunked body (de-chunked to nothing, then close), on either hop', async () => {
    const opts = ['--http1.0', '-sS', '-D', '-'];
    for (const r of [await curl([...opts, ...proxy(), `${books}/bodiless/chunked`]), await curl([...opts, `http://${b.inboundAddr}/bodiless/chunked`])]) {
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^HTTP\/1\.1 200 /);
      expect(r.stdout).toMatch(/\r\nconnection: close\r\n/i);
      expect(r.stdout.endsWith('\r\n\r\n')).toBe(true); // the head, and no body
    }
  });

  it('truncates the response when the upstream dies mid-body, counts error=, and keeps serving', async () => {
    const r = await curl([...proxy(), '-o', '/dev/null', `${books}/die`]);
    // 18: partial file (fewer bytes than Content-Length); 56: failure receiving (reset).
    expect([18, 56]).toContain(r.code);
    await eventually(async () => {
      expect(await scrape(a.adminAddr)).toMatch(
        /response_total\{direction="outbound",authority="books\.demo:7000",[^}]*status_code="200",classification="failure",grpc_status="",error="upstream-reset"\} 1/,
      );
      expect(await scrape(b.adminAddr)).toMatch(
        /response_total\{direction="inbound",[^}]*status_code="200",classification="failure",grpc_status="",error="upstream-reset"\} 1/,
      );
    });
    const ok = await curl([...proxy(), `${books}/still-serving`]);
    expect(JSON.parse(ok.stdout)).toMatchObject({ url: '/still-serving' });
  });
});

describe('client deadlines', () => {
  it('answers 408 and closes when a request head trickles in too slowly (slowloris)', async () => {
    const conn = await rawConnect(a.outboundAddr);
    conn.socket.write('GET /slow HTTP/1.1\r\nHost: books.demo:7000\r\n');
    // Keep sending header bytes: activity alone must not extend the head's deadline.
    const drip = setInterval(() => conn.socket.writable && conn.socket.write('X-Drip: 1\r\n'), 50);
    try {
      await conn.ended;
    } finally {
      clearInterval(drip);
    }
    expect(conn.received()).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(conn.received()).toContain('signalbox-proxy-error: header-timeout');
    conn.socket.destroy();
  });

  it('closes an idle keep-alive connection after the idle timeout', async () => {
    const conn = await rawConnect(a.outboundAddr);
    conn.socket.write('GET /idle HTTP/1.1\r\nHost: books.demo:7000\r\n\r\n');
    await eventually(() => expect(conn.received()).toContain('"url":"/idle"'));
    await conn.ended; // nothing more is sent: only the idle timeout ends the connection
    expect(conn.received()).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    conn.socket.destroy();
  });
});
