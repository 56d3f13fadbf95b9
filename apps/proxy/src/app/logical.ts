// The outbound logical stage (Linkerd's http/logical with a ServiceProfile), between the HTTP server and the
// concrete balancers: match the request to a profile route, count it in the route metrics, pick a backend by
// weight (traffic split), and for retryable routes retry failed attempts within the retry budget, with backoff,
// under the route's timeout (which covers every attempt and the waits between them). The profile comes with the
// logical authority's discovery stream and is re-read on every request, so a change applies to the next one.
// HTTP/1 requests and h2 streams get all of it; a body is only ever kept for replay up to 64 KiB.
import type { OutgoingHttpHeaders } from 'node:http2';
import { maxRetryBodyBytes, type Endpoint, type Profile } from '@signalbox/shared';
import { sleep, untilAborted } from '../abortable.js';
import type { Balancer, Pick, PickOutcome } from '../balance/balancer.js';
import { chooseEndpoint } from '../balance/failfast.js';
import { pickWeighted } from '../balance/weighted.js';
import type { Resolution } from '../discovery/resolution.js';
import { ProxyError } from '../errors.js';
import type { RequestAuthority } from '../http/authority.js';
import type { ConnectionPool } from '../http/pool.js';
import { RetryBudget, retryDelayMs } from '../http/retry.js';
import { compileRoutes, matchRoute, type Route } from '../http/route.js';
import type { Exchange, ExchangeResult } from '../http/server.js';
import type { H2Sessions } from '../http2/client.js';
import { ReplayBody } from '../http2/replay-body.js';
import type { H2Request } from '../http2/server.js';
import type { TapRegistry } from '../tap/registry.js';
import type { TargetHttpMetrics } from '../telemetry/http-metrics.js';
import type { RouteSeries } from '../telemetry/route-metrics.js';
import type { Telemetry } from '../telemetry/registry.js';
import { attemptEndpoint, attemptEndpointThen, respondError, type EndpointTarget } from './endpoint.js';
import { attemptStreamToEndpoint, forwardStreamAttempt, multiplexToEndpoint, respondStreamError } from './endpoint-h2.js';
import { monotonicMs } from '../clock.js';

export interface LogicalDeps {
  readonly telemetry: Telemetry;
  readonly tap: TapRegistry;
  readonly failfastTimeoutMs: number;
  readonly pool: ConnectionPool<EndpointTarget>;
  readonly sessions: H2Sessions<EndpointTarget>;
  /** Discovery's (shared, live) resolution of a canonical `service.namespace:port` authority. */
  readonly resolve: (authority: string) => Resolution;
  readonly balancerFor: (resolution: Resolution) => Balancer;
  readonly endpointTarget: (endpoint: Endpoint, authority: string) => EndpointTarget;
  /** Whether an HTTP/1 request that may be multiplexed goes to `endpoint` as a stream of its h2 session. */
  readonly multiplexesTo: (endpoint: Endpoint) => boolean;
  /** Endpoint-level metrics for requests that never reached an endpoint (failfast), by the authority alone. */
  readonly failfastMetrics: (logical: RequestAuthority) => TargetHttpMetrics;
  /** Request fields the outbound side owns (dropped when an HTTP/1 request is multiplexed over h2). */
  readonly owned: ReadonlySet<string>;
  /** Uniform in [0, 1): backend weights and backoff jitter. */
  readonly random?: () => number;
}

// === impl Logical: one logical authority's compiled profile ===

class Logical {
  #profile: Profile | undefined;
  #compiled = false;
  routes: readonly Route[] = [];
  budget: RetryBudget | undefined;
  #budgetKey = '';
  backends: readonly string[] = [];
  weights: readonly number[] = [];
  readonly #series = new Map<string, RouteSeries>();

  constructor(
    readonly resolution: Resolution,
    private readonly deps: LogicalDeps,
  ) {}

  /** Recompiles when the control plane sent a new profile (identity check: once per request, nearly free). */
  refresh(): this {
    const profile = this.resolution.profile;
    if (this.#compiled && profile === this.#profile) return this;
    this.#compiled = true;
    this.#profile = profile;
    this.routes = compileRoutes(profile?.routes ?? []);
    const b = profile?.retryBudget;
    const key = b ? `${b.retryRatio}|${b.minRetriesPerSecond}|${b.ttlMs}` : '';
    // The budget's window survives profile changes that leave it alone.
    if (key !== this.#budgetKey) {
      this.#budgetKey = key;
      this.budget = b ? new RetryBudget(b) : undefined;
    }
    const overrides = profile?.dstOverrides ?? [];
    this.backends = overrides.map((o) => o.authority);
    this.weights = overrides.map((o) => o.weight);
    // Resolve every backend now, weight 0 included, so moving weight later finds its endpoints already known.
    for (const a of this.backends) this.deps.resolve(a);
    return this;
  }

  series(route: Route): RouteSeries {
    let s = this.#series.get(route.name);
    if (!s) this.#series.set(route.name, (s = this.deps.telemetry.routes.forRoute(this.resolution.authority, route.name)));
    return s;
  }

  /** The concrete resolution for one request: a backend by weight, or the logical authority itself. */
  backend(random: () => number): Resolution {
    if (this.backends.length === 0) return this.resolution;
    const i = pickWeighted(this.weights, random);
    return i < 0 ? this.resolution : this.deps.resolve(this.backends[i] as string);
  }
}

export function createLogical(deps: LogicalDeps) {
  const random = deps.random ?? Math.random;
  const logicals = new WeakMap<Resolution, Logical>();
  const logicalFor = (resolution: Resolution): Logical => {
    let l = logicals.get(resolution);
    if (!l) logicals.set(resolution, (l = new Logical(resolution, deps)));
    return l.refresh();
  };

  /** Waits for an endpoint of `concrete` (failfast), or for the route's timeout, whichever comes first. */
  function pickFrom(concrete: Resolution, signal: AbortSignal | undefined): Promise<Pick | Error> {
    const picked = chooseEndpoint(deps.balancerFor(concrete), concrete, deps.failfastTimeoutMs);
    // Failing is one of its answers (failfast, the route's timeout), so it resolves with the error: no try/catch.
    return (signal ? untilAborted(picked, signal, (late) => late.done()) : picked).catch((err: Error) => err);
  }

  /**
   * Answers a failed pickFrom with the request's `finish`. Failfast also counts under the logical authority's failfast
   * metrics; the route's timeout is the route's own, counted by `finish` alone. A plain function over the request's
   * existing `finish`, so the per-request path gains no closure.
   */
  function pickFailed<R>(err: Error, logical: RequestAuthority, finish: (err: ProxyError, m?: TargetHttpMetrics) => R): R {
    const e = err as ProxyError;
    return finish(e, e.code === 'timeout' ? undefined : deps.failfastMetrics(logical));
  }

  // === HTTP/1 ===

  /**
   * `multiplex`: the request may go as a stream of an endpoint's shared h2 session, where `multiplexesTo` says so;
   * retried and timed requests always go over pooled HTTP/1, where a response head can be judged before it is sent.
   * The common request (discovery has answered, its route neither retries nor times out, the balancer has an
   * endpoint now) is forwarded from here: by callbacks, no promise per request, as on the inbound side, or as a
   * stream when multiplexed; everything else takes `http1Routed`'s loop.
   */
  function http1(ex: Exchange, logical: RequestAuthority, resolution: Resolution, head: Buffer, multiplex: boolean): Promise<ExchangeResult | undefined> | undefined {
    if (resolution.status === 'pending' && resolution.profile === undefined) return http1Routed(ex, logical, resolution, head, multiplex);
    const state = logicalFor(resolution);
    const route = matchRoute(state.routes, ex.head.method, logical.path);
    if (route.retryable || route.timeoutMs !== undefined || ex.client.destroyed) return http1Routed(ex, logical, resolution, head, multiplex);
    const pick = deps.balancerFor(state.backend(random)).choose();
    if (!pick) return http1Routed(ex, logical, resolution, head, multiplex);
    const series = state.series(route);
    series.logical.requests++;
    series.actual.requests++;
    const attempt = new RouteAttempt(ex, route, series, pick);
    if (multiplex && deps.multiplexesTo(pick.endpoint)) return multiplexed(ex, logical, route, series, attempt, pick.endpoint);
    attemptEndpointThen(deps.pool, deps.endpointTarget(pick.endpoint, logical.authority), ex, head, deps.tap, attempt.done, undefined, (outcome) => {
      if (outcome.kind === 'response') {
        attempt.response(outcome.status, outcome.error);
        return ex.done(outcome.result);
      }
      // 'discarded' needs an `admit`, which this path never gives.
      if (outcome.kind === 'failed') ex.done(failRoute(ex, series, attempt.failed(outcome.error)));
    });
    return undefined;
  }

  async function http1Routed(ex: Exchange, logical: RequestAuthority, resolution: Resolution, head: Buffer, multiplex: boolean): Promise<ExchangeResult | undefined> {
    if (resolution.status === 'pending' && resolution.profile === undefined) await firstAnswer(resolution, deps.failfastTimeoutMs);
    const state = logicalFor(resolution);
    const route = matchRoute(state.routes, ex.head.method, logical.path);
    const series = state.series(route);
    series.logical.requests++;
    const finish = (err: ProxyError, m?: TargetHttpMetrics): ExchangeResult => failRoute(ex, series, err, m);

    // Only a body we can send again makes a request retryable: none, or one small enough to buffer (Linkerd: 64 KiB).
    let body: Buffer | undefined;
    let retryable = route.retryable;
    const framing = ex.body.framing;
    if (retryable && framing.kind !== 'none') {
      if (framing.kind === 'length' && framing.length <= maxRetryBodyBytes) {
        body = await readBody(ex);
        if (body === undefined) return { close: true };
      } else retryable = false;
    }
    const budget = retryable ? state.budget : undefined;
    budget?.deposit();

    const deadline = route.timeoutMs === undefined ? undefined : new Deadline(route.timeoutMs, ex.startedAt, logical.authority);
    const signal = deadline?.signal;
    try {
      for (let retry = 0; ; retry++) {
        const pick = await pickFrom(state.backend(random), signal);
        if (pick instanceof Error) return pickFailed(pick, logical, finish);
        if (ex.client.destroyed) {
          pick.done();
          series.logical.response(0, 'failure', 'client-gone', undefined, undefined);
          return { close: true };
        }
        const attempt = new RouteAttempt(ex, route, series, pick);
        series.actual.requests++;
        if (multiplex && !retryable && signal === undefined && deps.multiplexesTo(pick.endpoint))
          return multiplexed(ex, logical, route, series, attempt, pick.endpoint);

        const target = deps.endpointTarget(pick.endpoint, logical.authority);
        const admit = retryable ? (status: number) => !retriesResponse(route, budget, series, status, undefined) : undefined;
        const outcome = await attemptEndpoint(deps.pool, target, ex, head, deps.tap, attempt.done, { body, signal, admit });
        if (outcome.kind === 'response') {
          attempt.response(outcome.status, outcome.error);
          return outcome.result;
        }
        if (outcome.kind === 'discarded') {
          attempt.discarded(outcome.status);
        } else {
          const e = attempt.failed(outcome.error);
          if (signal?.aborted || !retryable || !retriesError(route, budget, series, e)) return finish(e);
        }
        try {
          await sleep(retryDelayMs(retry, random), signal);
        } catch (err) {
          return finish(err as ProxyError);
        }
        if (ex.client.destroyed) {
          series.logical.response(0, 'failure', 'client-gone', undefined, undefined);
          return { close: true };
        }
      }
    } finally {
      deadline?.clear();
    }
  }

  /**
   * One exchange as a stream of the endpoint's h2 session (never retried or timed), ended by `ex.done`: the head's
   * time, from the stream's hooks, counts for both the attempt and the logical request.
   */
  function multiplexed(ex: Exchange, logical: RequestAuthority, route: Route, series: RouteSeries, attempt: RouteAttempt, endpoint: Endpoint): undefined {
    const target = deps.endpointTarget(endpoint, logical.authority);
    multiplexToEndpoint(deps.sessions, target, ex, logical, deps.owned, deps.tap, attempt.done, (status, error, _grpc, headMs) => {
      const classification = route.classify(status, undefined, error);
      series.actual.response(status, classification, error, undefined, headMs);
      series.logical.response(status, classification, error, undefined, headMs);
    });
    return undefined;
  }

  // === HTTP/2 streams ===

  /**
   * As HTTP/1: a retryable route's stream is tried again only while its whole body is kept (ended within 64 KiB,
   * see ReplayBody), judged on the response head; a trailers-only gRPC response is judged by its grpc-status. The
   * common stream (discovery has answered, its route neither retries nor times out, the balancer has an endpoint
   * now) is forwarded from here by callbacks; everything else takes `h2Routed`'s loop.
   */
  function h2(req: H2Request, logical: RequestAuthority, resolution: Resolution, headers: OutgoingHttpHeaders): Promise<void> | undefined {
    if (resolution.status === 'pending' && resolution.profile === undefined) return h2Routed(req, logical, resolution, headers);
    const state = logicalFor(resolution);
    const route = matchRoute(state.routes, requestMethod(req), logical.path);
    if (route.retryable || route.timeoutMs !== undefined || req.stream.destroyed || req.stream.closed) return h2Routed(req, logical, resolution, headers);
    const pick = deps.balancerFor(state.backend(random)).choose();
    if (!pick) return h2Routed(req, logical, resolution, headers);
    const series = state.series(route);
    series.logical.requests++;
    series.actual.requests++;
    const attempt = new StreamRouteAttempt(req, route, series, pick);
    const target = deps.endpointTarget(pick.endpoint, logical.authority);
    forwardStreamAttempt(deps.sessions, target, req, headers, deps.tap, attempt.done, attempt.report, (outcome) => {
      // 'discarded' needs an `admit`, which this path never gives.
      if (outcome.kind === 'forwarded') attempt.forwarded();
      else if (outcome.kind === 'failed') failStream(req, series, outcome.error);
    });
    return undefined;
  }

  async function h2Routed(req: H2Request, logical: RequestAuthority, resolution: Resolution, headers: OutgoingHttpHeaders): Promise<void> {
    if (resolution.status === 'pending' && resolution.profile === undefined) await firstAnswer(resolution, deps.failfastTimeoutMs);
    const state = logicalFor(resolution);
    const route = matchRoute(state.routes, requestMethod(req), logical.path);
    const series = state.series(route);
    series.logical.requests++;
    const finish = (err: ProxyError, m?: TargetHttpMetrics) => failStream(req, series, err, m);

    const body = route.retryable ? new ReplayBody(req, maxRetryBodyBytes) : undefined;
    const budget = body ? state.budget : undefined;
    budget?.deposit();
    const admit = body ? (status: number, grpc: number | undefined) => !retriesResponse(route, budget, series, status, grpc) : undefined;
    const deadline = route.timeoutMs === undefined ? undefined : new Deadline(route.timeoutMs, req.startedAt, logical.authority);
    const signal = deadline?.signal;
    try {
      for (let retry = 0; ; retry++) {
        const pick = await pickFrom(state.backend(random), signal);
        if (pick instanceof Error) return pickFailed(pick, logical, finish);
        // A client that reset the stream meanwhile (rapid reset) costs no upstream stream.
        if (req.stream.destroyed || req.stream.closed) {
          pick.done();
          return series.logical.response(0, 'failure', 'client-gone', undefined, undefined);
        }
        series.actual.requests++;
        const attempt = new StreamRouteAttempt(req, route, series, pick);
        const outcome = await attemptStreamToEndpoint(
          deps.sessions,
          deps.endpointTarget(pick.endpoint, logical.authority),
          req,
          headers,
          deps.tap,
          attempt.done,
          attempt.report,
          { body, signal, admit },
        );
        if (outcome.kind === 'forwarded') return attempt.forwarded();
        if (outcome.kind === 'failed') {
          const e = outcome.error;
          if (signal?.aborted || !body?.replayable || !retriesError(route, budget, series, e)) return finish(e);
        }
        try {
          await sleep(retryDelayMs(retry, random), signal);
        } catch (err) {
          return finish(err as ProxyError);
        }
      }
    } finally {
      deadline?.clear();
    }
  }

  return { http1, h2 };
}

/**
 * Waits (at most `timeoutMs`) for a new authority's first message, the profile on a v=2 stream, so that the first
 * requests are routed by it too (Linkerd also resolves the profile before routing). Failfast follows if nothing came.
 */
function firstAnswer(resolution: Resolution, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const finish = () => {
      clearTimeout(timer);
      unsubscribe();
      resolve();
    };
    const unsubscribe = resolution.subscribe(finish);
    const timer = setTimeout(finish, timeoutMs);
  });
}

/** Buffers a request body (its framing said it is small) for replay; undefined when the client went away first. */
function readBody(ex: Exchange): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    ex.onClientGone = { onClientGone: () => resolve(undefined) };
    ex.body.pipe(
      {
        // Copied: the bytes may be a view of the connection's read buffer, reused after this exchange.
        write: (chunk) => (chunks.push(Buffer.from(chunk)), true),
        once: () => undefined,
      },
      () => {
        ex.onClientGone = undefined;
        resolve(Buffer.concat(chunks));
      },
    );
  });
}

/** A route's timeout, from the request's start: aborts with the `timeout` error the client is answered with. */
class Deadline {
  readonly #controller = new AbortController();
  readonly #timer: NodeJS.Timeout;
  readonly signal = this.#controller.signal;

  constructor(ms: number, startedAt: number, authority: string) {
    const left = Math.max(0, ms - (monotonicMs() - startedAt));
    this.#timer = setTimeout(() => this.#controller.abort(new ProxyError('timeout', `no response from ${authority} within ${ms} ms`)), left);
  }

  clear(): void {
    clearTimeout(this.#timer);
  }
}

/**
 * One HTTP/1 attempt's route bookkeeping: the balancer's RTT sample and when the head came (the endpoint stage's
 * `done`), then the attempt counted in the route's actual series and, for a response, its logical one.
 */
class RouteAttempt {
  readonly #sentAt = monotonicMs();
  #headAt: number | undefined;

  constructor(
    private readonly ex: Exchange,
    private readonly route: Route,
    private readonly series: RouteSeries,
    private readonly pick: Pick,
  ) {}

  readonly done = (outcome?: PickOutcome, status?: number): void => {
    if (typeof outcome === 'number') this.#headAt = monotonicMs();
    this.pick.done(outcome, status);
  };

  /** A response reached the client. */
  response(status: number, error: string): void {
    const headAt = this.#headAt;
    const classification = this.route.classify(status, undefined, error);
    this.series.actual.response(status, classification, error, undefined, headAt === undefined ? undefined : headAt - this.#sentAt);
    this.series.logical.response(status, classification, error, undefined, headAt === undefined ? undefined : headAt - this.ex.startedAt);
  }

  /** `admit` refused the head (a retry follows): only the attempt is counted. */
  discarded(status: number): void {
    const headAt = this.#headAt;
    this.series.actual.response(status, this.route.classify(status, undefined, ''), '', undefined, headAt === undefined ? undefined : headAt - this.#sentAt);
  }

  /** No response head: counted as the attempt's failure; returns the error for the caller to answer or retry. */
  failed(err: ProxyError): ProxyError {
    this.series.actual.response(err.status, 'failure', err.code, undefined, undefined);
    return err;
  }
}

/** One stream's attempt on its route: each attempt is counted as `actual`; the one forwarded is the logical answer. */
class StreamRouteAttempt {
  readonly #sentAt: number;
  #status = 0;
  #error = '';
  #grpc: number | undefined;
  #headMs: number | undefined;

  constructor(
    req: H2Request,
    private readonly route: Route,
    private readonly series: RouteSeries,
    private readonly pick: Pick,
  ) {
    this.#sentAt = monotonicMs() - req.startedAt;
  }

  readonly done = (outcome?: PickOutcome, status?: number): void => this.pick.done(outcome, status);

  /** The attempt's end (`headMs` from the stream's start): counted for the attempt, kept for the logical request. */
  readonly report = (status: number, error: string, grpc: number | undefined, headMs: number | undefined): void => {
    this.series.actual.response(status, this.route.classify(status, grpc, error), error, grpc, headMs === undefined ? undefined : headMs - this.#sentAt);
    this.#status = status;
    this.#error = error;
    this.#grpc = grpc;
    this.#headMs = headMs;
  };

  /** The client got this attempt's response (or reset): the logical request ends as it did. */
  forwarded(): void {
    const status = this.#status;
    this.series.logical.response(status, this.route.classify(status, this.#grpc, this.#error), this.#error, this.#grpc, this.#headMs);
  }
}

/** A stream's failure answer, counted as the route's logical failure (`m`: failfast metrics, as for HTTP/1). */
function failStream(req: H2Request, series: RouteSeries, err: ProxyError, m?: TargetHttpMetrics): void {
  const sent = respondStreamError(m, req, err);
  series.logical.response(sent.status, 'failure', err.code, sent.grpc, undefined);
}

function requestMethod(req: H2Request): string {
  const method = req.headers[':method'];
  return typeof method === 'string' ? method : 'GET';
}

/**
 * Answers the client with `err`, counted as the route's logical failure; `m`, the failfast metrics of a request
 * that never reached an endpoint.
 */
function failRoute(ex: Exchange, series: RouteSeries, err: ProxyError, m?: TargetHttpMetrics): ExchangeResult {
  m?.request();
  m?.response(err.status, err.code);
  series.logical.response(err.status, 'failure', err.code, undefined, monotonicMs() - ex.startedAt);
  return respondError(ex, err);
}

/** Whether a retryable route's response head is retried: its outcome is retryable and the budget has a retry. */
function retriesResponse(route: Route, budget: RetryBudget | undefined, series: RouteSeries, status: number, grpc: number | undefined): boolean {
  return route.retriesOn(status, grpc, '') && withdraw(budget, series);
}

/** Whether a retryable route's attempt that got no response is retried. */
function retriesError(route: Route, budget: RetryBudget | undefined, series: RouteSeries, err: ProxyError): boolean {
  return route.retriesOn(0, undefined, err.code) && withdraw(budget, series);
}

/** One retry from the budget; a refused one is counted (`route_retryable_total{skipped="no_budget"}`). */
function withdraw(budget: RetryBudget | undefined, series: RouteSeries): boolean {
  if (budget?.withdraw()) return true;
  series.noBudget++;
  return false;
}
