// HTTP/1.1 requests to the control plane (destination streams, certify), one per connection, on the proxy's own
// head parser and framing (http/), the response body decoded (chunked) as it streams. Not fetch: the first fetch
// loads undici, ~2 MB of heap and ~2 MB of the node binary's pages in every proxy that resolves a destination or has
// an identity. Not node:http either, which nothing else in the proxy loads any more (admin/http.ts says why).
// node:tls only for an https:// URL, trusting what the system does (main.ts's --use-openssl-ca).
import net from 'node:net';
import { Readable } from 'node:stream';
import { isIpLiteral } from './http/authority.js';
import { ChunkedTracker } from './http/chunked.js';
import { responseFraming } from './http/framing.js';
import { parseResponseHead } from './http/parse-head.js';

export interface ControlPlaneRequest {
  readonly method?: 'GET' | 'POST';
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly signal?: AbortSignal;
  /**
   * A request (or response body) with no data for this long fails (ms). fetch's default (undici's headers and body
   * timeouts), so a silent destination stream still ends and reconnects as it did.
   */
  readonly idleTimeoutMs?: number;
}

/** The response: its status, and its body as a stream of bytes (de-chunked), ending when the body does. */
export interface ControlPlaneResponse extends AsyncIterable<Buffer> {
  readonly statusCode: number;
}

const defaultIdleTimeoutMs = 300_000;
/** Control-plane answers have small heads; anything larger is not one. */
const maxHeadBytes = 16 * 1024;

/** Resolves with the response head; its body is the returned stream. Rejects with the connect or request error. */
export function controlPlaneRequest(url: URL, options: ControlPlaneRequest = {}): Promise<ControlPlaneResponse> {
  const method = options.method ?? 'GET';
  const idleMs = options.idleTimeoutMs ?? defaultIdleTimeoutMs;
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const https = url.protocol === 'https:';
  const port = Number(url.port) || (https ? 443 : 80);
  return new Promise((resolve, reject) => {
    const socket = https
      ? // Not imported: apps/proxy/bundle.mjs says why. SNI only for a name (RFC 6066 §3).
        process.getBuiltinModule('node:tls').connect({ host, port, ALPNProtocols: ['http/1.1'], ...(isIpLiteral(host) ? {} : { servername: host }) })
      : net.connect({ host, port });
    let body: (Readable & { statusCode: number }) | undefined;
    const fail = (err: Error) => {
      socket.destroy();
      if (body) body.destroy(err);
      else reject(err);
    };
    const { signal } = options;
    const onAbort = () => fail(abortError(signal?.reason));
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('close', () => signal?.removeEventListener('abort', onAbort));
    socket.setNoDelay(true);
    socket.setTimeout(idleMs, () => fail(new Error(`no data from ${url.host} for ${idleMs / 1000} s`)));
    socket.on('error', fail);

    let head = `${method} ${url.pathname}${url.search} HTTP/1.1\r\nhost: ${url.host}\r\nconnection: close\r\n`;
    for (const [name, value] of Object.entries(options.headers ?? {})) head += `${name}: ${value}\r\n`;
    // A length, as fetch sends, rather than chunked framing.
    if (options.body !== undefined) head += `content-length: ${Buffer.byteLength(options.body)}\r\n`;
    socket.write(`${head}\r\n${options.body ?? ''}`);

    let buffered: Buffer | undefined;
    let deliver: ((bytes: Buffer) => void) | undefined;
    let closeDelimited = false;
    const readHead = (chunk: Buffer) => {
      buffered = buffered ? Buffer.concat([buffered, chunk]) : chunk;
      for (;;) {
        const parsed = parseResponseHead(buffered, maxHeadBytes);
        if (parsed.kind === 'incomplete') return;
        if (parsed.kind === 'error') return fail(new Error(`control plane at ${url.host} sent a malformed response head (${parsed.reason})`));
        const rest = buffered.subarray(parsed.size);
        // An interim answer (1xx): the final one follows.
        if (parsed.head.status < 200) {
          buffered = rest;
          continue;
        }
        buffered = undefined;
        const framing = responseFraming(method, parsed.head);
        if (framing.kind === 'error') return fail(new Error(`control plane at ${url.host}: ${framing.reason}`));
        const stream = Object.assign(new Readable({ read: () => void socket.resume() }), { statusCode: parsed.head.status });
        // An error before the caller reads reaches it when it does (async iteration), not as an unhandled event.
        stream.on('error', () => {});
        body = stream;
        deliver = bodyReader(framing, stream, socket, fail, url.host);
        closeDelimited = framing.kind === 'close';
        resolve(stream);
        if (framing.kind === 'none') deliver = finish(stream, socket);
        else if (rest.length > 0) deliver(rest);
        return;
      }
    };
    socket.on('data', (chunk: Buffer) => (deliver ? deliver(chunk) : readHead(chunk)));
    socket.once('end', () => {
      if (!body) fail(new Error(`control plane at ${url.host} closed the connection before answering`));
      else if (closeDelimited) finish(body, socket);
      else if (!complete.has(body)) fail(new Error(`control plane at ${url.host} closed the connection mid-body`));
    });
  });
}

type BodyFraming = { readonly kind: 'length'; readonly length: number } | { readonly kind: 'chunked' } | { readonly kind: 'close' } | { readonly kind: 'none' };

/** What takes the body's bytes off the socket for its framing: into `stream` (paused while it is full) until the end. */
function bodyReader(framing: BodyFraming, stream: Readable, socket: net.Socket, fail: (err: Error) => void, host: string): (bytes: Buffer) => void {
  const push = (bytes: Buffer) => {
    if (bytes.length > 0 && !stream.push(bytes)) socket.pause();
  };
  switch (framing.kind) {
    case 'length': {
      let left = framing.length;
      return (bytes) => {
        const take = Math.min(left, bytes.length);
        push(take === bytes.length ? bytes : bytes.subarray(0, take));
        left -= take;
        if (left === 0) finish(stream, socket);
      };
    }
    case 'chunked': {
      const tracker = new ChunkedTracker();
      return (bytes) => {
        if (tracker.done) return;
        if (tracker.feed(bytes, 0, (from, to) => push(bytes.subarray(from, to))) < 0) fail(new Error(`control plane at ${host}: ${tracker.error ?? 'malformed chunked body'}`));
        else if (tracker.done) finish(stream, socket);
      };
    }
    default:
      return push;
  }
}

const complete = new WeakSet<Readable>();

/** The body is complete: the stream ends, and the connection (one request each) closes. Returns what ignores more. */
function finish(stream: Readable, socket: net.Socket): (bytes: Buffer) => void {
  complete.add(stream);
  stream.push(null);
  socket.destroy();
  return () => {};
}

/** What node:http and fetch reject with when their signal aborts: failureCause reads the signal's reason from it. */
function abortError(reason: unknown): Error {
  return Object.assign(new Error('The operation was aborted', { cause: reason }), { name: 'AbortError', code: 'ABORT_ERR' });
}

/** The whole body as text (UTF-8). */
export async function readText(res: AsyncIterable<Buffer>): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  for await (const chunk of res) text += decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}

/**
 * What made a request fail, in a word: the socket error code (ECONNREFUSED…), or for an aborted request why it was
 * aborted (TimeoutError for AbortSignal.timeout).
 */
export function failureCause(err: unknown): string {
  const e = err as NodeJS.ErrnoException & { cause?: { name?: string } };
  if (e.code === 'ABORT_ERR') return e.cause?.name ?? e.name;
  return e.code ?? e.name;
}
