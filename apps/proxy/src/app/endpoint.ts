// The endpoint stage shared by both directions: count the request, forward it over the pool, record the
// response (or answer with the coded error), all under one endpoint's metric labels. Also times the proxy's own
// share of the exchange (signalbox_proxy_overhead_ms): head in → sent upstream, plus response head in → sent on.
import type { PickOutcome } from '../balance/balancer.js';
import { closesConnection, upstreamError, type ProxyError } from '../errors.js';
import { forward, type AttemptOutcome, type AttemptSettle, type ForwardHooks, type ForwardOptions } from '../http/client.js';
import type { ResponseHead } from '../http/parse-head.js';
import type { ConnectionPool } from '../http/pool.js';
import { formatPlainResponse } from '../http/response.js';
import type { Exchange, ExchangeResult } from '../http/server.js';
import type { TappedRequest, TapRegistry } from '../tap/registry.js';
import type { TargetHttpMetrics } from '../telemetry/http-metrics.js';
import type { MetricTarget } from '../telemetry/labels.js';
import { monotonicMs } from '../clock.js';

export interface EndpointTarget {
  readonly addr: string;
  readonly host: string;
  readonly port: number;
  /** TCP metric labels for connections to this endpoint (no authority: connections are shared). */
  readonly tcp: MetricTarget;
  readonly http: TargetHttpMetrics;
  /** Outbound to a meshed endpoint with identity on: the name its certificate must carry (discovery's). mTLS then. */
  readonly identity?: string;
  /** With `identity`: the peer's app port, for the opaque transport header. */
  readonly appPort?: number;
}

/** The parameters forwardToEndpoint and attemptEndpoint share, then `Extra` (attemptEndpoint's options). */
type ToEndpoint<R, Extra extends unknown[] = []> = (
  pool: ConnectionPool<EndpointTarget>,
  target: EndpointTarget,
  ex: Exchange,
  requestHead: string | Buffer,
  tap: TapRegistry,
  /** The balancer pick to settle: RTT to the response head, 'error' when none came (balanced requests only). */
  done?: (outcome?: PickOutcome, status?: number) => void,
  ...extra: Extra
) => R;

/**
 * Forwards `ex` to `target` and ends the exchange (`ex.done`), answering a failure with the coded error. On an idle
 * pooled connection this is the whole common path: callbacks from socket events, no promise or closure.
 */
export const forwardToEndpoint: ToEndpoint<undefined> = (pool, target, ex, requestHead, tap, done) => {
  const call = new EndpointCall(target, ex, tap, done, undefined);
  forward(pool, target, ex, requestHead, call, call);
  return undefined;
};

/** How one attempt on an endpoint ended, for the logical stage (retries, route metrics). */
export type EndpointAttempt =
  /** A response reached the client (`error` set when its body was cut short: the client connection is gone). */
  | { readonly kind: 'response'; readonly status: number; readonly error: string; readonly result: ExchangeResult }
  /** `admit` refused the response head: nothing reached the client. */
  | { readonly kind: 'discarded'; readonly status: number }
  /** No response head (connect failure, reset, timeout): nothing reached the client, the caller answers. */
  | { readonly kind: 'failed'; readonly error: ProxyError };

/**
 * One attempt of `ex` on `target`, counted under the endpoint's metrics (Linkerd's endpoint metrics are per
 * attempt), without answering the client on failure: `settled` is told how it ended, from the socket event that
 * ended it (no promise). `options` carries what retries need (forward()'s).
 */
export const attemptEndpointThen: ToEndpoint<undefined, [options: ForwardOptions | undefined, settled: (attempt: EndpointAttempt) => void]> = (
  pool,
  target,
  ex,
  requestHead,
  tap,
  done,
  options,
  settled,
) => {
  const call = new EndpointCall(target, ex, tap, done, settled);
  const admit = options?.admit;
  const opts: ForwardOptions | undefined = admit
    ? {
        ...options,
        // A refused head is still this endpoint's response: counted, sampled and tapped before it is dropped.
        admit: (status, head) => {
          if (admit(status, head)) return true;
          call.onResponseHead(status, head);
          return false;
        },
      }
    : options;
  forward(pool, target, ex, requestHead, call, call, opts);
  return undefined;
};

/** attemptEndpointThen as a promise, for the logical stage's retry loop. */
export const attemptEndpoint: ToEndpoint<Promise<EndpointAttempt>, [options?: ForwardOptions]> = (pool, target, ex, requestHead, tap, done, options) =>
  new Promise((resolve) => attemptEndpointThen(pool, target, ex, requestHead, tap, done, options, resolve));

const closed: ExchangeResult = { close: true };

/**
 * One attempt's hooks and end, a single object per request: times it (response_latency_ms, proxy overhead,
 * the balancer's RTT sample), counts and taps it, then either ends the exchange (`resolve` absent) or hands the
 * outcome to the logical stage.
 */
class EndpointCall implements ForwardHooks, AttemptSettle {
  readonly #m: TargetHttpMetrics;
  readonly #tapped: TappedRequest | undefined;
  readonly #sentAt: number;
  #requestLeg = 0;
  #headIn = 0;

  constructor(
    private readonly target: EndpointTarget,
    private readonly ex: Exchange,
    tap: TapRegistry,
    private readonly done: ((outcome?: PickOutcome, status?: number) => void) | undefined,
    private readonly resolve: ((attempt: EndpointAttempt) => void) | undefined,
  ) {
    this.#m = target.http;
    this.#m.request();
    // Untapped, this is the only tap cost: one boolean.
    this.#tapped = tap.active ? tap.requestInit(ex, target.tcp) : undefined;
    this.#sentAt = done ? monotonicMs() : 0;
  }

  onRequestSent(): void {
    this.#requestLeg = monotonicMs() - this.ex.startedAt;
  }

  /** Also for a head `admit` refused: still this endpoint's response, counted, sampled and tapped. */
  onResponseHead(status: number, head: ResponseHead): void {
    const now = (this.#headIn = monotonicMs());
    this.#m.latency(status, now - this.ex.startedAt);
    this.done?.(now - this.#sentAt, status);
    this.#tapped?.responseInit(status, head.headers);
  }

  onResponseSent(): void {
    this.#m.overhead(this.#requestLeg + (monotonicMs() - this.#headIn));
  }

  settled(outcome: AttemptOutcome): void {
    const m = this.#m;
    switch (outcome.kind) {
      case 'discarded':
        m.response(outcome.status, '');
        this.#tapped?.responseEnd(0);
        return this.resolve?.(outcome);
      case 'aborted':
        // After the head the pick is settled already; before it, the client left: no sample either way.
        this.done?.();
        m.response(outcome.status, outcome.error);
        this.#tapped?.responseEnd(outcome.bytes, outcome.error);
        if (!this.resolve) return this.ex.done(closed);
        return this.resolve({ kind: 'response', status: outcome.status, error: outcome.error, result: closed });
      case 'response':
        m.response(outcome.status, '');
        this.#tapped?.responseEnd(outcome.bytes);
        if (!this.resolve) return this.ex.done(outcome.result);
        return this.resolve({ kind: 'response', status: outcome.status, error: '', result: outcome.result });
    }
  }

  failed(err: ProxyError): void {
    const e = upstreamError(err, this.target.addr);
    this.done?.('error');
    this.#m.response(e.status, e.code);
    this.#tapped?.proxyResponse(e.status, e.code, Buffer.byteLength(`${e.message}\n`));
    if (!this.resolve) return this.ex.done(respondError(this.ex, e));
    this.resolve({ kind: 'failed', error: e });
  }
}

/** Answers the client with a proxy-generated error (`signalbox-proxy-error: <code>`). */
export function respondError(ex: Exchange, err: ProxyError): ExchangeResult {
  const close = ex.shouldClose() || closesConnection(err.code);
  if (!ex.client.destroyed)
    ex.client.write(
      formatPlainResponse({
        status: err.status,
        body: `${err.message}\n`,
        error: err.code,
        close,
        keepAlive10: ex.head.minor === 0,
        head: ex.head.method === 'HEAD',
      }),
    );
  return { close };
}
