// Proxies one HTTP/2 stream to an upstream HTTP/2 session: headers (connection-specific fields stripped), body
// both ways through pipes (node:http2 flow control follows the pipes' backpressure), trailers both ways, resets
// propagated both ways. Failures before the response head become proxy responses; after it, stream resets.
import { constants, type ClientHttp2Stream, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http2';
import { upstreamError } from '../errors.js';
import { responseGrpcStatus } from '../http/classify.js';
import type { H2Sessions, H2Target } from './client.js';
import type { Header } from '../http/parse-head.js';
import { forwardableH2, headerString } from './headers.js';
import { propagatedResetCode } from './reset.js';
import { respondH2Error } from './response.js';
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

/** Response fields the proxy owns: an upstream cannot forge a proxy error. */
const responseOwned: ReadonlySet<string> = new Set();

/**
 * Forwards `down` to `target` with request `headers` (already rewritten for the next hop). Resolves when the
 * exchange is over, whichever way it ended; `hooks.onEnd` has been called by then.
 */
export async function forwardH2<T extends H2Target>(
  sessions: H2Sessions<T>,
  target: T,
  down: H2Request,
  headers: OutgoingHttpHeaders,
  hooks: StreamHooks,
): Promise<void> {
  const stream = down.stream;
  if (stream.destroyed || stream.closed) return hooks.onEnd(0, 'client-gone', undefined);
  let up: ClientHttp2Stream;
  try {
    up = await sessions.request(target, headers, { endStream: down.endStream, waitForTrailers: !down.endStream });
  } catch (err) {
    const sent = respondH2Error(stream, down.headers, upstreamError(err, target.addr));
    return hooks.onEnd(sent.status, upstreamError(err, target.addr).code, sent.grpc);
  }
  hooks.onRequestSent?.();
  return new Promise<void>((resolve) => new StreamProxy(down, up, target.addr, hooks, resolve).run());
}

// === impl StreamProxy ===

class StreamProxy {
  #status = 0;
  #responseHeaders: IncomingHttpHeaders | undefined;
  #responseTrailers: IncomingHttpHeaders | undefined;
  #requestTrailers: IncomingHttpHeaders | undefined;
  #upError: NodeJS.ErrnoException | undefined;
  #done = false;
  #bytes = 0;

  constructor(
    private readonly down: H2Request,
    private readonly up: ClientHttp2Stream,
    private readonly addr: string,
    private readonly hooks: StreamHooks,
    private readonly resolve: () => void,
  ) {}

  run(): void {
    const { down, up } = this;
    const stream = down.stream;
    if (stream.destroyed || stream.closed) {
      up.close(constants.NGHTTP2_CANCEL);
      return this.#finish('client-gone');
    }

    // === request: client → upstream ===
    if (!down.endStream) {
      stream.on('trailers', (t: IncomingHttpHeaders) => (this.#requestTrailers = t));
      up.on('wantTrailers', () => up.sendTrailers(this.#requestTrailers ? forwardableH2(this.#requestTrailers) : {}));
      stream.pipe(up);
    }

    // === response: upstream → client ===
    up.on('headers', (h: IncomingHttpHeaders) => {
      // Interim responses (100 Continue, 103 Early Hints) pass through.
      if (!stream.destroyed && !stream.headersSent) stream.additionalHeaders(forwardableH2(h));
    });
    up.on('response', (h: IncomingHttpHeaders, flags: number) => {
      if (stream.destroyed || stream.closed) return;
      this.#status = Number(h[':status']);
      this.#responseHeaders = h;
      this.hooks.onResponseHead(this.#status, h);
      const endStream = (flags & constants.NGHTTP2_FLAG_END_STREAM) !== 0;
      stream.respond(forwardableH2(h, responseOwned), { endStream, waitForTrailers: !endStream });
      this.hooks.onResponseSent?.();
      if (endStream) return;
      if (this.hooks.countBytes) up.on('data', (chunk: Buffer) => (this.#bytes += chunk.length));
      up.on('trailers', (t: IncomingHttpHeaders) => (this.#responseTrailers = t));
      stream.on('wantTrailers', () =>
        stream.sendTrailers(this.#responseTrailers ? forwardableH2(this.#responseTrailers, responseOwned) : {}),
      );
      up.pipe(stream);
    });

    // === endings ===
    up.on('error', (err: NodeJS.ErrnoException) => (this.#upError = err));
    up.once('close', () => this.#upClosed());
    stream.once('close', () => this.#downClosed());
  }

  #upClosed(): void {
    const { up } = this;
    const stream = this.down.stream;
    if (up.rstCode === constants.NGHTTP2_NO_ERROR && !this.#upError) return; // completed; the client side finishes
    if (this.#done || stream.destroyed || stream.closed) return;
    if (this.#upError?.code === 'ERR_HTTP2_STREAM_ERROR' || this.#status !== 0) {
      // The upstream reset the stream (or died mid-response): the client gets a reset, with the upstream's intent.
      const code = this.#upError?.code === 'ERR_HTTP2_STREAM_ERROR' ? (up.rstCode ?? constants.NGHTTP2_INTERNAL_ERROR) : constants.NGHTTP2_INTERNAL_ERROR;
      resetStream(stream, propagatedResetCode(code));
      return this.#finish('upstream-reset');
    }
    // The connection failed before any response: answer as HTTP/1 would (502), or UNAVAILABLE for gRPC.
    const err = upstreamError(this.#upError ?? Object.assign(new Error('closed'), { code: 'ECONNRESET' }), this.addr);
    const sent = respondH2Error(stream, this.down.headers, err);
    this.#status = sent.status;
    this.#finish(err.code, sent.grpc);
  }

  #downClosed(): void {
    const { up } = this;
    const stream = this.down.stream;
    if (stream.rstCode === constants.NGHTTP2_NO_ERROR && stream.writableFinished) {
      if (!up.closed) up.close(constants.NGHTTP2_NO_ERROR);
      const h = this.#responseHeaders;
      const grpc = h
        ? responseGrpcStatus(headerString(h['content-type']), headerString(h['grpc-status']), headerString(this.#responseTrailers?.['grpc-status']))
        : undefined;
      return this.#finish('', grpc);
    }
    // The client reset the stream or went away: cancel the upstream stream with the client's intent.
    if (!up.closed && !up.destroyed) up.close(propagatedResetCode(stream.rstCode ?? constants.NGHTTP2_CANCEL));
    this.#finish('client-gone');
  }

  #finish(error: string, grpc?: number): void {
    if (this.#done) return;
    this.#done = true;
    this.hooks.onEnd(this.#status, error, grpc, this.#bytes);
    this.resolve();
  }
}
