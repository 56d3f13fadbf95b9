// An h2c application (node:http2) behind the inbound proxy: echoes what it received as JSON, with special paths
// for streamed bodies, trailers, resets and slow answers. Counts sessions and the streams its clients cancelled.
import { createHash } from 'node:crypto';
import http2, { constants } from 'node:http2';
import type net from 'node:net';

export interface H2Echo {
  readonly server: string;
  readonly method: string;
  readonly path: string;
  readonly authority: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly trailers: Record<string, string | string[] | undefined>;
  readonly body: string;
  readonly bodyLength: number;
  readonly bodySha: string;
}

export interface H2Server {
  readonly addr: string;
  /** HTTP/2 sessions (connections) accepted so far. */
  sessions(): number;
  /** Streams received so far. */
  streams(): number;
  /** Streams the client reset before the response completed. */
  cancelled(): number;
  close(): Promise<void>;
}

export async function startH2Server(listen: string, name = 'h2-app'): Promise<H2Server> {
  let sessions = 0;
  let cancelled = 0;
  let streams = 0;
  const sockets = new Set<net.Socket>();
  const server = http2.createServer();
  server.on('session', () => sessions++);
  server.on('stream', (stream, headers) => {
    streams++;
    stream.on('error', () => {});
    stream.once('close', () => {
      if (stream.rstCode !== constants.NGHTTP2_NO_ERROR) cancelled++;
    });
    const url = new URL(headers[':path'] ?? '/', 'http://x');
    if (url.pathname === '/slow') return; // never answers: the client's cancel must reach us
    if (url.pathname === '/reset') return stream.close(Number(url.searchParams.get('code') ?? constants.NGHTTP2_INTERNAL_ERROR));
    if (url.pathname === '/stream') {
      const n = Number(url.searchParams.get('n') ?? 1000);
      stream.respond({ ':status': 200, 'content-type': 'application/octet-stream' });
      const piece = Buffer.alloc(64 * 1024, 'abcdefghij');
      let left = n;
      const write = () => {
        while (left > 0) {
          const chunk = piece.subarray(0, Math.min(left, piece.length));
          left -= chunk.length;
          if (!stream.write(chunk)) return void stream.once('drain', write);
        }
        stream.end();
      };
      return write();
    }
    const hash = createHash('sha256');
    const parts: Buffer[] = [];
    let length = 0;
    let trailers: Record<string, string | string[] | undefined> = {};
    stream.on('trailers', (t) => (trailers = { ...t }));
    stream.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      length += chunk.length;
      if (length <= 64 * 1024) parts.push(chunk);
    });
    stream.on('end', () => {
      if (stream.destroyed) return;
      const echo: H2Echo = {
        server: name,
        method: String(headers[':method']),
        path: String(headers[':path']),
        authority: String(headers[':authority']),
        headers: { ...headers },
        trailers,
        body: length <= 64 * 1024 ? Buffer.concat(parts).toString('utf8') : '',
        bodyLength: length,
        bodySha: hash.digest('hex'),
      };
      const status = Number(url.searchParams.get('status') ?? 200);
      const withTrailers = url.searchParams.has('trailers');
      stream.respond({ ':status': status, 'content-type': 'application/json', 'x-served-by': name }, { waitForTrailers: withTrailers });
      if (withTrailers) stream.once('wantTrailers', () => stream.sendTrailers({ 'x-checksum': echo.bodySha, 'x-app-trailer': 'done' }));
      stream.end(JSON.stringify(echo));
    });
  });
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const [host, port] = listen.split(':') as [string, string];
  await new Promise<void>((r) => server.listen(Number(port), host, () => r()));
  return {
    addr: listen,
    sessions: () => sessions,
    streams: () => streams,
    cancelled: () => cancelled,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

export interface H2Reply {
  readonly status: number;
  readonly headers: http2.IncomingHttpHeaders;
  readonly trailers: http2.IncomingHttpHeaders | undefined;
  readonly body: Buffer;
}

/** One request on an h2c session; rejects on a stream reset (the error carries the RST code). */
export function h2Request(
  session: http2.ClientHttp2Session,
  headers: http2.OutgoingHttpHeaders,
  body?: Buffer | string,
  trailers?: http2.OutgoingHttpHeaders,
): Promise<H2Reply> {
  return new Promise((resolve, reject) => {
    const req = session.request(headers, { endStream: body === undefined && !trailers, waitForTrailers: trailers !== undefined });
    if (trailers) req.once('wantTrailers', () => req.sendTrailers(trailers));
    let head: http2.IncomingHttpHeaders = {};
    let tail: http2.IncomingHttpHeaders | undefined;
    const parts: Buffer[] = [];
    req.on('response', (h) => (head = h));
    req.on('trailers', (t) => (tail = t));
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve({ status: Number(head[':status']), headers: head, trailers: tail, body: Buffer.concat(parts) }));
    req.on('error', () => {}); // the reset code is what tests look at, on 'close'
    req.on('close', () => {
      if (req.rstCode) reject(Object.assign(new Error(`stream reset ${req.rstCode}`), { rstCode: req.rstCode }));
      else reject(new Error('stream closed before the response ended'));
    });
    if (body !== undefined || trailers) req.end(body);
  });
}
