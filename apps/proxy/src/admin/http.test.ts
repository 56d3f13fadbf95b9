// The admin port's HTTP/1.1 against raw sockets: what it answers, in what order, and when it closes.
import { once } from 'node:events';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { listenAdminHttp } from '../../test/support/admin-http.js';
import type { AdminRoutes } from './http.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

const serve = (routes: Partial<AdminRoutes>, options?: { headTimeoutMs?: number }) =>
  listenAdminHttp({ respond: (req) => ({ status: 200, body: `${req.method} ${req.url}\n` }), upgrade: () => false, ...routes }, cleanups, options);

/** Sends `bytes`, then collects everything the server writes until it closes (or `untilMs` passes). */
async function exchange(port: number, bytes: string | Buffer, untilMs = 2000): Promise<{ text: string; closed: boolean }> {
  const socket = net.connect(port, '127.0.0.1');
  cleanups.push(() => socket.destroy());
  socket.on('error', () => {});
  await once(socket, 'connect');
  socket.write(bytes);
  let text = '';
  socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
  const closed = await Promise.race([once(socket, 'close').then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), untilMs))]);
  return { text, closed };
}

const responses = (text: string) => text.split(/(?=HTTP\/1\.1 )/).filter(Boolean);

describe('admin HTTP/1.1', () => {
  it('answers pipelined requests on one connection in order, the slow one first', async () => {
    const { port } = await serve({
      respond: (req) =>
        req.url === '/slow'
          ? new Promise((r) => setTimeout(() => r({ status: 200, body: 'slow\n' }), 50))
          : { status: 200, body: 'fast\n', contentType: 'application/json' },
    });
    const { text, closed } = await exchange(port, 'GET /slow HTTP/1.1\r\nHost: a\r\n\r\nGET /fast HTTP/1.1\r\nHost: a\r\n\r\n', 300);
    expect(closed).toBe(false);
    const [first, second] = responses(text);
    expect(first).toMatch(/^HTTP\/1\.1 200 OK\r\ncontent-type: text\/plain; charset=utf-8\r\ncontent-length: 5\r\ndate: \w{3}, .* GMT\r\n\r\nslow\n$/);
    expect(second).toMatch(/content-type: application\/json\r\n[\s\S]*\r\n\r\nfast\n$/);
  });

  it('gives HEAD the length without the body', async () => {
    const { port } = await serve({});
    const { text } = await exchange(port, 'HEAD /metrics HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*content-length: 14\r\n[\s\S]*connection: close\r\n\r\n$/);
  });

  it('closes after the answer when asked to, or for HTTP/1.0 unless it asked to keep alive', async () => {
    const { port } = await serve({});
    const close = await exchange(port, 'GET /a HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\n\r\n');
    expect(close.closed).toBe(true);
    expect(responses(close.text)).toHaveLength(1);
    expect((await exchange(port, 'GET /a HTTP/1.0\r\n\r\n')).closed).toBe(true);
    const kept = await exchange(port, 'GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n', 300);
    expect(kept.closed).toBe(false);
    expect(kept.text).toContain('connection: keep-alive\r\n');
  });

  it('answers a request with a body (no admin endpoint takes one) and closes', async () => {
    const { port } = await serve({});
    const { text, closed } = await exchange(port, 'POST /shutdown HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello');
    expect(closed).toBe(true);
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*connection: close\r\n\r\nPOST \/shutdown\n$/);
  });

  it('refuses malformed, smuggling-shaped and oversized heads, and keeps serving others', async () => {
    const { port } = await serve({});
    expect((await exchange(port, 'GET /a HTTP/1.1\nHost: a\n\n')).text).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n[\s\S]*connection: close/);
    const smuggle = await exchange(port, 'POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n');
    expect(smuggle.text).toMatch(/^HTTP\/1\.1 400 /);
    const big = await exchange(port, `GET /a HTTP/1.1\r\nHost: a\r\nX-Big: ${'x'.repeat(20_000)}\r\n\r\n`);
    expect(big.text).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    expect(big.closed).toBe(true);
    expect((await exchange(port, 'GET /still HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n')).text).toContain('GET /still\n');
  });

  it('answers a rejected route 500 with its message', async () => {
    const { port } = await serve({ respond: () => Promise.reject(new Error('registry broke')) });
    const { text } = await exchange(port, 'GET /metrics HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
    expect(text).toMatch(/^HTTP\/1\.1 500 Internal Server Error\r\n[\s\S]*\r\n\r\nregistry broke\n$/);
  });

  it('takes the origin-form of an absolute request-target, and joins repeated fields', async () => {
    const seen: string[] = [];
    const { port } = await serve({ respond: (req) => (seen.push(`${req.url} ${req.headers['x-a']}`), { status: 204, body: '' }) });
    await exchange(port, 'GET http://admin:4191/ready?x=1 HTTP/1.1\r\nHost: admin\r\nX-A: 1\r\nx-a: 2\r\nConnection: close\r\n\r\n');
    expect(seen).toEqual(['/ready?x=1 1, 2']);
  });

  it('tells the route once its answer has been written', async () => {
    let answered = '';
    const { port } = await serve({ answered: (req, res) => (answered = `${req.url} ${res.status}`) });
    await exchange(port, 'POST /shutdown HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
    expect(answered).toBe('/shutdown 200');
  });

  it('hands an upgrade over with the bytes after its head, or refuses it 404', async () => {
    const { port } = await serve({
      upgrade: (req, socket, head) => {
        if (req.url !== '/tap') return false;
        socket.end(`HTTP/1.1 101 Switching Protocols\r\n\r\n${req.headers.upgrade} ${head.toString()}`);
        return true;
      },
    });
    const up = 'Upgrade: websocket\r\nConnection: Upgrade\r\n\r\n';
    expect((await exchange(port, `GET /tap HTTP/1.1\r\nHost: a\r\n${up}early bytes`)).text).toBe('HTTP/1.1 101 Switching Protocols\r\n\r\nwebsocket early bytes');
    expect((await exchange(port, `GET /other HTTP/1.1\r\nHost: a\r\n${up}`)).text).toMatch(/^HTTP\/1\.1 404 Not Found\r\n/);
  });

  it('closes a connection that takes too long over a head, or sits idle after an answer', async () => {
    const { port } = await serve({}, { headTimeoutMs: 100 });
    const slow = await exchange(port, 'GET /a HTTP/1.1\r\nHost: a\r\n', 1000);
    expect(slow).toEqual({ text: '', closed: true });
    const idle = await exchange(port, 'GET /a HTTP/1.1\r\nHost: a\r\n\r\n', 1000);
    expect(idle.closed).toBe(true);
    expect(responses(idle.text)).toHaveLength(1);
  });

  it('closes every connection it still serves on closeAll, not the ones it handed over', async () => {
    let taken: net.Socket | undefined;
    const { port, http } = await serve({ upgrade: (_req, socket) => ((taken = socket), true) });
    const connect = async (bytes: string) => {
      const s = net.connect(port, '127.0.0.1');
      cleanups.push(() => s.destroy());
      await once(s, 'connect');
      s.write(bytes);
      return s;
    };
    const kept = await connect('GET /a HTTP/1.1\r\nHost: a\r\n\r\n');
    await once(kept, 'data');
    await connect('GET /tap HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
    while (!taken) await new Promise((r) => setTimeout(r, 5));
    const closing = once(kept, 'close');
    http.closeAll();
    await closing;
    expect(taken.destroyed).toBe(false);
  });
});
