// Linkerd's legacy HTTP metrics: request_total (at request start), response_total (at response end) and
// response_latency_ms (time to the response head). Counters accumulate in plain numbers and are handed to
// prom-client on scrape, so a request costs a few field increments, not label hashing.
import { Counter, Histogram, type Registry } from 'prom-client';
import { labelNames as L, latencyBucketsMs, metricNames } from '@signalbox/shared';
import { classify } from '../http/classify.js';
import { endpointLabelNames, targetKey, targetLabels, type Labels, type MetricTarget } from './labels.js';

interface ResponseSeries {
  readonly labels: Labels;
  pending: number;
}

export class TargetHttpMetrics {
  pendingRequests = 0;
  readonly #responses = new Map<string, ResponseSeries>();
  readonly #latency = new Map<number, { observe(v: number): void }>();

  constructor(
    readonly labels: Labels,
    private readonly histogram: Histogram<string>,
  ) {}

  request(): void {
    this.pendingRequests++;
  }

  /** Time to the response head, in ms. */
  latency(status: number, ms: number): void {
    let child = this.#latency.get(status);
    if (!child) {
      child = this.histogram.labels({ ...this.labels, [L.statusCode]: String(status) });
      this.#latency.set(status, child);
    }
    child.observe(ms);
  }

  /**
   * `status` 0 when no response head was received; `error` is a ProxyError code or ""; `grpc` the gRPC status of
   * a gRPC response (see http/classify.ts), undefined otherwise.
   */
  response(status: number, error: string, grpc?: number): void {
    const key = grpc === undefined ? `${status}|${error}` : `${status}|${error}|${grpc}`;
    let s = this.#responses.get(key);
    if (!s) {
      s = {
        labels: {
          ...this.labels,
          [L.statusCode]: status ? String(status) : '',
          [L.classification]: classify(status, grpc, error),
          [L.grpcStatus]: grpc === undefined ? '' : String(grpc),
          [L.error]: error,
        },
        pending: 0,
      };
      this.#responses.set(key, s);
    }
    s.pending++;
  }

  flushResponses(counter: Counter<string>): void {
    for (const s of this.#responses.values()) {
      if (s.pending === 0) continue;
      counter.inc(s.labels, s.pending);
      s.pending = 0;
    }
  }
}

export class HttpMetrics {
  readonly #targets = new Map<string, TargetHttpMetrics>();
  readonly #histogram: Histogram<string>;

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
    this.#histogram = new Histogram({
      name: metricNames.responseLatencyMs,
      help: 'Elapsed times between a request\'s headers being received and its response stream completing.',
      labelNames: [...endpointLabelNames, L.statusCode],
      buckets: [...latencyBucketsMs],
      registers: [registry],
    });
  }

  forTarget(target: MetricTarget): TargetHttpMetrics {
    const key = targetKey(target);
    let t = this.#targets.get(key);
    if (!t) {
      t = new TargetHttpMetrics(targetLabels(target), this.#histogram);
      this.#targets.set(key, t);
    }
    return t;
  }
}
