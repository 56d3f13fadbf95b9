// The HTTP/2 endpoint stage shared by both directions (the h2 counterpart of endpoint.ts): count the stream,
// forward it (h2 → h2, h2 → restored HTTP/1.1, or HTTP/1 → multiplexed h2), record the response under one
// endpoint's metric labels, report the outcome to the balancer's pick, time the proxy's own share
// (signalbox_proxy_overhead_ms) and feed tap, as endpoint.ts does for HTTP/1.
import type net from 'node:net';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http2';
import { ProxyError } from '../errors.js';
import type { ConnectionPool } from '../http/pool.js';
import type { Exchange } from '../http/server.js';
import type { H2Sessions } from '../http2/client.js';
import { forwardH2, type StreamAttempt, type StreamAttemptOptions, type StreamHooks } from '../http2/forward.js';
import { forwardH1OverH2, forwardH2AsH1 } from '../http2/orig-proto.js';
import { respondH2Error, type SentResponse } from '../http2/response.js';
import type { H2Request } from '../http2/server.js';
import type { Header } from '../http/parse-head.js';
import { h2RequestHead, responseHeaders } from '../tap/event.js';
import type { TappedRequest, TapRegistry } from '../tap/registry.js';
import type { TargetHttpMetrics } from '../telemetry/http-metrics.js';
import { respondError, type EndpointTarget } from './endpoint.js';
import { monotonicMs } from '../clock.js';

/**
 * The balancer pick's completion: time to the response head (ms), 'error' when none came, or nothing; with the
 * response status when there was one (failure accrual).
 */
export type PickDone = (outcome?: number | 'error', status?: number) => void;

/** The logical stage's view of an exchange (route metrics): its final status, error, gRPC status and time to head. */
export type ExchangeReport = (status: number, error: string, grpc: number | undefined, headMs: number | undefined) => void;

/**
 * The metric, balancer and tap side of one stream (or one exchange multiplexed onto a stream): one object per
 * stream, its methods shared (no closures).
 */
class EndpointStreamHooks implements StreamHooks {
  #headAt = -1;
  #requestLeg = 0;
  #headIn = 0;
  readonly countBytes: boolean;

  constructor(
    private readonly m: TargetHttpMetrics,
    private readonly startedAt: number,
    private readonly done: PickDone | undefined,
    private readonly tapped: TappedRequest | undefined,
    private readonly report?: ExchangeReport,
  ) {
    this.countBytes = tapped !== undefined;
  }

  /** Time to the response head (ms), once one came. */
  get headMs(): number | undefined {
    return this.#headAt < 0 ? undefined : this.#headAt;
  }

  onRequestSent(): void {
    this.#requestLeg = monotonicMs() - this.startedAt;
  }

  onResponseHead(status: number, headers: IncomingHttpHeaders | readonly Header[]): void {
    this.#headIn = monotonicMs();
    const headAt = this.#headIn - this.startedAt;
    this.#headAt = headAt;
    this.m.latency(status, headAt);
    this.done?.(headAt, status);
    this.tapped?.responseInit(status, responseHeaders(headers));
  }

  onResponseSent(): void {
    this.m.overhead(this.#requestLeg + (monotonicMs() - this.#headIn));
  }

  onEnd(status: number, error: string, grpc: number | undefined, bytes?: number): void {
    const headMs = this.headMs;
    this.m.response(status, error, grpc);
    this.report?.(status, error, grpc, headMs);
    if (headMs === undefined) this.done?.(error ? 'error' : undefined);
    const tapped = this.tapped;
    if (!tapped) return;
    // A response the proxy made itself (no endpoint head): init and end at once, as endpoint.ts does.
    if (headMs === undefined && status > 0) tapped.proxyResponse(status, error, bytes ?? 0);
    else tapped.responseEnd(bytes ?? 0, error || undefined, grpc);
  }
}

/** Tap's hook 1 for a stream (only called while someone taps). */
function tapStream(tap: TapRegistry, req: H2Request, target: EndpointTarget): TappedRequest | undefined {
  const socket = req.stream.session?.socket as net.Socket | undefined;
  if (!socket) return undefined;
  return tap.requestInit({ head: h2RequestHead(req.headers), client: socket, startedAt: req.startedAt }, target.tcp);
}

/** h2 stream → h2 endpoint (an h2 app, or a peer proxy's inbound); a failure before any response is answered. */
export function forwardStreamToEndpoint(
  sessions: H2Sessions<EndpointTarget>,
  target: EndpointTarget,
  req: H2Request,
  headers: OutgoingHttpHeaders,
  tap: TapRegistry,
): void {
  forwardStreamAttempt(sessions, target, req, headers, tap, undefined, undefined, (attempt) => {
    if (attempt.kind === 'failed') respondH2Error(req.stream, req.headers, attempt.error);
  });
}

/**
 * One attempt of a stream to an h2 endpoint, its request counted on `target`; `then` gets how it ended (a failure
 * is the caller's to answer, or to try again).
 */
export function forwardStreamAttempt(
  sessions: H2Sessions<EndpointTarget>,
  target: EndpointTarget,
  req: H2Request,
  headers: OutgoingHttpHeaders,
  tap: TapRegistry,
  done: PickDone | undefined,
  report: ExchangeReport | undefined,
  then: (attempt: StreamAttempt) => void,
  options?: StreamAttemptOptions,
): void {
  forwardH2(sessions, target, req, headers, streamHooks(target, req, tap, done, report), then, options);
}

/** forwardStreamAttempt as a promise, for the logical stage's retry loop. */
export function attemptStreamToEndpoint(
  sessions: H2Sessions<EndpointTarget>,
  target: EndpointTarget,
  req: H2Request,
  headers: OutgoingHttpHeaders,
  tap: TapRegistry,
  done: PickDone,
  report: ExchangeReport,
  options: StreamAttemptOptions,
): Promise<StreamAttempt> {
  return new Promise((resolve) => forwardStreamAttempt(sessions, target, req, headers, tap, done, report, resolve, options));
}

/** A stream's hooks on `target`, its request counted. */
function streamHooks(target: EndpointTarget, req: H2Request, tap: TapRegistry, done?: PickDone, report?: ExchangeReport): EndpointStreamHooks {
  target.http.request();
  const tapped = tap.active ? tapStream(tap, req, target) : undefined;
  return new EndpointStreamHooks(target.http, req.startedAt, done, tapped, report);
}

/** h2 stream a peer multiplexed (`signalbox-orig-proto`) → HTTP/1.1 to the app. */
export function restoreHttp1ToEndpoint(
  pool: ConnectionPool<EndpointTarget>,
  target: EndpointTarget,
  req: H2Request,
  drop: ReadonlySet<string>,
  tap: TapRegistry,
): void {
  forwardH2AsH1(pool, target, req, drop, streamHooks(target, req, tap));
}

/** HTTP/1 exchange → one stream of the shared h2 session to a meshed peer; ends the exchange with `ex.done`. */
export function multiplexToEndpoint(
  sessions: H2Sessions<EndpointTarget>,
  target: EndpointTarget,
  ex: Exchange,
  logical: { readonly authority: string; readonly path: string },
  drop: ReadonlySet<string>,
  tap: TapRegistry,
  done?: PickDone,
  report?: ExchangeReport,
): void {
  const m = target.http;
  m.request();
  const tapped = tap.active ? tap.requestInit(ex, target.tcp) : undefined;
  const hooks = new EndpointStreamHooks(m, ex.startedAt, done, tapped, report);
  forwardH1OverH2(sessions, target, ex, logical, drop, hooks, (outcome) => {
    // No head: the proxy's own answer (its body counted for tap, as endpoint.ts counts it).
    if (outcome instanceof ProxyError) {
      hooks.onEnd(outcome.status, outcome.code, undefined, Buffer.byteLength(`${outcome.message}\n`));
      return ex.done(respondError(ex, outcome));
    }
    hooks.onEnd(outcome.status, outcome.kind === 'aborted' ? outcome.error : '', undefined, outcome.bytes);
    ex.done(outcome.kind === 'aborted' ? { close: true } : outcome.result);
  });
}

/** A proxy error for a stream that never reached an endpoint (failfast, bad authority), counted on `m` if given. */
export function respondStreamError(m: TargetHttpMetrics | undefined, req: H2Request, err: ProxyError): SentResponse {
  m?.request();
  const sent = respondH2Error(req.stream, req.headers, err);
  m?.response(sent.status, err.code, sent.grpc);
  return sent;
}
