// Linkerd's legacy HTTP metrics: request_total (at request start), response_total (at response end) and
// response_latency_ms (time to the response head), plus Signalbox's signalbox_proxy_overhead_ms (time inside the
// proxy). Counters accumulate in plain numbers and latencies in typed
// arrays, handed to prom-client on scrape, so a request costs a few field increments, not label hashing.
import { Counter, type Registry } from './prom.js';
import { labelNames as L, latencyBucketsMs, metricNames, overheadBucketsMs } from '@signalbox/shared';
import { classify } from '../http/classify.js';
import { ByOutcome } from './by-outcome.js';
import { TypedHistogram, type HistogramSeries } from './histogram.js';
import { endpointLabelNames, targetKey, targetLabels, type Labels, type MetricTarget } from './labels.js';

export class TargetHttpMetrics {
  pendingRequests = 0;
  readonly #responses: ByOutcome;
  readonly #latency = new Map<number, HistogramSeries>();
  #overhead: HistogramSeries | undefined;

  constructor(
    readonly labels: Labels,
    private readonly histogram: TypedHistogram,
    private readonly overheadHistogram: TypedHistogram,
  ) {
    this.#responses = new ByOutcome(labels);
  }

  request(): void {
    this.pendingRequests++;
  }

  /** Time to the response head, in ms. */
  latency(status: number, ms: number): void {
    let series = this.#latency.get(status);
    if (!series) {
      series = this.histogram.series({ ...this.labels, [L.statusCode]: String(status) });
      this.#latency.set(status, series);
    }
    series.observe(ms);
  }

  /** Time the request spent inside the proxy, in ms: request head in → forwarded, plus response head in → forwarded. */
  overhead(ms: number): void {
    (this.#overhead ??= this.overheadHistogram.series(this.labels)).observe(ms);
  }

  /** @internal: the overhead series, if any request completed, for the scrape. */
  overheadSeries(): HistogramSeries | undefined {
    return this.#overhead;
  }

  /** @internal: every latency series, for the scrape. */
  latencySeries(): Iterable<HistogramSeries> {
    return this.#latency.values();
  }

  /**
   * `status` 0 when no response head was received; `error` is a ProxyError code or ""; `grpc` the gRPC status of
   * a gRPC response (see http/classify.ts), undefined otherwise.
   */
  response(status: number, error: string, grpc?: number): void {
    this.#responses.count(status, classify(status, grpc, error), error, grpc);
  }

  flushResponses(counter: Counter<string>): void {
    this.#responses.flush(counter);
  }
}

export class HttpMetrics {
  readonly #targets = new Map<string, TargetHttpMetrics>();
  readonly #histogram: TypedHistogram;
  readonly #overhead: TypedHistogram;

  constructor(registry: Registry) {
    const targets = this.#targets;
    new Counter({
      name: metricNames.requestTotal,
      help: 'Total count of HTTP requests.',
      labelNames: endpointLabelNames,
      registers: [registry],
      collect() {
        for (const t of targets.values()) {
          if (t.pendingRequests === 0) continue;
          this.inc(t.labels, t.pendingRequests);
          t.pendingRequests = 0;
        }
      },
    });
    new Counter({
      name: metricNames.responseTotal,
      help: 'Total count of HTTP responses.',
      labelNames: [...endpointLabelNames, L.statusCode, L.classification, L.grpcStatus, L.error],
      registers: [registry],
      collect() {
        for (const t of targets.values()) t.flushResponses(this);
      },
    });
    this.#histogram = new TypedHistogram({
      name: metricNames.responseLatencyMs,
      help: 'Elapsed times between a request\'s headers being received and its response stream completing.',
      buckets: latencyBucketsMs,
      registers: [registry],
      series: function* () {
        for (const t of targets.values()) yield* t.latencySeries();
      },
    });
    this.#overhead = new TypedHistogram({
      name: metricNames.proxyOverheadMs,
      help: 'Time a request spent inside the proxy: request headers received to forwarded, plus response headers received to forwarded.',
      buckets: overheadBucketsMs,
      registers: [registry],
      series: function* () {
        for (const t of targets.values()) {
          const s = t.overheadSeries();
          if (s) yield s;
        }
      },
    });
  }

  forTarget(target: MetricTarget): TargetHttpMetrics {
    const key = targetKey(target);
    let t = this.#targets.get(key);
    if (!t) {
      t = new TargetHttpMetrics(targetLabels(target), this.#histogram, this.#overhead);
      this.#targets.set(key, t);
    }
    return t;
  }
}
