// Golden metrics over time for one resource (the detail page's charts), as range queries: `rate` over a short
// interval evaluated at every step, the Grafana-dashboard way (REFERENCE §3.1), not one `increase` over the window.
import { labelNames as L, metricNames as M } from '../metrics/names.js';
import type { ResourceKind } from '../resources.js';
import { byClause, labelSelector } from './labels.js';
import { resourceMatchers } from './queries.js';

export interface TimeseriesQueryArgs {
  readonly kind: ResourceKind;
  readonly namespace: string;
  readonly name: string;
  /** The `rate()` interval, e.g. "20s": at least two scrapes, and at least the step so no sample is skipped. */
  readonly rateInterval: string;
}

export interface TimeseriesQueries {
  /** Responses per second by outcome: RPS is their sum, success rate the success share. */
  readonly responses: string;
  readonly latencyP50: string;
  readonly latencyP95: string;
  readonly latencyP99: string;
}

export function timeseriesQueries({ kind, namespace, name, rateInterval }: TimeseriesQueryArgs): TimeseriesQueries {
  const selector = labelSelector(resourceMatchers({ kind, namespace, name }));
  const quantile = (q: number) =>
    `histogram_quantile(${q}, sum(rate(${M.responseLatencyMs}_bucket${selector}[${rateInterval}])) ${byClause(['le'])})`;
  return {
    responses: `sum(rate(${M.responseTotal}${selector}[${rateInterval}])) ${byClause([L.classification])}`,
    latencyP50: quantile(0.5),
    latencyP95: quantile(0.95),
    latencyP99: quantile(0.99),
  };
}
