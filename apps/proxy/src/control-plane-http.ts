// HTTP/1.1 requests to the control plane (destination streams, certify), one per connection, on the proxy's own
// head parser and framing (http/), the response body decoded (chunked) as it streams. Not fetch: the first fetch
// loads undici, ~2 MB of heap and ~2 MB of the node binary's pages in every proxy that resolves a destination or has
// an identity. Not node:http either, which nothing else in the proxy loads any more (admin/http.ts says why).
// node:tls only for an https:// URL, trusting what the system does (main.ts's --use-openssl-ca).
import net from 'node:net';
import { Readable } from 'node:stream';
import { isIpLiteral } from './http/authority.js';
import { BodyReader } from './http/body.js';
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
    let reader: BodyReader | undefined;
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
        // The socket is paused while the stream is full, and read() resumes it: the sink needs no 'drain'.
        const stream = Object.assign(new Readable({ read: () => void socket.resume() }), { statusCode: parsed.head.status });
        // An error before the caller reads reaches it when it does (async iteration), not as an unhandled event.
        stream.on('error', () => {});
        body = stream;
        // The data path's body reader, de-chunking: it stops at the framing's end, where the stream ends and the
        // connection (one request each) closes.
        reader = new BodyReader(framing, socket, true);
        resolve(stream);
        const sink = { write: (bytes: Buffer) => stream.push(bytes), once: () => {} };
        const end = () => {
          stream.push(null);
          socket.destroy();
        };
        fed(reader.pipe(sink, end, rest));
        return;
      }
    };
    const fed = (used: number) => {
      if (used < 0) fail(new Error(`control plane at ${url.host}: ${reader?.error ?? 'malformed body'}`));
    };
    socket.on('data', (chunk: Buffer) => (reader ? fed(reader.feed(chunk)) : readHead(chunk)));
    socket.once('end', () => {
      if (!reader) return fail(new Error(`control plane at ${url.host} closed the connection before answering`));
      reader.eof(); // a close-delimited body ends here
      if (!reader.ended) fail(new Error(`control plane at ${url.host} closed the connection mid-body`));
    });
  });
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
