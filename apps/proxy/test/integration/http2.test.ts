// h2c through proxy A's outbound → proxy B's inbound → an h2c app (node:http2): curl with prior knowledge and a
// node:http2 client; many streams on one connection, trailers both ways, resets both ways, bad frames, rapid reset.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import http2, { constants } from 'node:http2';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { eventually, freeAddr } from '@signalbox/launch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningProxy } from '../../src/app/proxy.js';
import { scrape } from '../support/client.js';
import { endpoint, type FakeControlPlane } from '../support/fake-control-plane.js';
import { h2Request, startH2Server, type H2Echo, type H2Server } from '../support/h2-server.js';
import { h2Engines, startProxyPair, type ProxyPair } from '../support/mesh.js';

const run = promisify(execFile);
const web = 'web.demo:7002';

// Both HTTP/2 engines (--h2-engine) carry the same traffic, on both proxies.
describe.each(h2Engines)('--h2-engine=%s', (h2Engine) => {
  let pair: ProxyPair;
  let cp: FakeControlPlane;
  let app: H2Server;
  let a: RunningProxy;
  let b: RunningProxy;
  let client: http2.ClientHttp2Session;

  beforeAll(async () => {
    app = await startH2Server(await freeAddr(), 'web-1');
    pair = await startProxyPair(app.addr, { h2Engine });
    ({ cp, a, b } = pair);
    cp.endpoints(web, [endpoint(b.inboundAddr, 'web-1', 'web')]);
    client = http2.connect(`http://${a.outboundAddr}`);
    client.on('error', () => {});
  });
  afterAll(async () => {
    client.destroy();
    await pair.close(app);
  });

  const get = (path: string, extra: http2.OutgoingHttpHeaders = {}) => ({ ':method': 'GET', ':path': path, ':authority': web, ...extra });

  async function curl(args: readonly string[]): Promise<{ body: string; version: string; status: number }> {
    const [host, port] = a.outboundAddr.split(':') as [string, string];
    const { stdout } = await run('curl', [
      '-sS',
      '--http2-prior-knowledge',
      '--connect-to',
      `web.demo:7002:${host}:${port}`,
      '-w',
      '\n%{http_version} %{http_code}',
      ...args,
    ]);
    const i = stdout.lastIndexOf('\n');
    const [version, status] = stdout.slice(i + 1).split(' ') as [string, string];
    return { body: stdout.slice(0, i), version, status: Number(status) };
  }

  describe('curl --http2-prior-knowledge → outbound → inbound → h2c app', () => {
    it('GET with headers intact', async () => {
      const r = await curl(['-H', 'x-custom: kept', 'http://web.demo:7002/x?y=1']);
      expect(r.version).toBe('2');
      expect(r.status).toBe(200);
      const echo = JSON.parse(r.body) as H2Echo;
      expect(echo).toMatchObject({ server: 'web-1', method: 'GET', path: '/x?y=1', authority: web });
      expect(echo.headers['x-custom']).toBe('kept');
    });

    it('h2c inside a CONNECT tunnel (how grpc_proxy-style clients reach the mesh)', async () => {
      const { stdout } = await run('curl', [
        '-sS',
        '--http2-prior-knowledge',
        '--proxytunnel',
        '--proxy',
        `http://${a.outboundAddr}`,
        '-w',
        '\n%{http_version} %{http_code}',
        'http://web.demo:7002/tunnelled',
      ]);
      const i = stdout.lastIndexOf('\n');
      expect(stdout.slice(i + 1)).toBe('2 200');
      expect(JSON.parse(stdout.slice(0, i)) as H2Echo).toMatchObject({ server: 'web-1', path: '/tunnelled', authority: web });
    });

    it('POST with a 1 MiB body intact', async () => {
      const big = Buffer.alloc(1024 * 1024);
      for (let i = 0; i < big.length; i++) big[i] = (i * 31 + 7) & 0xff;
      const file = join(mkdtempSync(join(tmpdir(), 'sb-h2-')), 'body.bin');
      writeFileSync(file, big);
      const r = await curl(['--data-binary', `@${file}`, 'http://web.demo:7002/upload']);
      const echo = JSON.parse(r.body) as H2Echo;
      expect(echo.method).toBe('POST');
      expect(echo.bodyLength).toBe(big.length);
      expect(echo.bodySha).toBe(createHash('sha256').update(big).digest('hex'));
    });
  });

  describe('node:http2 client → outbound → inbound → h2c app', () => {
    it('carries many concurrent streams on one connection', async () => {
      const replies = await Promise.all(
        Array.from({ length: 50 }, (_, i) => h2Request(client, { ...get(`/c${i}`), ':method': 'POST' }, `body-${i}`)),
      );
      replies.forEach((r, i) => {
        expect(r.status).toBe(200);
        expect(JSON.parse(r.body.toString()) as H2Echo).toMatchObject({ path: `/c${i}`, body: `body-${i}` });
      });
    });

    it('preserves request and response trailers', async () => {
      const r = await h2Request(client, { ...get('/t?trailers'), ':method': 'POST', te: 'trailers' }, 'payload', { 'x-req-trailer': 'sent' });
      const echo = JSON.parse(r.body.toString()) as H2Echo;
      expect(echo.trailers['x-req-trailer']).toBe('sent');
      expect(echo.headers.te).toBe('trailers');
      expect(r.trailers).toMatchObject({ 'x-app-trailer': 'done', 'x-checksum': echo.bodySha });
    });

    it('streams a large response body with flow control', async () => {
      const r = await h2Request(client, get(`/stream?n=${3 * 1024 * 1024}`));
      expect(r.body.length).toBe(3 * 1024 * 1024);
    });

    it('propagates an upstream reset to the client', async () => {
      await expect(h2Request(client, get(`/reset?code=${constants.NGHTTP2_REFUSED_STREAM}`))).rejects.toMatchObject({
        rstCode: constants.NGHTTP2_REFUSED_STREAM,
      });
      await expect(h2Request(client, get(`/reset?code=${constants.NGHTTP2_PROTOCOL_ERROR}`))).rejects.toMatchObject({
        rstCode: constants.NGHTTP2_INTERNAL_ERROR,
      });
    });

    it('cancels the upstream stream when the client cancels', async () => {
      const before = app.cancelled();
      const seen = app.streams();
      const req = client.request(get('/slow'));
      req.on('error', () => {});
      await eventually(() => expect(app.streams()).toBe(seen + 1));
      req.close(constants.NGHTTP2_CANCEL);
      await eventually(() => expect(app.cancelled()).toBe(before + 1));
    });

    it.each([
      ['half-closes (FIN)', (s: net.Socket) => s.end()],
      ['closes', (s: net.Socket) => s.destroy()],
    ])('cancels the upstream stream when the client connection %s mid-stream', async (_how, close) => {
      // HTTP/2 has no half-close: a connection whose peer sent FIN is gone, and its streams with it.
      const before = app.cancelled();
      const seen = app.streams();
      const socket = net.connect(Number(a.outboundAddr.split(':')[1]), '127.0.0.1');
      const own = http2.connect(`http://${a.outboundAddr}`, { createConnection: () => socket });
      own.on('error', () => {});
      const req = own.request(get('/slow'));
      req.on('error', () => {});
      await eventually(() => expect(app.streams()).toBe(seen + 1));
      close(socket);
      await eventually(() => expect(app.cancelled()).toBe(before + 1));
      own.destroy();
    });

    it('answers failfast with a 503 and signalbox-proxy-error', async () => {
      const r = await h2Request(client, { ...get('/'), ':authority': 'nowhere.demo:80' });
      expect(r.status).toBe(503);
      expect(r.headers['signalbox-proxy-error']).toBe('unknown-authority');
    });

    it('counts streams in Linkerd metrics on both sides', async () => {
      const ok = `direction="outbound",authority="${web}"`;
      await eventually(async () => {
        const text = await scrape(a.adminAddr);
        expect(text).toMatch(new RegExp(`response_total\\{${ok}[^}]*status_code="200",classification="success",grpc_status="",error=""\\} [1-9]`));
        expect(text).toMatch(/response_total\{[^}]*authority="nowhere.demo:80"[^}]*status_code="503",classification="failure",grpc_status="",error="unknown-authority"\} 1/);
        expect(text).toMatch(new RegExp(`response_total\\{${ok}[^}]*classification="failure",grpc_status="",error="upstream-reset"\\} 2`));
        // One stream the client cancelled, two whose connection the client closed.
        expect(text).toMatch(new RegExp(`response_total\\{${ok}[^}]*error="client-gone"\\} 3`));
      });
      const inbound = await scrape(b.adminAddr);
      expect(inbound).toMatch(/request_total\{direction="inbound",[^}]*\} [1-9]/);
      expect(inbound).toMatch(/tcp_open_total\{direction="inbound",[^}]*peer="dst"\} 1/);
    });
  });

  describe('bad input', () => {
    it('answers a malformed frame with GOAWAY(PROTOCOL_ERROR) and keeps serving others', async () => {
      const preface = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
      const settings = Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]);
      // A DATA frame on stream 0 is a connection error of type PROTOCOL_ERROR (RFC 9113 §6.1).
      const badData = Buffer.from([0, 0, 1, 0, 0, 0, 0, 0, 0, 0x61]);
      const goaway = await firstFrame(a.outboundAddr, Buffer.concat([preface, settings, badData]), 7);
      expect(goaway.payload.readUInt32BE(4)).toBe(constants.NGHTTP2_PROTOCOL_ERROR);
      const r = await h2Request(client, get('/after-bad-frame'));
      expect(r.status).toBe(200);
    });

    it('cuts off a rapid-reset client with GOAWAY(ENHANCE_YOUR_CALM), cancels its upstream streams, serves others', async () => {
      const streams0 = app.streams();
      const cancelled0 = app.cancelled();
      const attacker = http2.connect(`http://${a.outboundAddr}`);
      attacker.on('error', () => {});
      const goaway = new Promise<number>((resolve) => attacker.once('goaway', (code: number) => resolve(code)));
      let closed = false;
      attacker.once('close', () => (closed = true));
      await new Promise<void>((r) => attacker.once('connect', () => r()));
      for (let batch = 0; batch < 50 && !closed; batch++) {
        for (let i = 0; i < 100 && !closed && !attacker.destroyed; i++) {
          try {
            const s = attacker.request(get('/slow'));
            s.on('error', () => {});
            s.close(constants.NGHTTP2_CANCEL);
          } catch {
            break;
          }
        }
        await new Promise((r) => setImmediate(r));
      }
      expect(await goaway).toBe(constants.NGHTTP2_ENHANCE_YOUR_CALM);
      // Every stream that reached the app was cancelled: nothing is left working for the attacker.
      await eventually(() => expect(app.cancelled() - cancelled0).toBe(app.streams() - streams0));
      const r = await h2Request(client, get('/after-rapid-reset'));
      expect(r.status).toBe(200);
      attacker.destroy();
    });
  });
});

interface Frame {
  readonly type: number;
  readonly flags: number;
  readonly stream: number;
  readonly payload: Buffer;
}

/** Sends raw bytes and parses the frames the proxy sends back until one of `type` arrives (or the connection closes). */
function firstFrame(addr: string, bytes: Buffer, type: number): Promise<Frame> {
  const [host, port] = addr.split(':') as [string, string];
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port: Number(port) });
    let buf = Buffer.alloc(0);
    socket.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      for (let i = 0; i + 9 <= buf.length; ) {
        const len = buf.readUIntBE(i, 3);
        if (i + 9 + len > buf.length) break;
        const frame = { type: buf[i + 3] as number, flags: buf[i + 4] as number, stream: buf.readUInt32BE(i + 5) & 0x7fffffff, payload: buf.subarray(i + 9, i + 9 + len) };
        if (frame.type === type) {
          socket.destroy();
          return resolve(frame);
        }
        i += 9 + len;
      }
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error(`closed before a frame of type ${type}`)));
    socket.write(bytes);
  });
}
