// The HTTP/1.1 client side of one exchange: send the rewritten request head and stream the body to an upstream
// connection from the pool, read the response head (forwarding interim 1xx), then stream the response body back
// to the client. Failures before the response head become coded errors the caller answers with; failures after
// it abort the client connection (the status line is already gone). A 101 to an upgrade request splices both
// connections as bytes. For retries (app/logical.ts) the caller may replay a buffered body, judge the response
// head before the client sees it (a discarded response is drained so its connection can be reused), and cancel
// the attempt with a signal (the route's timeout) until a head is admitted.
import { ProxyError, upstreamError } from '../errors.js';
import { BodyReader, type BodyEnd } from './body.js';
import { chunkedError } from './chunked.js';
import { HeadFirstSink, writeHead } from './head-first.js';
import { getHeader, responseFraming, type Framing } from './framing.js';
import { endToEnd, formatHeaders, rewriteHead, wantsClose } from './headers.js';
import { hopFields, parseResponseHead, type ResponseHead, type Wired } from './parse-head.js';
import { UpstreamConn, type ConnectionPool, type PoolTarget, type UpstreamOwner } from './pool.js';
import type { ClientGone, Exchange, ExchangeResult } from './server.js';
import { requestedUpgrade, upgradeLines, upgradeOf } from './upgrade.js';

export interface ForwardHooks {
  /** The final response head arrived (time to first byte, Linkerd's response_latency_ms). */
  onResponseHead(status: number, head: ResponseHead): void;
  /** The request head was handed to the upstream socket (signalbox_proxy_overhead_ms). */
  onRequestSent?(): void;
  /** The response head was handed to the client socket (signalbox_proxy_overhead_ms). */
  onResponseSent?(): void;
}

/** What the logical stage may ask of one attempt (all optional: a plain forward uses none). */
export interface ForwardOptions {
  /** The request body, buffered for replay: sent instead of reading the client's. */
  readonly body?: Buffer | undefined;
  /** Aborting fails the attempt with the signal's reason (a ProxyError) unless a response head was admitted. */
  readonly signal?: AbortSignal | undefined;
  /** Judges the final response head before it reaches the client: false discards it (the caller retries). */
  readonly admit?: ((status: number, head: ResponseHead) => boolean) | undefined;
}

export type ForwardOutcome =
  | { readonly kind: 'response'; readonly status: number; readonly result: ExchangeResult; readonly bytes: number }
  /** The response started but did not complete, or the client went away: the client connection is gone. */
  | { readonly kind: 'aborted'; readonly status: number; readonly error: string; readonly bytes: number };

/** `admit` refused the head: nothing reached the client, which is still the caller's to answer. */
export type AttemptOutcome = ForwardOutcome | { readonly kind: 'discarded'; readonly status: number };

/** How an attempt ends: the endpoint stage's per-request object, so the common path allocates no promise. */
export interface AttemptSettle {
  settled(outcome: AttemptOutcome): void;
  /** No response head could be obtained (a coded upstream error); the client is still the caller's to answer. */
  failed(err: ProxyError): void;
}

const EMPTY = Buffer.alloc(0);
const NO_OPTIONS: ForwardOptions = {};
const idempotent = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);
/** A discarded response body up to this size is read to its end so the connection is reused; a larger one closes it. */
const maxDrainBytes = 64 * 1024;
const discardSink = { write: () => true, once: () => undefined };

/**
 * Forwards `ex` to `target` with `requestHead` (already rewritten, ending in CRLFCRLF; a string is latin1) and
 * tells `settle` how it ended, from within the socket event that ended it. With an idle pooled connection the
 * request is written before this returns.
 */
export function forward<T extends PoolTarget>(
  pool: ConnectionPool<T>,
  target: T,
  ex: Exchange,
  requestHead: string | Buffer,
  hooks: ForwardHooks,
  settle: AttemptSettle,
  options: ForwardOptions = NO_OPTIONS,
): void {
  new Attempt(pool, target, ex, requestHead, hooks, settle, options).begin(false);
}

class Attempt<T extends PoolTarget> implements UpstreamOwner, ClientGone, BodyEnd {
  #conn!: UpstreamConn;
  #buf: Buffer = EMPTY;
  #response: Wired<ResponseHead> | undefined;
  #body: BodyReader | undefined;
  /** Where the response goes: its head waits there for the first body bytes. */
  #sink: HeadFirstSink | undefined;
  #bodySent = false;
  #done = false;
  /** The response asks the client connection to close. */
  #close = false;
  /** `admit` refused the head: the body is being drained, the client is not ours any more. */
  #discarded = false;

  constructor(
    private readonly pool: ConnectionPool<T>,
    private readonly target: T,
    private readonly ex: Exchange,
    private readonly requestHead: string | Buffer,
    private readonly hooks: ForwardHooks,
    private readonly settle: AttemptSettle,
    private readonly options: ForwardOptions,
  ) {}

  /** On an idle pooled connection (unless `fresh`), else a new one. */
  begin(fresh: boolean): void {
    const acquired = this.pool.acquire(this.target, fresh);
    // An idle connection was just found alive; a new one may have closed before this callback ran.
    if (acquired instanceof UpstreamConn) return this.#start(acquired);
    acquired.then(
      (conn) => (conn.alive ? this.#start(conn) : this.#failUnused(conn)),
      (err: unknown) => this.#settleFailed(upstreamError(err, this.target.addr)),
    );
  }

  #start(conn: UpstreamConn): void {
    this.#conn = conn;
    const signal = this.options.signal;
    if (signal) {
      if (signal.aborted) {
        this.pool.release(conn); // never used: as good as idle
        return this.#settleFailed(signal.reason as ProxyError);
      }
      signal.addEventListener('abort', this);
    }
    conn.owner = this;
    this.ex.onClientGone = this;
    const body = this.options.body;
    if (body === undefined && this.ex.body.framing.kind === 'none') {
      // No body (most requests): the head is the whole request.
      writeHead(conn.socket, this.requestHead);
      this.#bodySent = true;
    } else {
      // Body bytes read with the head are queued in the body reader: they leave with the head, in one write.
      const sink = new HeadFirstSink(conn.socket, this.requestHead);
      if (body === undefined) this.ex.body.pipe(sink, this);
      else {
        if (body.length > 0) sink.write(body);
        this.#bodySent = true;
      }
      sink.flush();
    }
    this.hooks.onRequestSent?.();
  }

  /** A new connection closed before the request could be written on it. */
  #failUnused(conn: UpstreamConn): void {
    this.#conn = conn;
    this.#fail(new ProxyError('upstream-reset', `connection to ${conn.addr} closed`));
  }

  /** The attempt's signal aborted: fails it unless a response head was admitted. */
  handleEvent(): void {
    if (!this.#response) this.#fail(this.options.signal?.reason as ProxyError);
  }

  onClientGone(): void {
    this.#abort('client-gone');
  }

  onBodyEnd(body: BodyReader): void {
    if (body === this.ex.body) {
      this.#bodySent = true;
      return;
    }
    if (this.#discarded) return this.#drained();
    // The head waits for body bytes to leave with; a body that ended without any (HEAD, 204, 304, an empty chunked
    // body for an HTTP/1.0 client) sends it now, before the exchange ends and may close the client connection.
    this.#sink?.flush();
    this.#complete(body.framing.kind, body.bytes);
  }

  onData(d: Buffer): void {
    if (this.#done) return;
    if (this.#body) return this.#feedBody(d);
    this.#buf = this.#buf.length === 0 ? d : Buffer.concat([this.#buf, d]);
    for (;;) {
      const whole = this.#buf;
      const parsed = parseResponseHead(whole);
      if (parsed.kind === 'incomplete') return;
      if (parsed.kind === 'error')
        return this.#fail(new ProxyError('bad-response', `invalid response from ${this.#conn.addr}: ${parsed.reason}`));
      const head = parsed.head;
      this.#buf = this.#buf.subarray(parsed.size);
      if (head.status >= 100 && head.status < 200) {
        // Interim responses pass through (100 Continue, 103 Early Hints); 101 only answers an upgrade request.
        if (head.status === 101) return this.#switchProtocols(head);
        if (this.ex.head.minor === 1)
          this.ex.client.write(
            `HTTP/1.1 ${head.status} ${head.reason}\r\n${formatHeaders(endToEnd(head.headers), [])}`,
            'latin1',
          );
        continue;
      }
      return this.#startBody(head, whole);
    }
  }

  #switchProtocols(head: ResponseHead): void {
    const protocol = upgradeOf(head.headers);
    if (protocol === undefined || requestedUpgrade(this.ex.head) === undefined || !this.ex.body.ended)
      return this.#fail(new ProxyError('bad-response', 'unexpected 101 Switching Protocols'));
    this.#done = true;
    this.ex.onClientGone = undefined;
    this.hooks.onResponseHead(101, head);
    const client = this.ex.client;
    client.write(`HTTP/1.1 101 ${head.reason}\r\n${formatHeaders(endToEnd(head.headers), upgradeLines(protocol))}`, 'latin1');
    this.hooks.onResponseSent?.();
    const fromClient = this.ex.detach();
    const fromUpstream = this.#buf;
    this.#buf = EMPTY;
    this.pool.splice(client, this.#conn.detach(), { fromClient, fromUpstream });
    this.#settled({ kind: 'response', status: 101, result: { close: false }, bytes: 0 });
  }

  /** `whole`: the bytes the head was parsed from, the head's own and then `this.#buf`'s. */
  #startBody(head: Wired<ResponseHead>, whole: Buffer): void {
    const framing = responseFraming(this.ex.head.method, head);
    if (framing.kind === 'error')
      return this.#fail(new ProxyError('bad-response', `invalid response from ${this.#conn.addr}: ${framing.reason}`));
    // Chunked framing broken in the bytes read with the head: nothing has reached the client yet, so it gets a 502
    // rather than a reset (broken later, the head has left and a reset is all that is left to send).
    const broken = framing.kind === 'chunked' && this.#buf.length > 0 ? chunkedError(this.#buf) : undefined;
    if (broken !== undefined) return this.#fail(new ProxyError('bad-response', `invalid response body from ${this.#conn.addr}: ${broken}`));
    if (this.options.admit && !this.options.admit(head.status, head)) return this.#discard(head, framing);
    this.#response = head;
    this.hooks.onResponseHead(head.status, head);
    const dechunk = this.ex.head.minor === 0 && framing.kind === 'chunked';
    const close = (this.#close = this.ex.shouldClose() || framing.kind === 'close' || dechunk);
    const out = responseHeadFor(head, this.ex.head.minor, close);
    const rest = this.#buf;
    const length = framing.kind === 'length' ? framing.length : framing.kind === 'none' ? 0 : -1;
    if (length === rest.length) {
      // The whole response came in this read (most small ones): it leaves in one write, as the bytes read when its
      // head goes on unchanged, and the exchange ends here, without a body reader.
      this.#buf = EMPTY;
      this.ex.client.write(out === head.wire.raw ? whole : Buffer.concat([out, rest]));
      this.hooks.onResponseSent?.();
      return this.#complete(framing.kind, length);
    }
    // The head leaves with the body bytes read along with it (one write), or alone below.
    const sink = new HeadFirstSink(this.ex.client, out);
    const body = new BodyReader(framing, this.#conn.socket, dechunk);
    this.#body = body;
    this.#sink = sink;
    this.#buf = EMPTY;
    if (body.pipe(sink, this, rest) < 0) this.#abort(`invalid response body: ${body.error}`);
    sink.flush();
    this.hooks.onResponseSent?.();
  }

  /** The caller retries: read the unwanted body to its end (small) and pool the connection, or close it. */
  #discard(head: Wired<ResponseHead>, framing: Framing): void {
    this.#discarded = true;
    this.#response = head;
    this.ex.onClientGone = undefined;
    const drainable =
      this.#bodySent &&
      !wantsClose(hopFields(head), head.minor) &&
      (framing.kind === 'none' || framing.kind === 'chunked' || (framing.kind === 'length' && framing.length <= maxDrainBytes));
    if (!drainable) {
      this.#done = true;
      this.#conn.destroy();
    } else {
      const body = new BodyReader(framing, this.#conn.socket);
      this.#body = body;
      const rest = this.#buf;
      this.#buf = EMPTY;
      body.pipe(discardSink, this, rest);
    }
    this.#settled({ kind: 'discarded', status: head.status });
  }

  /** A discarded response's body was read to its end. */
  #drained(): void {
    if (this.#done) return;
    this.#done = true;
    if (this.#body?.excess) this.#conn.socket.destroy();
    else this.pool.release(this.#conn);
  }

  #feedBody(d: Buffer): void {
    const body = this.#body as BodyReader;
    if (body.feed(d) < 0) this.#abort(`invalid response body: ${body.error}`);
  }

  onEnd(): void {
    if (this.#done) return;
    if (this.#body?.framing.kind === 'close') return this.#body.eof();
    this.onClose(undefined);
  }

  onClose(err: Error | undefined): void {
    if (this.#done) return;
    if (this.#response) return this.#abort('upstream-reset');
    const e = upstreamError(err ?? Object.assign(new Error('closed'), { code: 'ECONNRESET' }), this.#conn.addr);
    const replayable = this.ex.body.framing.kind === 'none' || this.options.body !== undefined;
    const retryable = this.#conn.reused && this.#buf.length === 0 && replayable && idempotent.has(this.ex.head.method);
    if (!retryable) return this.#fail(e);
    // The standard keep-alive race: a pooled socket the server had just closed. Re-sending is safe only when the
    // server cannot have seen the request (nothing came back) and it has no body we would have to replay.
    this.#conn.owner = undefined;
    this.ex.onClientGone = undefined;
    this.options.signal?.removeEventListener('abort', this);
    this.begin(true);
  }

  /** The response body (`bytes` of it, framed by `framing`) reached the client whole. */
  #complete(framing: Framing['kind'], bytes: number): void {
    if (this.#done) return;
    this.#done = true;
    this.ex.onClientGone = undefined;
    const head = this.#response as Wired<ResponseHead>;
    const reusable =
      this.#bodySent && this.ex.body.ended && !this.#body?.excess && framing !== 'close' && !wantsClose(hopFields(head), head.minor);
    if (reusable) this.pool.release(this.#conn);
    else this.#conn.socket.destroy();
    this.#settled({ kind: 'response', status: head.status, result: { close: this.#close }, bytes });
  }

  #fail(err: Error): void {
    if (this.#done) return;
    this.#done = true;
    this.ex.onClientGone = undefined;
    this.#conn.destroy();
    this.#settleFailed(err as ProxyError);
  }

  #abort(reason: string): void {
    if (this.#done) return;
    this.#done = true;
    if (this.#discarded) {
      // Draining a discarded response went wrong: only the upstream connection is lost.
      this.#conn.destroy();
      return;
    }
    this.#conn.destroy();
    this.ex.client.destroy();
    this.#settled({ kind: 'aborted', status: this.#response?.status ?? 0, error: reason, bytes: this.#body?.bytes ?? 0 });
  }

  #settled(outcome: AttemptOutcome): void {
    this.options.signal?.removeEventListener('abort', this);
    this.settle.settled(outcome);
  }

  #settleFailed(err: ProxyError): void {
    this.options.signal?.removeEventListener('abort', this);
    this.settle.failed(err);
  }
}

const closeLines = ['connection: close'];
const keepAliveLines = ['connection: keep-alive'];
const noFields: ReadonlySet<string> = new Set();
const contentLength: ReadonlySet<string> = new Set(['content-length']);

/** The response head for the client: the upstream's bytes, minus hop-by-hop fields, plus our connection decision. */
function responseHeadFor(head: Wired<ResponseHead>, clientMinor: 0 | 1, close: boolean): Buffer {
  const startLine = head.minor === 1 ? undefined : `HTTP/1.1 ${head.status} ${head.reason}`;
  const extra = close ? closeLines : clientMinor === 0 ? keepAliveLines : undefined;
  // Transfer-Encoding overrides a Content-Length sent with it, which a proxy must not pass on (RFC 9112 §6.3): the
  // next hop could frame the body by it.
  const coded = getHeader(head.wire.hop, 'transfer-encoding') !== undefined;
  const drop = coded ? contentLength : noFields;
  // The body goes on coded as it came (chunked, or close-delimited under another coding such as gzip), so an
  // HTTP/1.1 client needs the header to decode it; an HTTP/1.0 one may not be sent it (§6.1) and gets the body
  // de-chunked, or as the bytes that came.
  return rewriteHead(head.wire, startLine, drop, clientMinor === 1 && coded, extra);
}
