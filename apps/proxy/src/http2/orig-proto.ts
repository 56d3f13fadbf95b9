// Connection reuse between proxies (Linkerd's orig-proto, REFERENCE §1.2): the outbound proxy carries an HTTP/1
// exchange to a meshed peer as one stream of the shared HTTP/2 session, marked `signalbox-orig-proto: HTTP/1.x`;
// the peer's inbound proxy restores HTTP/1.1 towards the app over its pooled keep-alive sockets. Bodies stream
// both ways (chunked framing decoded into DATA frames, and encoded again), never buffered whole.
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http2';
import type { ClientStream } from './engine.js';
import { meshHeaders } from '@signalbox/shared';
import { ProxyError, upstreamError } from '../errors.js';
import { BodyReader, type Sink } from '../http/body.js';
import { ChunkedTracker, encodeChunk } from '../http/chunked.js';
import { responseGrpcStatus } from '../http/classify.js';
import type { ForwardOutcome } from '../http/client.js';
import { responseFraming } from '../http/framing.js';
import { HeadFirstSink } from '../http/head-first.js';
import { wantsClose } from '../http/headers.js';
import { parseResponseHead, type ResponseHead } from '../http/parse-head.js';
import { reasonPhrase } from '../http/response.js';
import type { ConnectionPool, PoolTarget, UpstreamConn, UpstreamOwner } from '../http/pool.js';
import type { Exchange } from '../http/server.js';
import type { H2Sessions, H2Target } from './client.js';
import { NGHTTP2_CANCEL, NGHTTP2_FLAG_END_STREAM, NGHTTP2_INTERNAL_ERROR, NGHTTP2_NO_ERROR } from './codes.js';
import { h1ToH2Headers, h2ToH1Lines, headerString } from './headers.js';
import { respondH2Error } from './response.js';
import { resetStream, type H2Request } from './server.js';
import type { StreamHooks } from './forward.js';

export const origProto = meshHeaders.origProto;

/** Whether an HTTP/1 request may travel as an HTTP/2 stream: protocol upgrades (WebSocket) never do. */
export function canMultiplex(ex: Exchange): boolean {
  return ex.head.method !== 'CONNECT' && !ex.head.headers.some((h) => h.lower === 'upgrade');
}

// === upgrade: HTTP/1 exchange → HTTP/2 stream (outbound) ===

/**
 * Sends `ex` to the meshed peer `target` as an HTTP/2 stream and writes the response back to the HTTP/1 client.
 * `drop`: lower-case request fields the outbound side owns (a client-sent `signalbox-orig-proto` among them).
 * `finish` gets the outcome, or a ProxyError when no response head came (the caller answers the client then): no
 * promise per request, as on the pooled HTTP/1 path (with auto, every request to an mTLS peer comes here).
 */
export function forwardH1OverH2<T extends H2Target>(
  sessions: H2Sessions<T>,
  target: T,
  ex: Exchange,
  logical: { readonly authority: string; readonly path: string },
  drop: ReadonlySet<string>,
  hooks: Pick<StreamHooks, 'onResponseHead' | 'onRequestSent' | 'onResponseSent'>,
  finish: (outcome: ForwardOutcome | ProxyError) => void,
): void {
  const headers = h1ToH2Headers(ex.head.headers, drop);
  headers[':method'] = ex.head.method;
  headers[':scheme'] = 'http';
  headers[':authority'] = logical.authority;
  headers[':path'] = logical.path;
  headers[origProto] = ex.head.minor === 1 ? 'HTTP/1.1' : 'HTTP/1.0';
  const endStream = ex.body.framing.kind === 'none';
  let up: ClientStream | undefined;
  try {
    up = sessions.requestNow(target, headers, { endStream });
  } catch (err) {
    return finish(upstreamError(err, target.addr));
  }
  if (up) return exchangeOverH2(target, ex, up, endStream, hooks, finish);
  sessions.request(target, headers, { endStream }).then(
    (opened) => exchangeOverH2(target, ex, opened, endStream, hooks, finish),
    (err: unknown) => finish(upstreamError(err, target.addr)),
  );
}

function exchangeOverH2(
  target: H2Target,
  ex: Exchange,
  up: ClientStream,
  endStream: boolean,
  hooks: Pick<StreamHooks, 'onResponseHead' | 'onRequestSent' | 'onResponseSent'>,
  finish: (outcome: ForwardOutcome | ProxyError) => void,
): void {
  hooks.onRequestSent?.();
  let status = 0;
  let settled = false;
  let chunked = false;
  let close = false;
  let trailers: IncomingHttpHeaders | undefined;
  let bytes = 0;
  const client = ex.client;

  const settle = (outcome: ForwardOutcome | ProxyError) => {
    if (settled) return;
    settled = true;
    ex.onClientGone = undefined;
    finish(outcome);
  };
  const abort = (error: string) => {
    if (!up.closed && !up.destroyed) up.close(NGHTTP2_CANCEL);
    client.destroy();
    settle({ kind: 'aborted', status, error, bytes });
  };
  ex.onClientGone = { onClientGone: () => abort('client-gone') };

  if (!endStream) {
    const sink: Sink = ex.body.framing.kind === 'chunked' ? dechunking(up) : up;
    ex.body.pipe(sink, () => up.end());
  }

  up.on('headers', (h: IncomingHttpHeaders) => {
    const s = Number(h[':status']);
    if (ex.head.minor === 1 && s >= 100 && s < 200 && s !== 101)
      client.write(`HTTP/1.1 ${s} ${reasonPhrase(s)}\r\n${h2ToH1Lines(h)}\r\n`, 'latin1');
  });
  up.on('response', (h: IncomingHttpHeaders, flags: number) => {
    status = Number(h[':status']);
    hooks.onResponseHead(status, h);
    const ended = (flags & NGHTTP2_FLAG_END_STREAM) !== 0;
    let lines = h2ToH1Lines(h);
    const hasLength = h['content-length'] !== undefined;
    const bodiless = ex.head.method === 'HEAD' || status === 204 || status === 304;
    if (!bodiless && !hasLength) {
      if (ended) lines += 'content-length: 0\r\n';
      else if (ex.head.minor === 1) {
        chunked = true;
        lines += 'transfer-encoding: chunked\r\n';
      } else close = true; // an HTTP/1.0 client reads to EOF
    }
    close ||= ex.shouldClose();
    if (close) lines += 'connection: close\r\n';
    else if (ex.head.minor === 0) lines += 'connection: keep-alive\r\n';
    const sink = new HeadFirstSink(client, `HTTP/1.1 ${status} ${reasonPhrase(status)}\r\n${lines}\r\n`);
    // The DATA frames read along with HEADERS are emitted on a later tick of this same I/O callback: the head
    // waits for them so both leave in one write, and goes alone once the callback is over.
    setImmediate(() => {
      if (!client.destroyed) sink.flush();
    });
    hooks.onResponseSent?.();
    up.on('trailers', (t: IncomingHttpHeaders) => (trailers = t));
    up.on('data', (chunk: Buffer) => {
      if (bodiless || chunk.length === 0) return;
      bytes += chunk.length;
      if (!sink.write(chunked ? encodeChunk(chunk) : chunk)) {
        up.pause();
        client.once('drain', () => up.resume());
      }
    });
    up.on('end', () => {
      if (chunked) sink.write(Buffer.from(`0\r\n${trailers ? h2ToH1Lines(trailers) : ''}\r\n`, 'latin1'));
      else sink.flush();
      // The response is complete; a request body still arriving is of no use (the connection will close).
      if (!ex.body.ended && !up.closed) up.close(NGHTTP2_CANCEL);
      settle({ kind: 'response', status, result: { close }, bytes });
    });
  });
  up.on('error', () => {});
  up.once('close', () => {
    if (settled) return;
    if (status === 0) return settle(new ProxyError('upstream-reset', `stream to ${target.addr} reset before a response`));
    abort('upstream-reset');
  });
}

/** A sink that decodes chunked framing (validated already by the BodyReader) into plain DATA. */
function dechunking(up: ClientStream): Sink {
  const tracker = new ChunkedTracker();
  return {
    write(chunk: Buffer): boolean {
      let ok = true;
      tracker.feed(chunk, 0, (from, to) => (ok = up.write(chunk.subarray(from, to)) && ok));
      return ok;
    },
    once: (event, cb) => up.once(event, cb),
  };
}

// === downgrade: HTTP/2 stream → HTTP/1.1 exchange with the app (inbound) ===

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const TARGET = /^[\x21-\x7e]+$/;
const AUTHORITY = /^[\x21-\x7e]+$/;

/**
 * Restores the HTTP/1.1 request a peer proxy multiplexed (`signalbox-orig-proto`) and forwards it to `target`
 * over the keep-alive pool. `drop`: lower-case request fields the inbound side owns. Ends with `hooks.onEnd`; no
 * promise per request, as on the HTTP/1 endpoint path (with auto, every request between mTLS peers comes here).
 */
export function forwardH2AsH1<T extends PoolTarget>(
  pool: ConnectionPool<T>,
  target: T,
  down: H2Request,
  drop: ReadonlySet<string>,
  hooks: StreamHooks,
): void {
  const h = down.headers;
  const method = headerString(h[':method']) ?? '';
  const path = headerString(h[':path']) ?? '';
  const authority = headerString(h[':authority']) ?? headerString(h.host);
  if (!TOKEN.test(method) || !TARGET.test(path) || (authority !== undefined && !AUTHORITY.test(authority))) {
    const sent = respondH2Error(down.stream, h, new ProxyError('bad-request', 'request cannot be expressed in HTTP/1.1'));
    return hooks.onEnd(sent.status, 'bad-request', undefined);
  }
  const chunked = !down.endStream && h['content-length'] === undefined;
  let head = `${method} ${path} HTTP/1.1\r\n`;
  if (authority !== undefined) head += `host: ${authority}\r\n`;
  head += h2ToH1Lines(h, withOrigProto(drop));
  if (chunked) head += 'transfer-encoding: chunked\r\n';
  head += '\r\n';
  new Downgrade(pool, target, down, head, method, chunked, hooks).attempt(false);
}

/** `headers` (a fresh object) with `:status` added to it rather than spread into a new one (why: headers.ts). */
function withStatus(headers: OutgoingHttpHeaders, status: number): OutgoingHttpHeaders {
  headers[':status'] = status;
  return headers;
}

const dropping = new WeakMap<ReadonlySet<string>, ReadonlySet<string>>();

/** `drop` and the orig-proto field, made once per `drop` (the inbound stage has two) rather than per request. */
function withOrigProto(drop: ReadonlySet<string>): ReadonlySet<string> {
  let set = dropping.get(drop);
  if (!set) dropping.set(drop, (set = new Set([...drop, origProto])));
  return set;
}

// === impl Downgrade ===

const EMPTY = Buffer.alloc(0);

class Downgrade<T extends PoolTarget> implements UpstreamOwner {
  #conn!: UpstreamConn;
  #buf: Buffer = EMPTY;
  #head: ResponseHead | undefined;
  #body: BodyReader | undefined;
  #requestSent = false;
  #done = false;
  #retried = false;
  #listening = false;

  constructor(
    private readonly pool: ConnectionPool<T>,
    private readonly target: T,
    private readonly down: H2Request,
    private readonly head: string,
    private readonly method: string,
    private readonly chunked: boolean,
    private readonly hooks: StreamHooks,
  ) {}

  /** `fresh`: a new connection, for the one retry of the keep-alive race. */
  attempt(fresh: boolean): void {
    if (this.down.stream.destroyed || this.down.stream.closed) {
      this.#done = true;
      return this.hooks.onEnd(0, 'client-gone', undefined);
    }
    const acquired = this.pool.acquire(this.target, fresh);
    if (!(acquired instanceof Promise)) return this.#send(acquired);
    acquired.then(
      (conn) => this.#send(conn),
      (err: unknown) => this.#answer(upstreamError(err, this.target.addr)),
    );
  }

  /**
   * The keep-alive race (a pooled socket the app had just closed): tried again once on a fresh connection when
   * nothing was sent back and there is no body we would have to replay.
   */
  #retry(): void {
    if (this.#retried) return this.#answer(new ProxyError('upstream-reset', `connection to ${this.target.addr} closed before a response`));
    this.#retried = true;
    this.attempt(true);
  }

  /** No response head came: the client gets the proxy's answer. */
  #answer(err: ProxyError): void {
    if (this.#done) return; // the client's stream closed meanwhile: already ended
    this.#done = true;
    const sent = respondH2Error(this.down.stream, this.down.headers, err);
    this.hooks.onEnd(sent.status, err.code, sent.grpc);
  }

  #send(conn: UpstreamConn): void {
    // The client went away while a fresh connection was made for the retry (its 'close' ended this exchange).
    if (this.#done) return void conn.socket.destroy();
    if (!conn.alive) return this.#retry();
    this.#conn = conn;
    conn.owner = this;
    conn.socket.write(this.head, 'latin1');
    this.hooks.onRequestSent?.();
    if (!this.#listening) this.#listen();
  }

  /**
   * The client's stream, once, at the first connection that took the head. A retry after that is only for a
   * request without a body (the keep-alive race), so the body always goes to the connection in use.
   */
  #listen(): void {
    this.#listening = true;
    const stream = this.down.stream;
    if (this.down.endStream) this.#requestSent = true;
    else {
      stream.on('data', (chunk: Buffer) => {
        if (chunk.length === 0) return;
        const socket = this.#conn.socket;
        if (!socket.write(this.chunked ? encodeChunk(chunk) : chunk)) {
          stream.pause();
          socket.once('drain', () => stream.resume());
        }
      });
      let trailers: IncomingHttpHeaders | undefined;
      stream.on('trailers', (t: IncomingHttpHeaders) => (trailers = t));
      stream.on('end', () => {
        if (this.chunked) this.#conn.socket.write(`0\r\n${trailers ? h2ToH1Lines(trailers) : ''}\r\n`, 'latin1');
        this.#requestSent = true;
      });
    }
    stream.once('close', () => {
      if (this.#done) return;
      if (stream.rstCode === NGHTTP2_NO_ERROR && stream.writableFinished) return;
      // The peer proxy cancelled (its client went away): the app connection is mid-exchange, so it cannot be reused.
      this.#end('client-gone');
    });
  }

  onData(d: Buffer): void {
    if (this.#done) return;
    if (this.#body) return this.#feedBody(d);
    this.#buf = this.#buf.length === 0 ? d : Buffer.concat([this.#buf, d]);
    for (;;) {
      const parsed = parseResponseHead(this.#buf);
      if (parsed.kind === 'incomplete') return;
      if (parsed.kind === 'error') return this.#failBeforeHead(new ProxyError('bad-response', `invalid response: ${parsed.reason}`));
      const head = parsed.head;
      this.#buf = this.#buf.subarray(parsed.size);
      if (head.status >= 100 && head.status < 200) {
        if (head.status === 101) return this.#failBeforeHead(new ProxyError('bad-response', 'unexpected 101 Switching Protocols'));
        const stream = this.down.stream;
        if (!stream.headersSent && !stream.destroyed) stream.additionalHeaders(withStatus(h1ToH2Headers(head.headers), head.status));
        continue;
      }
      return this.#startBody(head);
    }
  }

  #startBody(head: ResponseHead): void {
    const framing = responseFraming(this.method, head);
    if (framing.kind === 'error') return this.#failBeforeHead(new ProxyError('bad-response', `invalid response: ${framing.reason}`));
    const stream = this.down.stream;
    if (stream.destroyed || stream.closed) return this.#end('client-gone');
    this.#head = head;
    this.hooks.onResponseHead(head.status, head.headers);
    const body = new BodyReader(framing, this.#conn.socket, true);
    this.#body = body;
    stream.respond(withStatus(h1ToH2Headers(head.headers), head.status), { endStream: framing.kind === 'none' });
    this.hooks.onResponseSent?.();
    const rest = this.#buf;
    this.#buf = EMPTY;
    const sink = framing.kind === 'none' ? { write: () => true, once: () => undefined } : stream;
    const ended = () => {
      if (framing.kind !== 'none') stream.end();
      this.#complete();
    };
    if (body.pipe(sink, ended, rest) < 0) this.#end('upstream-reset');
  }

  #feedBody(d: Buffer): void {
    const body = this.#body as BodyReader;
    if (body.feed(d) < 0) this.#end('upstream-reset');
  }

  onEnd(): void {
    if (this.#done) return;
    if (this.#body?.framing.kind === 'close') return this.#body.eof();
    this.onClose(undefined);
  }

  onClose(err: Error | undefined): void {
    if (this.#done) return;
    if (this.#head) return this.#end('upstream-reset');
    const retryable = this.#conn.reused && this.#buf.length === 0 && this.down.endStream;
    if (retryable) {
      this.#conn.owner = undefined;
      return this.#retry();
    }
    this.#failBeforeHead(upstreamError(err ?? Object.assign(new Error('closed'), { code: 'ECONNRESET' }), this.#conn.addr));
  }

  #complete(): void {
    if (this.#done) return;
    this.#done = true;
    const head = this.#head as ResponseHead;
    const reusable = this.#requestSent && !this.#body?.excess && this.#body?.framing.kind !== 'close' && !wantsClose(head.headers, head.minor);
    if (reusable) this.pool.release(this.#conn);
    else this.#conn.destroy();
    const contentType = head.headers.find((x) => x.lower === 'content-type')?.value;
    this.hooks.onEnd(head.status, '', responseGrpcStatus(contentType, undefined, undefined), this.#body?.bytes);
  }

  #failBeforeHead(err: ProxyError): void {
    if (this.#done) return;
    this.#conn.destroy();
    this.#answer(err);
  }

  #end(error: string): void {
    if (this.#done) return;
    this.#done = true;
    this.#conn.destroy();
    resetStream(this.down.stream, NGHTTP2_INTERNAL_ERROR);
    this.hooks.onEnd(this.#head?.status ?? 0, error, undefined, this.#body?.bytes);
  }
}
