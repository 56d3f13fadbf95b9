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
  /** Bytes over the window; divided by its seconds for bytes/s (Linkerd's `-o wide` READ_BYTES/SEC). */
  readonly tcpReadBytes: string;
  readonly tcpWriteBytes: string;
}

/**
 * The label that names a resource of this kind on a proxy's series. Workloads are Prometheus target labels (the
 * server side); a service exists only in the client's `dst_service` label.
 */
export function resourceLabel(kind: ResourceKind): string {
  switch (kind) {
    case 'namespace':
      return L.namespace;
    case 'deployment':
    case 'statefulset':
    case 'daemonset':
      return L[kind];
    case 'pod':
      return L.pod;
    case 'service':
      return L.dstService;
  }
}

/** The label holding a row's namespace: the server's own, or the destination's for services. */
export function namespaceLabel(kind: ResourceKind): string {
  return kind === 'service' ? L.dstNamespace : L.namespace;
}

/** Labels a stat row is grouped by: the namespace, then the resource (once for namespaces). */
export function statGroupBy(kind: ResourceKind): string[] {
  return kind === 'namespace' ? [L.namespace] : [namespaceLabel(kind), resourceLabel(kind)];
}

/**
 * Golden metrics for resources of one kind, as `linkerd viz stat <kind>` computes them. Workloads and namespaces:
 * the traffic their proxies received (inbound, TCP `peer="src"`). Services: what meshed clients sent to them
 * (outbound by `dst_service`, TCP `peer="dst"`), since a service has no proxy of its own.
 */
export function statQueries({ kind, namespace, name, window }: StatQueryArgs): StatQueries {
  const groupBy = statGroupBy(kind);
  const matchers = resourceMatchers({ kind, namespace, name });
  const selector = labelSelector(matchers);
  const tcp = labelSelector({ ...matchers, [L.peer]: kind === 'service' ? 'dst' : 'src' });
  const quantile = (q: number) =>
    `histogram_quantile(${q}, sum(irate(${M.responseLatencyMs}_bucket${selector}[${window}])) ${byClause(['le', ...groupBy])})`;
  const bytes = (metric: string) => `sum(increase(${metric}${tcp}[${window}])) ${byClause(groupBy)}`;
  return {
    responses: `sum(increase(${M.responseTotal}${selector}[${window}])) ${byClause([...groupBy, L.classification, L.tls])}`,
    latencyP50: quantile(0.5),
    latencyP95: quantile(0.95),
    latencyP99: quantile(0.99),
    tcpConnections: `sum(${M.tcpOpenConnections}${tcp}) ${byClause(groupBy)}`,
    tcpReadBytes: bytes(M.tcpReadBytesTotal),
    tcpWriteBytes: bytes(M.tcpWriteBytesTotal),
  };
}

/**
 * The series of one kind of resource (one resource when `name` is given): inbound on the workload's own proxies,
 * or outbound to `dst_service` for services. Shared by `stat` and the detail page's time series.
 */
export function resourceMatchers({ kind, namespace, name }: Omit<StatQueryArgs, 'window'>): LabelMatchers {
  if (kind === 'service')
    return { [L.direction]: 'outbound', [L.dstNamespace]: namespace, [L.dstService]: name ?? { ne: '' } };
  return {
    [L.direction]: 'inbound',
    // For namespaces the name is the namespace.
    [L.namespace]: namespace ?? (kind === 'namespace' ? name : undefined),
    ...(kind === 'namespace' ? {} : { [resourceLabel(kind)]: name ?? { ne: '' } }),
  };
}
