// Per-route golden metrics (viz/metrics-api/top_routes.go): effective (route_response_total, after retries) and
// actual (route_actual_response_total, every attempt) outcomes by (rt_route, dst, classification), and latency
// quantiles of route_response_latency_ms by (le, dst, rt_route). A service is matched by its `dst` label in any of
// its spellings and ports; `from` narrows to one client workload's proxies (Prometheus target labels).
import { labelNames as L, metricNames as M } from '../metrics/names.js';
import { byClause, labelSelector, type LabelMatchers } from './labels.js';

export interface RouteQueryArgs {
  readonly namespace: string;
  readonly service: string;
  readonly window: string;
  /** Only the calls this deployment's proxies made (`linkerd viz routes deploy/web --to svc/books`). */
  readonly fromDeployment?: string | undefined;
}

export interface RouteQueries {
  readonly effective: string;
  readonly actual: string;
  readonly latencyP50: string;
  readonly latencyP95: string;
  readonly latencyP99: string;
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `dst` as the proxy writes it (`books.demo:7001`), or with the cluster suffix, on any port. */
export function routeDstRegex(service: string, namespace: string): string {
  return `${escapeRegex(`${service}.${namespace}`)}(\\.svc\\.cluster\\.local)?(:\\d+)?`;
}

export function routeQueries({ namespace, service, window, fromDeployment }: RouteQueryArgs): RouteQueries {
  const matchers: LabelMatchers = {
    [L.direction]: 'outbound',
    [L.dst]: { re: routeDstRegex(service, namespace) },
    ...(fromDeployment !== undefined ? { [L.deployment]: fromDeployment, [L.namespace]: namespace } : {}),
  };
  const selector = labelSelector(matchers);
  const outcomes = (metric: string) => `sum(increase(${metric}${selector}[${window}])) ${byClause([L.rtRoute, L.dst, L.classification])}`;
  const quantile = (q: number) =>
    `histogram_quantile(${q}, sum(irate(${M.routeResponseLatencyMs}_bucket${selector}[${window}])) ${byClause(['le', L.dst, L.rtRoute])})`;
  return {
    effective: outcomes(M.routeResponseTotal),
    actual: outcomes(M.routeActualResponseTotal),
    latencyP50: quantile(0.5),
    latencyP95: quantile(0.95),
    latencyP99: quantile(0.99),
  };
}
