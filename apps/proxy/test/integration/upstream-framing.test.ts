// Responses from an upstream that does not follow RFC 9112 to the letter, through an inbound hop, with raw sockets on
// both sides (a Node app cannot send such bytes): what the client gets must frame the same body unambiguously.
import net from 'node:net';
import { freeAddr } from '@signalbox/launch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningProxy } from '../../src/app/proxy.js';
import { endpoint } from '../support/fake-control-plane.js';
import { startInProcessProxy, startProxyPair } from '../support/mesh.js';
import { rawConnect } from '../support/tcp-servers.js';
import { scrape } from '../support/client.js';

/** Stands in for gzip bytes: the proxy must pass them on undecoded either way. */
const gzipBody = '\x1f\x8b\x08coded';
/** Canned responses by request path. */
const responses: Record<string, string> = {
  '/gzip': `HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n${gzipBody}`,
  // Chunked framing broken in the first read, which came with the head: nothing has reached the client yet.
  '/bad-first-chunk': 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n',
  // What a HEAD request gets: the GET response's fields, no body.
  '/head': 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n',
  '/both': 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n',
  '/both-unchunked': 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: gzip\r\n\r\nabc',
  // Small enough to come in one read, so its exchange ends as soon as it is written to the client.
  '/48k': `HTTP/1.1 200 OK\r\nContent-Length: ${48 * 1024}\r\n\r\n${'x'.repeat(48 * 1024)}`,
  '/small': 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello',
  // More than the body in one write: the extra bytes are not a response to anything.
  '/extra': 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcEXTRA',
  // An HTTP/1.0 server: its head is rewritten for the HTTP/1.1 client, and it will not keep the connection.
  '/http10': 'HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nabc',
  '/no-content': 'HTTP/1.1 204 No Content\r\n\r\n',
  '/no-content-extra': 'HTTP/1.1 204 No Content\r\n\r\nEXTRA',
};
/** Responses whose body the app writes a moment after the head (the proxy reads them in two pieces). */
const late: Record<string, [string, string]> = {
  '/late-body': ['HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n', 'later'],
};

/** Which app connection served each request, in order, and which of them the proxy has closed. */
const served: { path: string; conn: number }[] = [];
const closedConns = new Set<number>();
let appConnections = 0;

let requestsSeen = 0;

let app: net.Server;
let proxy: RunningProxy;

let appAddr: string;

beforeAll(async () => {
  appAddr = await freeAddr();
  app = net.createServer((socket) => {
    const id = ++appConnections;
    socket.on('close', () => closedConns.add(id));
    let buf = '';
    socket.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      for (let end = buf.indexOf('\r\n\r\n'); end >= 0; end = buf.indexOf('\r\n\r\n')) {
        const path = buf.slice(0, end).split(' ')[1] ?? '';
        buf = buf.slice(end + 4);
        requestsSeen++;
        served.push({ path, conn: id });
        const split = late[path];
        if (split) {
          socket.write(split[0], 'latin1');
          setTimeout(() => socket.write(split[1], 'latin1'), 30);
          continue;
        }
        socket.write(responses[path] ?? 'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n', 'latin1');
        // Transfer-Encoding without chunked: the body ends with the connection.
        if (path === '/both-unchunked' || path === '/gzip') socket.end();
      }
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((r) => app.listen(Number(appAddr.split(':')[1]), '127.0.0.1', () => r()));
  proxy = await startInProcessProxy({ app: appAddr, controlPlane: 'http://127.0.0.1:1' });
});
afterAll(async () => {
  await proxy.shutdown();
  await new Promise<void>((r) => app.close(() => r()));
});

/** One request on a fresh connection; what came back once the proxy closed it (or after it went quiet). */
async function exchange(path: string, version: '1.0' | '1.1', method = 'GET'): Promise<string> {
  const conn = await rawConnect(proxy.inboundAddr);
  conn.socket.write(`${method} ${path} HTTP/${version}\r\nHost: x\r\nConnection: close\r\n\r\n`);
  await conn.ended;
  conn.socket.destroy();
  return conn.received();
}

describe('a response with both Transfer-Encoding and Content-Length', () => {
  it('reaches an HTTP/1.1 client chunked, without the Content-Length (RFC 9112 §6.3)', async () => {
    const got = await exchange('/both', '1.1');
    expect(got).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(got).not.toMatch(/content-length/i);
    expect(got).toMatch(/\r\nTransfer-Encoding: chunked\r\n/);
    expect(got.endsWith('\r\n\r\n3\r\nabc\r\n0\r\n\r\n')).toBe(true);
  });

  it('reaches an HTTP/1.0 client de-chunked, close-delimited, without the Content-Length', async () => {
    const got = await exchange('/both', '1.0');
    expect(got).not.toMatch(/content-length|transfer-encoding/i);
    expect(got.endsWith('\r\n\r\nabc')).toBe(true);
  });

  it('with a coding other than chunked: close-delimited, without the Content-Length, the coding named', async () => {
    const got = await exchange('/both-unchunked', '1.1');
    expect(got).not.toMatch(/content-length/i);
    expect(got).toMatch(/\r\nTransfer-Encoding: gzip\r\n/);
    expect(got).toMatch(/\r\nconnection: close\r\n/);
    expect(got.endsWith('\r\n\r\nabc')).toBe(true);
  });
});

describe('a response coded other than chunked (close-delimited, RFC 9112 §6.3)', () => {
  it('reaches an HTTP/1.1 client with its Transfer-Encoding, so the client can decode it, then closes', async () => {
    const conn = await rawConnect(proxy.inboundAddr);
    conn.socket.write('GET /gzip HTTP/1.1\r\nHost: x\r\n\r\n'); // keep-alive asked: the proxy must still close
    await conn.ended;
    conn.socket.destroy();
    const got = conn.received();
    expect(got).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(got).toMatch(/\r\nTransfer-Encoding: gzip\r\n/);
    expect(got).toMatch(/\r\nconnection: close\r\n/);
    expect(got.endsWith(`\r\n\r\n${gzipBody}`)).toBe(true);
  });

  it('a HEAD response keeps the Transfer-Encoding the GET response would have (RFC 9110 §9.3.2), with no body', async () => {
    const got = await exchange('/head', '1.1', 'HEAD');
    expect(got).toMatch(/\r\nTransfer-Encoding: chunked\r\n/);
    expect(got.endsWith('\r\n\r\n')).toBe(true);
  });

  it('reaches an HTTP/1.0 client as the bytes that came, without a Transfer-Encoding it may not be sent', async () => {
    const got = await exchange('/gzip', '1.0');
    expect(got).not.toMatch(/transfer-encoding/i);
    expect(got.endsWith(`\r\n\r\n${gzipBody}`)).toBe(true);
  });
});

describe('a response whose chunked framing is broken', () => {
  it('in the bytes that came with its head: the client gets a 502 bad-response instead (nothing had left yet)', async () => {
    const got = await exchange('/bad-first-chunk', '1.1');
    expect(got).toMatch(/^HTTP\/1\.1 502 Bad Gateway\r\n/);
    expect(got).toContain('signalbox-proxy-error: bad-response');
    expect(got).not.toContain('abc');
    const text = await scrape(proxy.adminAddr);
    expect(text).toMatch(/response_total\{direction="inbound",[^}]*status_code="502",[^}]*error="bad-response"\} 1/);
  });
});

/**
 * Requests for `paths` pipelined on one keep-alive connection (the last asks to close): what came back, and the app
 * connection each was served on, with whether the proxy has closed it since (a moment later).
 */
async function pipelined(...paths: string[]): Promise<{ text: string; upstream: { conn: number; closed: boolean }[] }> {
  return pipelinedVia(proxy.inboundAddr, '', paths);
}

/** pipelined() to `addr`, each path prefixed by `origin` (absolute-form for an outbound listener). */
async function pipelinedVia(addr: string, origin: string, paths: string[]): Promise<{ text: string; upstream: { conn: number; closed: boolean }[] }> {
  const from = served.length;
  const conn = await rawConnect(addr);
  conn.socket.write(paths.map((p, i) => `GET ${origin}${p} HTTP/1.1\r\nHost: x\r\n${i === paths.length - 1 ? 'Connection: close\r\n' : ''}\r\n`).join(''));
  await conn.ended;
  conn.socket.destroy();
  await new Promise((r) => setTimeout(r, 50));
  const upstream = served.slice(from).map((s) => ({ conn: s.conn, closed: closedConns.has(s.conn) }));
  expect(served.slice(from).map((s) => s.path)).toEqual(paths);
  return { text: conn.received(), upstream };
}

describe('a response that comes whole in one read', () => {
  it('leaves as the bytes that came, and its upstream connection is used again', async () => {
    const { text, upstream } = await pipelined('/small', '/small', '/no-content');
    const small = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello';
    expect(text.startsWith(`${small}${small}HTTP/1.1 204 No Content\r\n`)).toBe(true);
    expect(text.endsWith('\r\n\r\n')).toBe(true);
    const first = upstream[0]?.conn;
    expect(upstream).toEqual([0, 1, 2].map(() => ({ conn: first, closed: false })));
  });

  it('with bytes after its body: only the body reaches the client, and that connection is not used again', async () => {
    const { text, upstream } = await pipelined('/extra', '/small');
    expect(text).not.toContain('EXTRA');
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\nContent-Length: 3\r\n\r\nabcHTTP\/1\.1 200 OK\r\n/);
    expect(text.endsWith('hello')).toBe(true);
    expect(upstream[0]?.closed).toBe(true);
    expect(upstream[1]?.conn).not.toBe(upstream[0]?.conn);
    expect(upstream[1]?.closed).toBe(false);
  });

  it('with no body but bytes after its head: the head alone reaches the client, that connection is not used again', async () => {
    const { text, upstream } = await pipelined('/no-content-extra', '/small');
    expect(text).not.toContain('EXTRA');
    expect(text.startsWith('HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 200 OK\r\n')).toBe(true);
    expect(upstream[0]?.closed).toBe(true);
    expect(upstream[1]?.conn).not.toBe(upstream[0]?.conn);
  });

  it('from an HTTP/1.0 server: its head rewritten for the HTTP/1.1 client, its connection not kept', async () => {
    const { text, upstream } = await pipelined('/http10', '/http10');
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\nContent-Length: 3\r\n\r\nabcHTTP\/1\.1 200 OK\r\nContent-Length: 3\r\n[^]*\r\n\r\nabc$/);
    expect(upstream.map((u) => u.closed)).toEqual([true, true]);
    expect(upstream[0]?.conn).not.toBe(upstream[1]?.conn);
  });

  it('and one whose body comes in a later read: the same bytes, the connection used again', async () => {
    const { text, upstream } = await pipelined('/late-body', '/small');
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\nContent-Length: 5\r\n\r\nlaterHTTP\/1\.1 200 OK\r\n[^]*\r\n\r\nhello$/);
    expect(upstream).toEqual([0, 1].map(() => ({ conn: upstream[0]?.conn, closed: false })));
  });
});

describe('through a pair that multiplexes HTTP/1 on HTTP/2 (--peer-protocol=http2), the app speaking HTTP/1.1 to B', () => {
  it('a response with bytes after its body: only the body comes back, and that app connection is not used again', async () => {
    const pair = await startProxyPair(appAddr, { peerProtocol: 'http2' });
    try {
      pair.cp.endpoints('raw.demo:80', [endpoint(pair.b.inboundAddr, 'raw-1')]);
      const { text, upstream } = await pipelinedVia(pair.a.outboundAddr, 'http://raw.demo', ['/extra', '/no-content-extra', '/small']);
      expect(text).not.toContain('EXTRA');
      expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\nabcHTTP\/1\.1 204 No Content\r\n(?:[^]*?\r\n)?\r\nHTTP\/1\.1 200 OK\r\n[^]*\r\n\r\nhello$/);
      expect(upstream.map((u) => u.closed)).toEqual([true, true, false]);
      expect(new Set(upstream.map((u) => u.conn)).size).toBe(3);
    } finally {
      await pair.close();
    }
  });
});

describe('a client that pipelines requests and does not read the responses', () => {
  it('gets no more of them forwarded once its socket stops draining, and every response once it reads', async () => {
    // 1000 × 48 KiB is far beyond what the kernel takes in for a client that does not read (the sender's buffer grows
    // to tcp_wmem's 4 MiB here; the receiver's stays at tcp_rmem's default 128 KiB without reads).
    const n = 1000;
    const [host, port] = proxy.inboundAddr.split(':') as [string, string];
    const client = net.connect({ host, port: Number(port) });
    client.pause(); // reads nothing: the kernel's buffers fill, then the proxy's socket stops draining
    await new Promise<void>((r) => client.once('connect', () => r()));
    const before = requestsSeen;
    client.write('GET /48k HTTP/1.1\r\nHost: x\r\n\r\n'.repeat(n));
    // Forwarded requests stop growing while nobody reads (checked over a quiet half second).
    let seen = -1;
    while (seen !== requestsSeen) {
      seen = requestsSeen;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(seen - before).toBeGreaterThan(0);
    expect(seen - before).toBeLessThan(n / 2);
    let text = '';
    client.on('data', (d: Buffer) => (text += d.toString('latin1')));
    client.resume();
    const count = () => text.split('HTTP/1.1 200 OK').length - 1;
    for (let i = 0; i < 200 && count() < n; i++) await new Promise((r) => setTimeout(r, 50));
    expect(count()).toBe(n);
    expect(requestsSeen - before).toBe(n);
    client.destroy();
  });
});
