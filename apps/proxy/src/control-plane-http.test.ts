import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { freeAddr } from '@signalbox/launch';
import { afterEach, describe, expect, it } from 'vitest';
import { controlPlaneRequest, failureCause, readText } from './control-plane-http.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

async function serve(handler: http.RequestListener): Promise<URL> {
  const server = http.createServer(handler);
  cleanups.push(() => {
    server.close();
    server.closeAllConnections();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
}

/** A raw TCP server that runs `answer` on each connection once the request's first bytes arrive. */
async function rawServer(answer: (socket: net.Socket) => Promise<void>): Promise<URL> {
  const server = net.createServer((socket) => {
    socket.on('error', () => {});
    socket.once('data', () => void answer(socket));
  });
  const sockets = new Set<net.Socket>();
  server.on('connection', (s) => sockets.add(s));
  cleanups.push(() => {
    server.close();
    for (const s of sockets) s.destroy();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
}

/** A server that answers every connection with `reply` (written in the given pieces, `gapMs` apart), then `after`. */
function raw(reply: string[], after: 'close' | 'hold' = 'close', gapMs = 20): Promise<URL> {
  return rawServer(async (socket) => {
    for (const piece of reply) {
      socket.write(piece, 'latin1');
      await new Promise((r) => setTimeout(r, gapMs));
    }
    if (after === 'close') socket.end();
  });
}

describe('controlPlaneRequest', () => {
  it('decodes a chunked body as it streams, pieces split anywhere', async () => {
    const url = await raw(['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel', 'lo\r\n7;ext=1\r\n, world\r', '\n0\r\nx-trailer: 1\r\n\r\n'], 'hold');
    const res = await controlPlaneRequest(url);
    const pieces: string[] = [];
    for await (const chunk of res) pieces.push(chunk.toString());
    expect(pieces.join('')).toBe('hello, world');
    expect(pieces.length).toBeGreaterThan(1);
  });

  it('reads exactly a Content-Length body, and one ended by the close', async () => {
    const sized = await raw(['HTTP/1.1 201 Created\r\nContent-Length: 5\r\n\r\nabc', 'de'], 'hold');
    const res = await controlPlaneRequest(sized);
    expect(res.statusCode).toBe(201);
    expect(await readText(res)).toBe('abcde');
    const untilClose = await raw(['HTTP/1.1 200 OK\r\n\r\nstreamed ', 'until close']);
    expect(await readText(await controlPlaneRequest(untilClose))).toBe('streamed until close');
  });

  it('holds a body the caller does not read in socket buffers, not in memory, and loses none of it', async () => {
    // 64 MiB of chunked body, written as fast as the connection takes it; the caller reads nothing for 1 s.
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const chunks = 1024;
    let written = 0;
    const url = await rawServer(async (socket) => {
      socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n');
      for (let i = 0; i < chunks && !socket.destroyed; i++) {
        written += chunk.length;
        if (!socket.write(`${chunk.length.toString(16)}\r\n${chunk.toString('latin1')}\r\n`, 'latin1')) await new Promise((r) => socket.once('drain', r));
      }
      socket.end('0\r\n\r\n');
    });
    const res = (await controlPlaneRequest(url)) as Awaited<ReturnType<typeof controlPlaneRequest>> & { readableLength: number };
    await new Promise((r) => setTimeout(r, 1000));
    // What the two sockets' kernel buffers hold (a few MiB on loopback) plus the stream's small high-water mark.
    expect(written).toBeLessThan(16 * 1024 * 1024);
    expect(res.readableLength).toBeLessThan(256 * 1024);
    let received = 0;
    for await (const piece of res) {
      received += piece.length;
      if (!piece.equals(chunk.subarray(0, piece.length))) throw new Error('a byte of the body changed');
    }
    expect(received).toBe(chunk.length * chunks);
  }, 30_000);

  it('skips an interim 1xx answer', async () => {
    const url = await raw(['HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok']);
    expect(await readText(await controlPlaneRequest(url))).toBe('ok');
  });

  it('fails the body when the connection closes before it is complete', async () => {
    const sized = await raw(['HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc']);
    await expect(readText(await controlPlaneRequest(sized))).rejects.toThrow(/closed the connection mid-body/);
    const chunked = await raw(['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab']);
    await expect(readText(await controlPlaneRequest(chunked))).rejects.toThrow(/mid-body/);
  });

  it('rejects a malformed answer: a bad head, bad chunk framing, none at all', async () => {
    await expect(controlPlaneRequest(await raw(['HTTP/1.1 200 OK\nContent-Length: 0\n\n']))).rejects.toThrow(/malformed response head/);
    const badChunk = await controlPlaneRequest(await raw(['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'], 'hold'));
    await expect(readText(badChunk)).rejects.toThrow(/control plane at 127\.0\.0\.1:\d+: /);
    await expect(controlPlaneRequest(await raw([]))).rejects.toThrow(/closed the connection before answering/);
  });

  it('ends the body when its signal aborts mid-stream, with the reason', async () => {
    const url = await raw(['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\none\r\n'], 'hold');
    const abort = new AbortController();
    const res = await controlPlaneRequest(url, { signal: abort.signal });
    const read = readText(res).catch((e: unknown) => e);
    abort.abort(new Error('stopped'));
    const err = (await read) as Error & { code?: string; cause?: Error };
    expect(err.code).toBe('ABORT_ERR');
    expect(err.cause?.message).toBe('stopped');
  });

  it('POSTs the body with a content-length and reads the answer', async () => {
    const url = await serve((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => res.end(`${req.method} ${req.headers['content-length']} ${req.headers['transfer-encoding'] ?? '-'} ${body}`));
    });
    const res = await controlPlaneRequest(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":"é"}' });
    expect(res.statusCode).toBe(200);
    expect(await readText(res)).toBe('POST 10 - {"a":"é"}');
  });

  it('names a refused connection by its code', async () => {
    const err = await controlPlaneRequest(new URL(`http://${await freeAddr()}/`)).catch((e: unknown) => e);
    expect(failureCause(err)).toBe('ECONNREFUSED');
  });

  it('names an AbortSignal.timeout by its reason', async () => {
    const url = await serve(() => {}); // never answers
    const err = await controlPlaneRequest(url, { signal: AbortSignal.timeout(50) }).catch((e: unknown) => e);
    expect(failureCause(err)).toBe('TimeoutError');
  });

  it('fails a response body silent for longer than the idle timeout', async () => {
    const url = await serve((_req, res) => res.writeHead(200).flushHeaders()); // head, then nothing
    const res = await controlPlaneRequest(url, { idleTimeoutMs: 50 });
    await expect(readText(res)).rejects.toThrow();
  });
});
