// Requests through proxy A's outbound → proxy B's inbound → app: bodies, headers and framing arrive intact.
import http from 'node:http';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, json, type Reply } from '../support/client.js';
import type { Echo } from '../support/echo-server.js';
import { endpoint } from '../support/fake-control-plane.js';
import { startMesh, type Mesh } from '../support/mesh.js';

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
