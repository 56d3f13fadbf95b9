// Test clients: an http_proxy-style agent (absolute-form requests to the outbound proxy) on node:http, and a raw
// socket exchange for bytes no well-behaved client would send.
import http from 'node:http';
import net from 'node:net';

export interface Reply {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
  /** Local port of the client socket: equal across requests when the connection was reused. */
  readonly localPort: number;
}

export interface RequestOptions {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: Buffer | string | AsyncIterable<Buffer>;
  readonly agent?: http.Agent;
  /** Send the request line in absolute-form (as `http_proxy=` clients do). */
  readonly absolute?: boolean;
}

/** `url` is the logical URL (http://books.demo:7000/x); the request goes to `proxyAddr`. */
export function request(proxyAddr: string, url: string, options: RequestOptions = {}): Promise<Reply> {
  const u = new URL(url);
  const [host, port] = proxyAddr.split(':') as [string, string];
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host,
        port: Number(port),
        method: options.method ?? 'GET',
        path: options.absolute === false ? `${u.pathname}${u.search}` : url,
        headers: { host: u.host, ...options.headers },
        agent: options.agent ?? false,
        setHost: false,
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts), localPort: req.socket?.localPort ?? 0 }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    const body = options.body;
    if (body === undefined) req.end();
    else if (typeof body === 'string' || Buffer.isBuffer(body)) req.end(body);
    else
      void (async () => {
        for await (const chunk of body) if (!req.write(chunk)) await new Promise((r) => req.once('drain', r));
        req.end();
      })().catch(reject);
  });
}

export interface RawReply {
  /** Everything the proxy sent before closing (or before `timeoutMs`). */
  readonly text: string;
  /** Whether the proxy closed the connection. */
  readonly closed: boolean;
}

/** Writes raw bytes and collects the answer until the proxy closes the connection (or `timeoutMs`). */
export function rawExchange(addr: string, bytes: string | Buffer, timeoutMs = 3000): Promise<RawReply> {
  const [host, port] = addr.split(':') as [string, string];
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port: Number(port) });
    const parts: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ text: Buffer.concat(parts).toString('latin1'), closed: false });
    }, timeoutMs);
    socket.on('data', (d: Buffer) => parts.push(d));
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ text: Buffer.concat(parts).toString('latin1'), closed: true });
    });
    socket.write(bytes);
  });
}

export async function json<T>(reply: Reply): Promise<T> {
  return JSON.parse(reply.body.toString('utf8')) as T;
}

export async function scrape(adminAddr: string): Promise<string> {
  const res = await fetch(`http://${adminAddr}/metrics`);
  return res.text();
}
