// The golden-metric queries of Linkerd viz (viz/metrics-api/stat_summary.go), as named-argument builders.
import { labelNames as L, metricNames as M } from '../metrics/names.js';
import type { ResourceKind } from '../resources.js';
import { byClause, labelSelector, type LabelMatchers } from './labels.js';

export interface StatQueryArgs {
  readonly kind: ResourceKind;
  readonly namespace?: string | undefined;
  readonly name?: string | undefined;
  readonly window: string;
}

export interface StatQueries {
  /** Completed responses by outcome: `sum(increase(response_total…)) by (…, classification, tls)`. */
  readonly responses: string;
  readonly latencyP50: string;
  readonly latencyP95: string;
  readonly latencyP99: string;
  readonly tcpConnections: string;
}

/** The label that names a resource of this kind on a proxy's series (a Prometheus target label). */
export function resourceLabel(kind: ResourceKind): string {
  return kind === 'namespace' ? L.namespace : kind === 'deployment' ? L.deployment : L.pod;
}

/** Labels a stat row is grouped by: the namespace, then the resource (once for namespaces). */
export function statGroupBy(kind: ResourceKind): string[] {
  return kind === 'namespace' ? [L.namespace] : [L.namespace, resourceLabel(kind)];
}

/**
 * Inbound golden metrics for resources of one kind, as `linkerd viz stat <kind>` computes them: the traffic each
 * resource's proxies received, grouped by namespace and resource.
 */
export function statQueries({ kind, namespace, name, window }: StatQueryArgs): StatQueries {
  const groupBy = statGroupBy(kind);
  const resource = resourceLabel(kind);
  const matchers: LabelMatchers = {
    [L.direction]: 'inbound',
    [L.namespace]: namespace ?? (kind === 'namespace' ? name : undefined),
    ...(kind === 'namespace' ? {} : { [resource]: name ?? { ne: '' } }),
  };
  const selector = labelSelector(matchers);
  const quantile = (q: number) =>
    `histogram_quantile(${q}, sum(irate(${M.responseLatencyMs}_bucket${selector}[${window}])) ${byClause(['le', ...groupBy])})`;
  return {
    responses: `sum(increase(${M.responseTotal}${selector}[${window}])) ${byClause([...groupBy, L.classification, L.tls])}`,
    latencyP50: quantile(0.5),
    latencyP95: quantile(0.95),
    latencyP99: quantile(0.99),
    tcpConnections: `sum(${M.tcpOpenConnections}${labelSelector({ ...matchers, [L.peer]: 'src' })}) ${byClause(groupBy)}`,
  };
}
