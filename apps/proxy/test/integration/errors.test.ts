// Failure answers: dead upstreams are 502 with a coded cause; malformed requests are 400 and the connection is
// closed, and the proxy keeps serving new connections.
import http2 from 'node:http2';
import { freeAddr } from '@signalbox/launch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningProxy } from '../../src/app/proxy.js';
import { rawExchange, request, scrape } from '../support/client.js';
import { startEchoServer, type EchoServer } from '../support/echo-server.js';
import { endpoint, startFakeControlPlane, type FakeControlPlane } from '../support/fake-control-plane.js';
import { h2Request } from '../support/h2-server.js';
import { h2Engines, startInProcessProxy } from '../support/mesh.js';

let cp: FakeControlPlane;
let app: EchoServer;
let proxy: RunningProxy;
let deadAddr: string;

beforeAll(async () => {
  cp = await startFakeControlPlane(await freeAddr());
  app = await startEchoServer(await freeAddr());
  deadAddr = await freeAddr(); // nothing listens here
  proxy = await startInProcessProxy({ app: app.addr, controlPlane: cp.url });
  cp.endpoints('dead.demo:80', [endpoint(deadAddr, 'dead-1', 'dead')]);
});
afterAll(async () => {
  await proxy.shutdown();
  await app.close();
  await cp.close();
});

describe('upstream failures', () => {
  it('answers 502 connect-refused for a dead endpoint', async () => {
    const reply = await request(proxy.outboundAddr, 'http://dead.demo/');
    expect(reply.status).toBe(502);
    expect(reply.headers['signalbox-proxy-error']).toBe('connect-refused');
    const text = await scrape(proxy.adminAddr);
    expect(text).toContain(`error="connect-refused"`);
    expect(text).toMatch(new RegExp(`request_total\\{[^}]*target_addr="${deadAddr}"[^}]*dst_service="dead"[^}]*\\} 1`));
  });

  it('answers 502 on the inbound side when the app is down', async () => {
    const p = await startInProcessProxy({ app: deadAddr, controlPlane: cp.url });
    try {
      const reply = await request(p.inboundAddr, 'http://books.demo:7000/', { absolute: false });
      expect(reply.status).toBe(502);
      expect(reply.headers['signalbox-proxy-error']).toBe('connect-refused');
    } finally {
      await p.shutdown();
    }
  });

  it.each(h2Engines)('answers 502 on the inbound side when the app is down, to an h2c client too (--h2-engine=%s)', async (h2Engine) => {
    const p = await startInProcessProxy({ app: deadAddr, controlPlane: cp.url, h2Engine });
    const session = http2.connect(`http://${p.inboundAddr}`);
    try {
      const reply = await h2Request(session, { ':method': 'GET', ':path': '/', ':authority': 'books.demo:7000' });
      expect(reply.status).toBe(502);
      expect(reply.headers['signalbox-proxy-error']).toBe('connect-refused');
      expect(await scrape(p.adminAddr)).toMatch(/^response_total\{direction="inbound",[^}]*status_code="502"[^}]*error="connect-refused"\} 1$/m);
    } finally {
      session.close();
      await p.shutdown();
    }
  });

  it('forwards an IP-literal authority directly, without discovery', async () => {
    const reply = await request(proxy.outboundAddr, `http://${app.addr}/direct`);
    expect(reply.status).toBe(200);
    expect(cp.subscriptions(app.addr)).toBe(0);
  });
});

const get = 'GET / HTTP/1.1\r\nHost: x\r\n\r\n';
const malformed: [string, string][] = [
  ['malformed request line', 'GET / HTTP/1.1 extra\r\nHost: x\r\n\r\n'],
  ['bad request-target', 'GET foo HTTP/1.1\r\nHost: x\r\n\r\n'],
  ['Content-Length with Transfer-Encoding', 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'],
  ['bare LF', 'GET / HTTP/1.1\nHost: x\n\n'],
  ['bad chunk size', 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n'],
  ['space before colon', 'GET / HTTP/1.1\r\nHost : x\r\n\r\n'],
  ['obs-fold', 'GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n  b\r\n\r\n'],
  ['conflicting Content-Length', 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabc'],
  // RFC 9112 §3.2: two Hosts, or a malformed one, would let the next hop route by a Host we did not.
  ['HTTP/1.1 without Host', 'GET / HTTP/1.1\r\nX-A: a\r\n\r\n'],
  ['HTTP/1.1 absolute-form without Host', 'GET http://x/ HTTP/1.1\r\nX-A: a\r\n\r\n'],
  ['two Host fields', 'GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n'],
  ['two Host fields in HTTP/1.0', 'GET / HTTP/1.0\r\nHost: x\r\nHost: x\r\n\r\n'],
  ['a Host that is no authority', 'GET / HTTP/1.1\r\nHost: x y\r\n\r\n'],
];

describe('malformed requests', () => {
  it.each(malformed)('%s → 400 and close, then a new connection works', async (_name, bytes) => {
    for (const addr of [proxy.inboundAddr, proxy.outboundAddr]) {
      const reply = await rawExchange(addr, bytes);
      expect(reply.text).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
      expect(reply.text).toContain('connection: close');
      expect(reply.text).toContain('signalbox-proxy-error: bad-request');
      expect(reply.closed).toBe(true);
    }
    const ok = await rawExchange(proxy.inboundAddr, get.replace('\r\n\r\n', '\r\nConnection: close\r\n\r\n'));
    expect(ok.text).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
  });

  it('answers 431 for a header block over 64 KiB', async () => {
    const reply = await rawExchange(proxy.inboundAddr, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(70 * 1024)}\r\n\r\n`);
    expect(reply.text).toMatch(/^HTTP\/1\.1 431 /);
    expect(reply.closed).toBe(true);
  });

  it('answers CONNECT with 405 inbound, and with the failfast cause outbound for an unknown authority', async () => {
    const connect = 'CONNECT books.demo:443 HTTP/1.1\r\nHost: books.demo:443\r\nConnection: close\r\n\r\n';
    expect((await rawExchange(proxy.inboundAddr, connect)).text).toMatch(/^HTTP\/1\.1 405 /);
    const outbound = await rawExchange(proxy.outboundAddr, connect);
    expect(outbound.text).toMatch(/^HTTP\/1\.1 503 /);
    expect(outbound.text).toContain('signalbox-proxy-error: unknown-authority');
  });

  it('serves pipelined requests in order', async () => {
    const two = `GET /one HTTP/1.1\r\nHost: x\r\n\r\nGET /two HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`;
    const reply = await rawExchange(proxy.inboundAddr, two);
    const urls = [...reply.text.matchAll(/"url":"([^"]+)"/g)].map((m) => m[1]);
    expect(urls).toEqual(['/one', '/two']);
    expect(reply.closed).toBe(true);
  });

  it('keeps an HTTP/1.0 client working (no chunked, close-delimited)', async () => {
    const reply = await rawExchange(proxy.inboundAddr, 'GET /stream?n=5000 HTTP/1.0\r\nHost: x\r\n\r\n');
    const [head, body] = reply.text.split('\r\n\r\n') as [string, string];
    expect(head).not.toMatch(/transfer-encoding/i);
    expect(body.length).toBe(5000);
    expect(reply.closed).toBe(true);
  });
});
