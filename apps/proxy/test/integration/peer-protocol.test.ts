// Connection reuse between proxies, one test body per `--peer-protocol`: HTTP/1 requests from an app through
// proxy A → proxy B → app arrive intact whether A carries them on pooled HTTP/1.1 sockets or multiplexes them on
// one HTTP/2 connection (marked signalbox-orig-proto, restored to HTTP/1.1 by B, invisible to the app). These
// proxies are plaintext; mtls.test.ts has `auto` between proxies with identities.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { freeAddr } from '@signalbox/launch';
import { json, rawExchange, request, scrape } from '../support/client.js';
import type { Echo } from '../support/echo-server.js';
import { endpoint } from '../support/fake-control-plane.js';
import { startMesh, startProxyPair, type Mesh } from '../support/mesh.js';
import { serveTcp } from '../support/tcp-servers.js';

const books = 'http://books.demo:7000';

// `auto` (the default) between plaintext proxies is http1.
describe.each(['http1', 'http2', 'auto'] as const)('--peer-protocol=%s', (peerProtocol) => {
  let mesh: Mesh;

  beforeAll(async () => {
    mesh = await startMesh({ peerProtocol });
    mesh.cp.endpoints('books.demo:7000', [endpoint(mesh.b.inboundAddr, 'books-1')]);
  });
  afterAll(() => mesh.close());

  it('carries many concurrent requests with bodies intact; the mesh header never reaches the app', async () => {
    const replies = await Promise.all(
      Array.from({ length: 40 }, (_, i) => {
        const body = `payload-${i}-`.repeat(i * 50 + 1);
        const chunked = i % 2 === 0;
        async function* pieces() {
          yield Buffer.from(body.slice(0, 7));
          yield Buffer.from(body.slice(7));
        }
        return request(mesh.a.outboundAddr, `${books}/c/${i}?q=${i}`, {
          method: 'POST',
          headers: { 'x-custom': `v${i}`, 'signalbox-orig-proto': 'HTTP/1.1', 'content-type': 'text/plain' },
          body: chunked ? pieces() : body,
        }).then((reply) => ({ reply, body, chunked }));
      }),
    );
    for (const [i, { reply, body, chunked }] of replies.entries()) {
      expect(reply.status).toBe(200);
      expect(reply.headers['x-served-by']).toBe('books-1');
      const echo = await json<Echo>(reply);
      expect(echo).toMatchObject({ method: 'POST', url: `/c/${i}?q=${i}`, bodyLength: Buffer.byteLength(body) });
      expect(echo.bodySha).toBe(createHash('sha256').update(body).digest('hex'));
      expect(echo.headers['x-custom']).toBe(`v${i}`);
      expect(echo.headers.host).toBe('books.demo:7000');
      expect(echo.headers['signalbox-orig-proto']).toBeUndefined();
      if (chunked) expect(echo.headers['transfer-encoding']).toBe('chunked');
      else expect(echo.headers['content-length']).toBe(String(Buffer.byteLength(body)));
    }
  });

  it('streams a chunked response and answers HEAD and 204 without a body', async () => {
    const streamed = await request(mesh.a.outboundAddr, `${books}/stream?n=300000`);
    expect(streamed.body.length).toBe(300000);
    expect(streamed.headers['transfer-encoding']).toBe('chunked');
    const head = await request(mesh.a.outboundAddr, `${books}/h`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    const none = await request(mesh.a.outboundAddr, `${books}/status?code=204`);
    expect(none.status).toBe(204);
  });

  it('times each request on the outbound: its latency to the response head, under the peer as endpoint and on its route', async () => {
    // The outbound's series for books, summed over their label sets (one per endpoint, per status).
    const total = (text: string, name: string, selector: string) =>
      text
        .split('\n')
        .filter((l) => l.startsWith(`${name}{`) && l.includes(selector) && l.includes('status_code="200"'))
        .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
    const counts = async () => {
      const text = await scrape(mesh.a.adminAddr);
      return {
        endpoint: total(text, 'response_latency_ms_count', 'direction="outbound",authority="books.demo:7000"'),
        route: total(text, 'route_response_latency_ms_count', 'dst="books.demo:7000"'),
        attempts: total(text, 'route_actual_response_latency_ms_count', 'dst="books.demo:7000"'),
      };
    };
    const before = await counts();
    for (let i = 0; i < 3; i++) expect((await request(mesh.a.outboundAddr, `${books}/timed/${i}`)).status).toBe(200);
    expect(await counts()).toEqual({ endpoint: before.endpoint + 3, route: before.route + 3, attempts: before.attempts + 3 });
  });

  it('reuses peer connections (one h2 connection when multiplexing)', async () => {
    const text = await scrape(mesh.a.adminAddr);
    const b = mesh.b.inboundAddr;
    const opened = new RegExp(`tcp_open_total\\{direction="outbound",target_addr="${b.replace(/\./g, '\\.')}"[^}]*peer="dst"\\} (\\d+)`).exec(text);
    expect(Number(opened?.[1])).toBeGreaterThanOrEqual(1);
    // 40 concurrent requests and more on a single connection: only multiplexing does that; a pool opens several.
    if (peerProtocol === 'http2') expect(Number(opened?.[1])).toBe(1);
    else expect(Number(opened?.[1])).toBeGreaterThan(1);
    const inbound = await scrape(mesh.b.adminAddr);
    expect(inbound).toMatch(/response_total\{direction="inbound",[^}]*status_code="200",classification="success",grpc_status="",error=""\} [1-9]/);
  });

  it('answers an HTTP/1.0 client with a body it can read to the end', async () => {
    const raw = await rawExchange(mesh.a.outboundAddr, 'GET http://books.demo:7000/stream?n=5000 HTTP/1.0\r\n\r\n');
    expect(raw.text.startsWith('HTTP/1.1 200 ')).toBe(true);
    const body = raw.text.slice(raw.text.indexOf('\r\n\r\n') + 4);
    expect(body.length).toBe(5000);
    expect(raw.closed).toBe(true);
  });

  it('passes Expect: 100-continue through, the body follows the interim response', async () => {
    const [host, port] = mesh.a.outboundAddr.split(':') as [string, string];
    const reply = await new Promise<{ continued: boolean; echo: Echo }>((resolve, reject) => {
      let continued = false;
      const req = http.request(
        { host, port: Number(port), method: 'PUT', path: `${books}/expect`, agent: false, headers: { expect: '100-continue', 'content-length': 5 } },
        (res) => {
          const parts: Buffer[] = [];
          res.on('data', (c: Buffer) => parts.push(c));
          res.on('end', () => resolve({ continued, echo: JSON.parse(Buffer.concat(parts).toString()) as Echo }));
        },
      );
      req.on('continue', () => {
        continued = true;
        req.end('hello');
      });
      req.on('error', reject);
    });
    expect(reply.continued).toBe(true);
    expect(reply.echo.body).toBe('hello');
  });

  it('keeps an upgrade request on HTTP/1 (never multiplexed)', async () => {
    const reply = await request(mesh.a.outboundAddr, `${books}/ws`, { headers: { connection: 'upgrade', upgrade: 'websocket' } });
    const echo = await json<Echo>(reply);
    // HTTP/2 cannot carry Upgrade: arriving with it means the request travelled as HTTP/1.1 end to end.
    expect(echo.headers.upgrade).toBe('websocket');
  });
});

/**
 * An app that answers the first request on each connection (keep-alive) and closes the connection, sending
 * nothing, when a second one arrives on it: every reuse of a pooled connection meets the keep-alive race.
 */
async function startOneAnswerApp(listen: string) {
  const paths: string[] = [];
  const server = await serveTcp(listen, (s) => {
    let answered = false;
    let buf = '';
    s.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      for (let end = buf.indexOf('\r\n\r\n'); end >= 0; end = buf.indexOf('\r\n\r\n')) {
        paths.push(buf.split(' ')[1] ?? '');
        buf = buf.slice(end + 4);
        if (answered) return void s.destroy();
        answered = true;
        s.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok');
      }
    });
  });
  return Object.assign(server, { paths });
}

describe.each(['http1', 'http2'] as const)('the keep-alive race behind --peer-protocol=%s', (peerProtocol) => {
  it('sends a request again on a fresh connection when the app closed the pooled one with nothing back', async () => {
    const app = await startOneAnswerApp(await freeAddr());
    const pair = await startProxyPair(app.addr, { peerProtocol });
    try {
      pair.cp.endpoints('race.demo:7000', [endpoint(pair.b.inboundAddr, 'race-1', 'race')]);
      for (const path of ['/1', '/2']) {
        const reply = await request(pair.a.outboundAddr, `http://race.demo:7000${path}`);
        expect(reply.status).toBe(200);
        expect(reply.body.toString()).toBe('ok');
      }
      // /2 went first on the connection /1 had used, which the app closed, then on a fresh one.
      expect(app.paths).toEqual(['/1', '/2', '/2']);
      expect(app.connections()).toBe(2);
    } finally {
      await pair.close(app);
    }
  });
});

describe.each(['http1', 'http2'] as const)('a meshed peer that refuses connections, --peer-protocol=%s', (peerProtocol) => {
  it('answers 502 with the proxy error, counted under the peer as endpoint', async () => {
    const pair = await startProxyPair(await freeAddr(), { peerProtocol });
    try {
      pair.cp.endpoints('gone.demo:7000', [endpoint(await freeAddr(), 'gone-1', 'gone')]); // nothing listens there
      const reply = await request(pair.a.outboundAddr, 'http://gone.demo:7000/x');
      expect(reply.status).toBe(502);
      expect(reply.headers['signalbox-proxy-error']).toBe('connect-refused');
      const counted = (await scrape(pair.a.adminAddr))
        .split('\n')
        .filter((l) => l.startsWith('response_total{') && ['authority="gone.demo:7000"', 'status_code="502"', 'error="connect-refused"'].every((w) => l.includes(w)));
      expect(counted.map((l) => Number(l.split(' ').at(-1)))).toEqual([1]);
    } finally {
      await pair.close();
    }
  });
});
