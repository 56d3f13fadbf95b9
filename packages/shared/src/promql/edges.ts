// Workload → workload edges (viz/metrics-api/edges.go, widened): HTTP golden metrics per edge plus TCP connections
// and bytes, so links that carry only TCP show too (linkerd2#5206) and recently closed ones are not lost (#13929).
import { labelNames as L, metricNames as M } from '../metrics/names.js';
import { workloadKinds, type WorkloadKind } from '../resources.js';
import { byClause, labelSelector, type LabelMatchers } from './labels.js';

export interface EdgeQueryArgs {
  /** Edges with either end in this namespace; omitted: every edge in the mesh. */
  readonly namespace?: string | undefined;
  readonly window: string;
}

export interface EdgeQueries {
  /** Completed responses per edge by outcome and TLS state. */
  readonly responses: string;
  readonly latencyP99: string;
  /** Open connections per edge with the TLS detail Linkerd's `edges` shows (reason, server identity). */
  readonly tcpConnections: string;
  readonly tcpReadBytes: string;
  readonly tcpWriteBytes: string;
}

/** Per kind: the label naming a source workload (the scrape target's) and a destination one (the proxy's `dst_*`). */
export const edgeWorkloadLabels = {
  deployment: { src: L.deployment, dst: L.dstDeployment },
  statefulset: { src: L.statefulset, dst: L.dstStatefulset },
  daemonset: { src: L.daemonset, dst: L.dstDaemonset },
} as const satisfies Record<WorkloadKind, { src: string; dst: string }>;

/** Source workload and destination workload, of any kind: a pod carries only its own kind's label, so one is set. */
export const edgeGroupBy: readonly string[] = [
  L.namespace,
  ...workloadKinds.map((k) => edgeWorkloadLabels[k].src),
  L.dstNamespace,
  ...workloadKinds.map((k) => edgeWorkloadLabels[k].dst),
];

/** The source workload of inbound series (a workload's own proxies), of any kind. */
export const edgeDestinationGroupBy: readonly string[] = [L.namespace, ...workloadKinds.map((k) => edgeWorkloadLabels[k].src)];

/** TLS labels of outbound series: `tls` ("true" or why not), `no_tls_reason`, and the peer's `server_id`. */
export const edgeTlsLabels: readonly string[] = [L.tls, L.noTlsReason, L.serverId];

/**
 * The outbound series to mesh endpoints (every endpoint discovery serves has `dst_namespace`): those of a
 * destination of another kind (a ReplicaSet's, a Job's) group under no destination workload and make no edge. With
 * a namespace, the edges leaving it and the edges entering it.
 */
export function edgeSelectors(namespace: string | undefined): LabelMatchers[] {
  const base: LabelMatchers = { [L.direction]: 'outbound', [L.dstNamespace]: { ne: '' } };
  return namespace === undefined ? [base] : [{ ...base, [L.namespace]: namespace }, { ...base, [L.dstNamespace]: namespace }];
}

/**
 * Outbound series between workloads as seen by the client's proxy. With a namespace, each query is the union of
 * the edges leaving it and the edges entering it: `A or B` keeps one series per label set, so an edge inside the
 * namespace is counted once.
 */
export function edgeQueries({ namespace, window }: EdgeQueryArgs): EdgeQueries {
  const sides = edgeSelectors(namespace);
  const union = (build: (matchers: LabelMatchers) => string) => sides.map(build).join(' or ');
  const tcp = (m: LabelMatchers) => labelSelector({ ...m, [L.peer]: 'dst' });
  const bytes = (metric: string) =>
    union((m) => `sum(increase(${metric}${tcp(m)}[${window}])) ${byClause([...edgeGroupBy, ...edgeTlsLabels])}`);
  return {
    responses: union(
      (m) =>
        `sum(increase(${M.responseTotal}${labelSelector(m)}[${window}])) ${byClause([...edgeGroupBy, L.classification, L.tls])}`,
    ),
    latencyP99: union(
      (m) =>
        `histogram_quantile(0.99, sum(irate(${M.responseLatencyMs}_bucket${labelSelector(m)}[${window}])) ${byClause(['le', ...edgeGroupBy])})`,
    ),
    tcpConnections: union((m) => `sum(${M.tcpOpenConnections}${tcp(m)}) ${byClause([...edgeGroupBy, ...edgeTlsLabels])}`),
    tcpReadBytes: bytes(M.tcpReadBytesTotal),
    tcpWriteBytes: bytes(M.tcpWriteBytesTotal),
  };
}
