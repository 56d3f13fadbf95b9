// Linkerd's ServiceProfile route metrics (REFERENCE §2.1), outbound: per logical request `route_request_total`,
// `route_response_total` and `route_response_latency_ms`; per attempt (retries included) the `route_actual_*`
// triple; and `route_retryable_total{skipped="no_budget"}` for retries the budget refused. Labels `direction`,
// `dst` (the logical authority), `rt_route` ("" for unmatched requests, viz's `[DEFAULT]`). As http-metrics.ts:
// counts accumulate in plain numbers and typed-array histograms, folded into prom-client at scrape.
import { Counter, type Registry } from './prom.js';
import { labelNames as L, latencyBucketsMs, metricNames as M, type Classification } from '@signalbox/shared';
import { ByOutcome } from './by-outcome.js';
import { TypedHistogram, type HistogramSeries } from './histogram.js';
import type { Labels } from './labels.js';

/** One leg (logical or actual) of one route: requests, responses by outcome, latency by status. */
class Leg {
  requests = 0;
  readonly responses: ByOutcome;
  readonly latency = new Map<number, HistogramSeries>();
  constructor(
    readonly labels: Labels,
    private readonly histogram: TypedHistogram,
  ) {
    this.responses = new ByOutcome(labels);
  }

  response(status: number, classification: Classification, error: string, grpc: number | undefined, latencyMs: number | undefined): void {
    this.responses.count(status, classification, error, grpc);
    if (latencyMs === undefined) return;
    let h = this.latency.get(status);
    if (!h) this.latency.set(status, (h = this.histogram.series({ ...this.labels, [L.statusCode]: status ? String(status) : '' })));
    h.observe(latencyMs);
  }
}

export class RouteSeries {
  /** The original requests, as the client sees them (effective). */
  readonly logical: Leg;
  /** Every attempt sent to an endpoint (actual). */
  readonly actual: Leg;
  noBudget = 0;
  constructor(
    readonly labels: Labels,
    histogram: TypedHistogram,
    actualHistogram: TypedHistogram,
  ) {
    this.logical = new Leg(labels, histogram);
    this.actual = new Leg(labels, actualHistogram);
  }
}

const routeLabelNames = [L.direction, L.dst, L.rtRoute] as const;
const responseLabelNames = [...routeLabelNames, L.statusCode, L.classification, L.grpcStatus, L.error];

export class RouteMetrics {
  readonly #series = new Map<string, RouteSeries>();
  readonly #histogram: TypedHistogram;
  readonly #actualHistogram: TypedHistogram;

  constructor(registry: Registry) {
    const series = this.#series;
    const requests = (name: string, help: string, leg: (s: RouteSeries) => Leg) =>
      new Counter({
        name,
        help,
        labelNames: routeLabelNames,
        registers: [registry],
        collect() {
          for (const s of series.values()) {
            const l = leg(s);
            if (l.requests === 0) continue;
            this.inc(l.labels, l.requests);
            l.requests = 0;
          }
        },
      });
    const responses = (name: string, help: string, leg: (s: RouteSeries) => Leg) =>
      new Counter({
        name,
        help,
        labelNames: responseLabelNames,
        registers: [registry],
        collect() {
          for (const s of series.values()) leg(s).responses.flush(this);
        },
      });
    const histogram = (name: string, help: string, leg: (s: RouteSeries) => Leg) =>
      new TypedHistogram({
        name,
        help,
        buckets: latencyBucketsMs,
        registers: [registry],
        series: function* () {
          for (const s of series.values()) yield* leg(s).latency.values();
        },
      });
    requests(M.routeRequestTotal, 'Total count of HTTP requests, per profile route.', (s) => s.logical);
    responses(M.routeResponseTotal, 'Total count of HTTP responses, per profile route (after retries).', (s) => s.logical);
    this.#histogram = histogram(M.routeResponseLatencyMs, 'Time to the response head, per profile route, retries included.', (s) => s.logical);
    requests(M.routeActualRequestTotal, 'Total count of HTTP requests sent to endpoints, per profile route (every attempt).', (s) => s.actual);
    responses(M.routeActualResponseTotal, 'Total count of HTTP responses from endpoints, per profile route (every attempt).', (s) => s.actual);
    this.#actualHistogram = histogram(M.routeActualResponseLatencyMs, 'Time to the response head of each attempt, per profile route.', (s) => s.actual);
    new Counter({
      name: M.routeRetryableTotal,
      help: 'Total count of retries a retryable route wanted but did not make.',
      labelNames: [...routeLabelNames, L.skipped],
      registers: [registry],
      collect() {
        for (const s of series.values()) {
          if (s.noBudget === 0) continue;
          this.inc({ ...s.labels, [L.skipped]: 'no_budget' }, s.noBudget);
          s.noBudget = 0;
        }
      },
    });
  }

  /** The series of route `route` ("" = default) of the logical authority `dst`, made on first use. */
  forRoute(dst: string, route: string): RouteSeries {
    const key = `${dst}|${route}`;
    let s = this.#series.get(key);
    if (!s) {
      s = new RouteSeries({ [L.direction]: 'outbound', [L.dst]: dst, [L.rtRoute]: route }, this.#histogram, this.#actualHistogram);
      this.#series.set(key, s);
    }
    return s;
  }
}
