// Requests through proxy A's outbound → proxy B's inbound → app: bodies, headers and framing arrive intact.
import http from 'node:http';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, json, type Reply } from '../support/client.js';
import type { Echo } from '../support/echo-server.js';
import { endpoint } from '../support/fake-control-plane.js';
import { startMesh, type Mesh } from '../support/mesh.js';
import { random } from '../support/random.js';
import { rawConnect } from '../support/tcp-servers.js';

let mesh: Mesh;
const books = 'http://books.demo:7000';

beforeAll(async () => {
  mesh = await startMesh();
  mesh.cp.endpoints('books.demo:7000', [endpoint(mesh.b.inboundAddr, 'books-1')]);
});
afterAll(() => mesh.close());

describe('outbound → inbound → app', () => {
  it('forwards an absolute-form request with headers and body intact', async () => {
    const reply = await request(mesh.a.outboundAddr, `${books}/x?y=1`, {
      method: 'POST',
      headers: { 'x-custom': 'kept', 'proxy-authorization': 'Basic Zm9v', 'signalbox-client-id': 'forged', 'content-type': 'text/plain' },
      body: 'hello books',
    });
    expect(reply.status).toBe(200);
    const echo = await json<Echo>(reply);
    expect(echo).toMatchObject({ method: 'POST', url: '/x?y=1', body: 'hello books', server: 'books-1' });
    expect(echo.headers['x-custom']).toBe('kept');
    expect(echo.headers.host).toBe('books.demo:7000');
    expect(echo.headers['proxy-authorization']).toBeUndefined();
    expect(echo.headers['signalbox-client-id']).toBeUndefined();
    expect(reply.headers['x-served-by']).toBe('books-1');
  });

  it('routes origin-form requests by Host header', async () => {
    const reply = await request(mesh.a.outboundAddr, `${books}/by-host`, { absolute: false });
    expect(reply.status).toBe(200);
    expect((await json<Echo>(reply)).url).toBe('/by-host');
  });

  it('reuses keep-alive connections on both hops', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const before = mesh.app.connections();
    const replies: Reply[] = [];
    for (let i = 0; i < 10; i++) replies.push(await request(mesh.a.outboundAddr, `${books}/k${i}`, { agent }));
    agent.destroy();
    expect(replies.every((r) => r.status === 200)).toBe(true);
    expect(new Set(replies.map((r) => r.localPort)).size).toBe(1);
    expect(mesh.app.connections() - before).toBeLessThanOrEqual(1);
  });

  it('streams chunked request and response bodies', async () => {
    async function* pieces() {
      for (let i = 0; i < 5; i++) yield Buffer.from(`part${i};`);
    }
    const reply = await request(mesh.a.outboundAddr, `${books}/chunked`, { method: 'PUT', body: pieces() });
    const echo = await json<Echo>(reply);
    expect(echo.headers['transfer-encoding']).toBe('chunked');
    expect(echo.body).toBe('part0;part1;part2;part3;part4;');

    const streamed = await request(mesh.a.outboundAddr, `${books}/stream?n=300000`);
    expect(streamed.headers['transfer-encoding']).toBe('chunked');
    expect(streamed.body.length).toBe(300000);
  });

  it('carries a large streamed body (4 MiB) intact', async () => {
    const big = Buffer.alloc(4 * 1024 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7 + 13) & 0xff;
    async function* slices() {
      for (let i = 0; i < big.length; i += 100_000) yield big.subarray(i, i + 100_000);
    }
    const reply = await request(mesh.a.outboundAddr, `${books}/upload`, { method: 'POST', body: slices() });
    const echo = await json<Echo>(reply);
    expect(echo.bodyLength).toBe(big.length);
    expect(echo.bodySha).toBe(createHash('sha256').update(big).digest('hex'));

    const down = await request(mesh.a.outboundAddr, `${books}/stream?n=${5 * 1024 * 1024}`);
    expect(down.body.length).toBe(5 * 1024 * 1024);
  });

  it('answers pipelined requests in order, whatever the segments their bytes arrive in', async () => {
    // Heads and bodies cut at random points, across both hops' reads: partial heads, bodies split from their
    // heads, several requests in one read, and more pipelined bytes than a hop holds before it stops reading.
    for (const seed of [1, 2, 3]) {
      const next = random(seed);
      const letters = (n: number) => Buffer.from(Array.from({ length: n }, () => String.fromCharCode(97 + next(26))).join(''));
      const sent = Array.from({ length: 30 }, (_, i) => ({ path: `/p${seed}-${i}`, body: letters(next(4) === 0 ? 0 : next(20_000)) }));
      const wire = Buffer.concat(
        sent.map(({ path, body }, i) => {
          const close = i === sent.length - 1 ? 'connection: close\r\n' : '';
          if (next(2) === 0)
            return Buffer.concat([Buffer.from(`POST ${path} HTTP/1.1\r\nhost: books.demo:7000\r\n${close}content-length: ${body.length}\r\n\r\n`), body]);
          const chunks: Buffer[] = [Buffer.from(`PUT ${path} HTTP/1.1\r\nhost: books.demo:7000\r\n${close}transfer-encoding: chunked\r\n\r\n`)];
          for (let at = 0; at < body.length; ) {
            const piece = body.subarray(at, at + 1 + next(5000));
            chunks.push(Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n'));
            at += piece.length;
          }
          chunks.push(Buffer.from('0\r\n\r\n'));
          return Buffer.concat(chunks);
        }),
      );
      const conn = await rawConnect(mesh.a.outboundAddr);
      for (let at = 0; at < wire.length; ) {
        const n = 1 + next(next(3) === 0 ? 40 : 6000);
        conn.socket.write(wire.subarray(at, at + n));
        at += n;
        if (next(4) === 0) await new Promise((r) => setTimeout(r, 1));
      }
      await conn.ended;
      conn.socket.destroy();
      const replies = parseResponses(conn.received());
      expect(replies.map((r) => r.status)).toEqual(sent.map(() => 200));
      expect(replies.map((r) => JSON.parse(r.body) as Echo).map((e) => [e.url, e.bodyLength, e.bodySha])).toEqual(
        sent.map(({ path, body }) => [path, body.length, createHash('sha256').update(body).digest('hex')]),
      );
    }
  });

  it('answers HEAD and 204 without a body and keeps the connection usable', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const head = await request(mesh.a.outboundAddr, `${books}/h`, { method: 'HEAD', agent });
    const noContent = await request(mesh.a.outboundAddr, `${books}/status?code=204`, { agent });
    const after = await request(mesh.a.outboundAddr, `${books}/after`, { agent });
    agent.destroy();
    expect([head.status, noContent.status, after.status]).toEqual([200, 204, 200]);
    expect(head.body.length).toBe(0);
    expect((await json<Echo>(after)).url).toBe('/after');
  });
});

/** Consecutive Content-Length-framed responses (the echo app's), from one connection's bytes. */
function parseResponses(text: string): { status: number; body: string }[] {
  const out: { status: number; body: string }[] = [];
  for (let at = 0; at < text.length; ) {
    const headEnd = text.indexOf('\r\n\r\n', at);
    if (headEnd < 0) throw new Error(`an unfinished head at byte ${at}`);
    const head = text.slice(at, headEnd);
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    if (!length) throw new Error(`no content-length in ${JSON.stringify(head)}`);
    const bodyStart = headEnd + 4;
    out.push({ status: Number(head.slice(9, 12)), body: text.slice(bodyStart, bodyStart + Number(length[1])) });
    at = bodyStart + Number(length[1]);
  }
  return out;
}
