// The application behind a proxy: answers with what it received (method, url, headers, body) as JSON, or
// streams/slow-answers on special paths.
import http from 'node:http';
import type net from 'node:net';

export interface EchoServer {
  readonly addr: string;
  readonly name: string;
  /** Client connections accepted so far (keep-alive reuse shows as few connections). */
  connections(): number;
  /** Client connections open now. */
  openConnections(): number;
  close(): Promise<void>;
}

export interface Echo {
  readonly server: string;
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
  readonly bodyLength: number;
  readonly bodySha: string;
}

export async function startEchoServer(listen: string, name = 'app'): Promise<EchoServer> {
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const { createHash } = await import('node:crypto');
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/slow') {
      await new Promise((r) => setTimeout(r, Number(url.searchParams.get('ms') ?? 500)));
      res.setHeader('x-served-by', name);
      res.end('slow done');
      return;
    }
    if (url.pathname === '/stream') {
      // A chunked response of `n` bytes written in pieces.
      const n = Number(url.searchParams.get('n') ?? 1000);
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const piece = Buffer.alloc(64 * 1024, 'abcdefghij');
      let left = n;
      const write = () => {
        while (left > 0) {
          const chunk = piece.subarray(0, Math.min(left, piece.length));
          left -= chunk.length;
          if (!res.write(chunk)) return res.once('drain', write);
        }
        res.end();
      };
      write();
      return;
    }
    if (url.pathname === '/status') {
      res.writeHead(Number(url.searchParams.get('code') ?? 200));
      res.end();
      return;
    }
    const hash = createHash('sha256');
    const parts: Buffer[] = [];
    let length = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      hash.update(chunk);
      length += chunk.length;
      if (length <= 64 * 1024) parts.push(chunk);
    }
    const echo: Echo = {
      server: name,
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body: length <= 64 * 1024 ? Buffer.concat(parts).toString('utf8') : '',
      bodyLength: length,
      bodySha: hash.digest('hex'),
    };
    res.setHeader('content-type', 'application/json');
    res.setHeader('x-served-by', name);
    res.end(JSON.stringify(echo));
  });
  server.keepAliveTimeout = 5000;
  server.on('connection', (s) => {
    connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const [host, port] = listen.split(':') as [string, string];
  await new Promise<void>((r) => server.listen(Number(port), host, () => r()));
  return {
    addr: listen,
    name,
    connections: () => connections,
    openConnections: () => sockets.size,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
