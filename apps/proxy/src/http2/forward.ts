// Proxies one HTTP/2 stream to an upstream HTTP/2 session: headers (connection-specific fields stripped), body
// both ways through pipes (node:http2 flow control follows the pipes' backpressure), trailers both ways, resets
// propagated both ways. Failures before the response head are the caller's to answer (a proxy response, or
// another attempt); after it, stream resets. For retries and timeouts (app/logical.ts) the caller may replay a
// kept body, judge the response head before the client sees it, and cancel the attempt (RST_STREAM CANCEL) with
// a signal until a head is forwarded.
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http2';
import { relay, type ClientStream } from './engine.js';
import { untilAborted } from '../abortable.js';
import { upstreamError, type ProxyError } from '../errors.js';
import { isGrpcContentType, responseGrpcStatus } from '../http/classify.js';
import type { H2Sessions, H2Target } from './client.js';
import { NGHTTP2_CANCEL, NGHTTP2_FLAG_END_STREAM, NGHTTP2_INTERNAL_ERROR, NGHTTP2_NO_ERROR } from './codes.js';
import type { Header } from '../http/parse-head.js';
import { forwardableH2, headerString } from './headers.js';
import { ReplayBody } from './replay-body.js';
import { propagatedResetCode } from './reset.js';
import { errorResponse } from './response.js';
import { resetStream, type H2Request } from './server.js';

/** The metric (and balancer, and tap) side of one forwarded stream. */
export interface StreamHooks {
  /** The final response head arrived (time to first byte, Linkerd's response_latency_ms). */
  onResponseHead(status: number, headers: IncomingHttpHeaders | readonly Header[]): void;
  /**
   * Exactly once: `status` 0 when no head was sent; `error` "" when the stream completed. `bytes`: response body
   * bytes forwarded, when counted (`countBytes`).
   */
  onEnd(status: number, error: string, grpc: number | undefined, bytes?: number): void;
  /** The request head was handed to the upstream (signalbox_proxy_overhead_ms). */
  onRequestSent?(): void;
  /** The response head was handed to the client (signalbox_proxy_overhead_ms). */
  onResponseSent?(): void;
  /** Count response body bytes (one more listener per stream: only while tapped). */
  readonly countBytes?: boolean;
}

/** What the logical stage may ask of one attempt (all optional: a plain forward uses none). */
export interface StreamAttemptOptions {
  /** The request body, kept for replay (a fresh one streams the client's body and keeps nothing). */
  readonly body?: ReplayBody | undefined;
  /** Aborting fails the attempt with the signal's reason (a ProxyError) unless a response head was forwarded. */
  readonly signal?: AbortSignal | undefined;
  /**
   * Judges the final response head before it reaches the client (asked only while the body can be replayed):
   * `grpc` is a trailers-only response's grpc-status. False discards the response (the caller retries).
   */
  readonly admit?: ((status: number, grpc: number | undefined) => boolean) | undefined;
}

export type StreamAttempt =
  /** The client got the response (or a reset, or went away); `hooks.onEnd` said how it ended. */
  | { readonly kind: 'forwarded' }
  /** `admit` refused the head: nothing reached the client, which is still the caller's to answer. */
  | { readonly kind: 'discarded' }
  /** No response head could be obtained; the client is still the caller's to answer. */
  | { readonly kind: 'failed'; readonly error: ProxyError };

/** Response fields the proxy owns: an upstream cannot forge a proxy error. */
const responseOwned: ReadonlySet<string> = new Set();
const forwarded: StreamAttempt = { kind: 'forwarded' };
const discarded: StreamAttempt = { kind: 'discarded' };
const noOptions: StreamAttemptOptions = {};

/**
 * Forwards `down` to `target` with request `headers` (already rewritten for the next hop). `done` gets the attempt
 * when it is over, whichever way it ended; `hooks.onEnd` has been called by then (for a failed attempt with the
 * response the caller would answer with). By callbacks, no promise per stream.
 */
export function forwardH2<T extends H2Target>(
  sessions: H2Sessions<T>,
  target: T,
  down: H2Request,
  headers: OutgoingHttpHeaders,
  hooks: StreamHooks,
  done: (attempt: StreamAttempt) => void,
  options: StreamAttemptOptions = noOptions,
): void {
  const stream = down.stream;
  if (stream.destroyed || stream.closed) {
    hooks.onEnd(0, 'client-gone', undefined);
    return done(forwarded);
  }
  const body = options.body ?? new ReplayBody(down, 0);
  const empty = body.empty;
  const signal = options.signal;
  const requestOptions = { endStream: empty, waitForTrailers: !empty };
  const up = signal?.aborted ? undefined : sessions.requestNow(target, headers, requestOptions);
  // A closure only when the stream has to wait for a session: the common stream allocates none here.
  if (up) return relayStream(down, up, body, target.addr, hooks, options, done);
  const opening = sessions.request(target, headers, requestOptions);
  const ready = signal ? untilAborted(opening, signal, (late) => late.close(NGHTTP2_CANCEL)) : opening;
  ready.then((opened) => relayStream(down, opened, body, target.addr, hooks, options, done), (err: unknown) => {
    const e = upstreamError(err, target.addr);
    const would = errorResponse(stream, down.headers, e);
    hooks.onEnd(would.status, e.code, would.grpc);
    done({ kind: 'failed', error: e });
  });
}

/** The stream is open: the request is on its way, and a StreamProxy relays both directions until the attempt ends. */
function relayStream(
  down: H2Request,
  up: ClientStream,
  body: ReplayBody,
  addr: string,
  hooks: StreamHooks,
  options: StreamAttemptOptions,
  done: (attempt: StreamAttempt) => void,
): void {
  hooks.onRequestSent?.();
  new StreamProxy(down, up, body, addr, hooks, options, done).run();
}

// === impl StreamProxy ===

class StreamProxy {
  #status = 0;
  #responseHeaders: IncomingHttpHeaders | undefined;
  #responseTrailers: IncomingHttpHeaders | undefined;
  #upError: NodeJS.ErrnoException | undefined;
  #done = false;
  #bytes = 0;

  constructor(
    private readonly down: H2Request,
    private readonly up: ClientStream,
    private readonly body: ReplayBody,
    private readonly addr: string,
    private readonly hooks: StreamHooks,
    private readonly options: StreamAttemptOptions,
    private readonly resolve: (attempt: StreamAttempt) => void,
  ) {}

  run(): void {
    const { down, up } = this;
    const stream = down.stream;
    if (stream.destroyed || stream.closed) {
      up.close(NGHTTP2_CANCEL);
      return this.#finish('client-gone');
    }
    const signal = this.options.signal;
    if (signal?.aborted) return this.#abort();
    signal?.addEventListener('abort', this.#abort);

    // === request: client → upstream ===
    this.body.sendTo(up);

    // === response: upstream → client ===
    up.on('headers', (h: IncomingHttpHeaders) => {
      // Interim responses (100 Continue, 103 Early Hints) pass through.
      if (!stream.destroyed && !stream.headersSent) stream.additionalHeaders(forwardableH2(h));
    });
    up.on('response', (h: IncomingHttpHeaders, flags: number) => {
      if (stream.destroyed || stream.closed || this.#done) return;
      const status = Number(h[':status']);
      const endStream = (flags & NGHTTP2_FLAG_END_STREAM) !== 0;
      if (this.options.admit && this.body.replayable) {
        const grpc = endStream && isGrpcContentType(headerString(h['content-type'])) ? responseGrpcStatus(undefined, headerString(h['grpc-status']), undefined) : undefined;
        if (!this.options.admit(status, grpc)) return this.#discard(status, h, grpc, endStream);
      }
      this.options.signal?.removeEventListener('abort', this.#abort);
      this.#status = status;
      this.#responseHeaders = h;
      this.hooks.onResponseHead(status, h);
      stream.respond(forwardableH2(h, responseOwned), { endStream, waitForTrailers: !endStream });
      this.hooks.onResponseSent?.();
      if (endStream) return;
      if (this.hooks.countBytes) up.on('data', (chunk: Buffer) => (this.#bytes += chunk.length));
      up.on('trailers', (t: IncomingHttpHeaders) => (this.#responseTrailers = t));
      stream.on('wantTrailers', () =>
        stream.sendTrailers(this.#responseTrailers ? forwardableH2(this.#responseTrailers, responseOwned) : {}),
      );
      relay(up, stream);
    });

    // === endings ===
    up.on('error', (err: NodeJS.ErrnoException) => (this.#upError = err));
    // Each stream's 'close' comes once: `on` spares once()'s wrapper, on every stream.
    up.on('close', () => this.#upClosed());
    stream.on('close', this.#downClosed);
  }

  /** `admit` refused the head: still this endpoint's response (counted), then dropped with its stream. */
  #discard(status: number, h: IncomingHttpHeaders, grpc: number | undefined, endStream: boolean): void {
    this.hooks.onResponseHead(status, h);
    if (!endStream) this.up.close(NGHTTP2_CANCEL);
    this.#status = status;
    this.#settle('', grpc, discarded);
  }

  /** The deadline passed before a response head was forwarded: the upstream stream is cancelled. */
  readonly #abort = (): void => {
    if (!this.up.closed && !this.up.destroyed) this.up.close(NGHTTP2_CANCEL);
    this.#fail(this.options.signal?.reason as ProxyError);
  };

  #upClosed(): void {
    const { up } = this;
    const stream = this.down.stream;
    if (up.rstCode === NGHTTP2_NO_ERROR && !this.#upError) return; // completed; the client side finishes
    if (this.#done || stream.destroyed || stream.closed) return;
    // Reset before any response (refused, or the upstream gave up): a retryable attempt is the caller's to repeat.
    if (this.#status === 0 && this.options.admit && this.body.replayable)
      return this.#fail(upstreamError(this.#upError ?? Object.assign(new Error('reset'), { code: 'ECONNRESET' }), this.addr));
    if (this.#upError?.code === 'ERR_HTTP2_STREAM_ERROR' || this.#status !== 0) {
      // The upstream reset the stream (or died mid-response): the client gets a reset, with the upstream's intent.
      const code = this.#upError?.code === 'ERR_HTTP2_STREAM_ERROR' ? (up.rstCode ?? NGHTTP2_INTERNAL_ERROR) : NGHTTP2_INTERNAL_ERROR;
      resetStream(stream, propagatedResetCode(code));
      return this.#finish('upstream-reset');
    }
    // The connection failed before any response: the caller answers as HTTP/1 would (502), or UNAVAILABLE for gRPC.
    this.#fail(upstreamError(this.#upError ?? Object.assign(new Error('closed'), { code: 'ECONNRESET' }), this.addr));
  }

  readonly #downClosed = (): void => {
    const { up } = this;
    const stream = this.down.stream;
    if (stream.rstCode === NGHTTP2_NO_ERROR && stream.writableFinished) {
      if (!up.closed) up.close(NGHTTP2_NO_ERROR);
      const h = this.#responseHeaders;
      const grpc = h
        ? responseGrpcStatus(headerString(h['content-type']), headerString(h['grpc-status']), headerString(this.#responseTrailers?.['grpc-status']))
        : undefined;
      return this.#finish('', grpc);
    }
    // The client reset the stream or went away: cancel the upstream stream with the client's intent.
    if (!up.closed && !up.destroyed) up.close(propagatedResetCode(stream.rstCode ?? NGHTTP2_CANCEL));
    this.#finish('client-gone');
  };

  #fail(err: ProxyError): void {
    const would = errorResponse(this.down.stream, this.down.headers, err);
    this.#status = would.status;
    this.#settle(err.code, would.grpc, { kind: 'failed', error: err });
  }

  #finish(error: string, grpc?: number): void {
    this.#settle(error, grpc, forwarded);
  }

  #settle(error: string, grpc: number | undefined, attempt: StreamAttempt): void {
    if (this.#done) return;
    this.#done = true;
    this.options.signal?.removeEventListener('abort', this.#abort);
    // The client's stream outlives a discarded or failed attempt: the next one listens to it.
    if (attempt !== forwarded) this.down.stream.off('close', this.#downClosed);
    this.hooks.onEnd(this.#status, error, grpc, this.#bytes);
    this.resolve(attempt);
  }
}
