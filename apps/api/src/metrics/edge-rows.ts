// Pure reduction of the edge queries' vectors to one row per source→destination workload pair (Deployments,
// StatefulSets and DaemonSets alike): HTTP golden metrics where requests completed, TCP connections and bytes for
// every edge, and the edge's TLS state.
import { edgeWorkloadLabels, labelNames as L, sampleValue, workloadKinds, type Edge, type Vector, type WorkloadRef } from '@signalbox/shared';

export interface EdgeVectors {
  readonly responses: Vector;
  readonly latencyP99: Vector;
  readonly tcpConnections: Vector;
  readonly tcpReadBytes: Vector;
  readonly tcpWriteBytes: Vector;
}

/** signalbox_proxy_overhead_ms quantiles (edgeOverheadQueries): per edge outbound, per destination workload inbound. */
export interface EdgeOverheadVectors {
  readonly outboundP50: Vector;
  readonly outboundP99: Vector;
  readonly inboundP50: Vector;
  readonly inboundP99: Vector;
}

export interface EdgeRowsArgs {
  readonly windowSeconds: number;
  readonly vectors: EdgeVectors;
  /** Absent: edges carry no overhead. */
  readonly overhead?: EdgeOverheadVectors;
}

interface Acc {
  readonly src: Edge['src'];
  readonly dst: Edge['dst'];
  success: number;
  failure: number;
  p99: number | null;
  connections: number;
  read: number;
  written: number;
  /** TLS states seen on series that carried traffic: "true" or the reason it was not secured. */
  readonly tls: Set<string>;
  readonly reasons: Set<string>;
  readonly serverIds: Set<string>;
}

/**
 * One edge per pair that carried traffic in the window (a completed request, an open connection or a byte either
 * way), sorted by source then destination. Series that were idle in the window do not make an edge, and do not
 * vote on its TLS state: an edge is `secured` when every active series says `tls="true"`.
 */
export function edgeRows({ windowSeconds, vectors, overhead }: EdgeRowsArgs): Edge[] {
  const edges = new Map<string, Acc>();
  const edgeOf = (metric: Readonly<Record<string, string>>): Acc | null => {
    const src = workload(metric, L.namespace, 'src');
    const dst = workload(metric, L.dstNamespace, 'dst');
    if (!src || !dst) return null;
    const key = edgeKey(src, dst);
    let acc = edges.get(key);
    if (!acc) {
      acc = { src, dst, success: 0, failure: 0, p99: null, connections: 0, read: 0, written: 0, tls: new Set(), reasons: new Set(), serverIds: new Set() };
      edges.set(key, acc);
    }
    return acc;
  };
  const noteTls = (acc: Acc, metric: Readonly<Record<string, string>>) => {
    const tls = metric[L.tls] ?? '';
    if (tls !== '') acc.tls.add(tls);
    const reason = metric[L.noTlsReason] ?? '';
    if (tls !== 'true' && reason !== '') acc.reasons.add(reason);
    const serverId = metric[L.serverId] ?? '';
    if (tls === 'true' && serverId !== '') acc.serverIds.add(serverId);
  };

  for (const { metric, value } of vectors.responses) {
    const n = sampleValue(value[1]) ?? 0;
    if (n <= 0) continue;
    const acc = edgeOf(metric);
    if (!acc) continue;
    if (metric[L.classification] === 'success') acc.success += n;
    else if (metric[L.classification] === 'failure') acc.failure += n;
    else continue;
    noteTls(acc, metric);
  }
  const tcp = (vector: Vector, into: (acc: Acc, n: number) => void) => {
    for (const { metric, value } of vector) {
      const n = sampleValue(value[1]) ?? 0;
      if (n <= 0) continue;
      const acc = edgeOf(metric);
      if (!acc) continue;
      into(acc, n);
      noteTls(acc, metric);
    }
  };
  tcp(vectors.tcpConnections, (acc, n) => (acc.connections += n));
  tcp(vectors.tcpReadBytes, (acc, n) => (acc.read += n));
  tcp(vectors.tcpWriteBytes, (acc, n) => (acc.written += n));
  // Latency alone does not make an edge (irate can outlive the window's last request), it only describes one.
  for (const { metric, value } of vectors.latencyP99) {
    const acc = edges.get(seriesEdgeKey(metric));
    if (acc) acc.p99 = sampleValue(value[1]);
  }

  const byEdge = (vector: Vector) => new Map(vector.map(({ metric, value }) => [seriesEdgeKey(metric), sampleValue(value[1])]));
  const byWorkload = (vector: Vector) =>
    new Map(vector.map(({ metric, value }) => [workloadKey(workload(metric, L.namespace, 'src')), sampleValue(value[1])]));
  const o = overhead && {
    outP50: byEdge(overhead.outboundP50),
    outP99: byEdge(overhead.outboundP99),
    inP50: byWorkload(overhead.inboundP50),
    inP99: byWorkload(overhead.inboundP99),
  };
  /** Source side + destination side; either alone when only one is known (a destination without a proxy). */
  const both = (out: number | null | undefined, inb: number | null | undefined) =>
    out == null && inb == null ? null : (out ?? 0) + (inb ?? 0);

  return [...edges.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, e]): Edge => {
      const total = e.success + e.failure;
      const dst = workloadKey(e.dst);
      const overheadMs =
        o && total > 0
          ? { overheadMs: { p50: both(o.outP50.get(key), o.inP50.get(dst)), p99: both(o.outP99.get(key), o.inP99.get(dst)) } }
          : {};
      const secured = e.tls.size > 0 && [...e.tls].every((t) => t === 'true');
      const unsecured = [...e.tls].filter((t) => t !== 'true').sort();
      return {
        src: e.src,
        dst: e.dst,
        protocol: total > 0 ? 'http' : 'tcp',
        rps: total / windowSeconds,
        // Float noise from increase()'s extrapolation must not push a rate outside [0, 1].
        successRate: total > 0 ? Math.min(1, Math.max(0, e.success / total)) : null,
        latencyP99Ms: total > 0 ? e.p99 : null,
        ...overheadMs,
        tcpConnections: e.connections,
        readBytesPerSec: e.read / windowSeconds,
        writeBytesPerSec: e.written / windowSeconds,
        secured,
        // The most specific reason wins: the proxy's no_tls_reason, else the tls label itself ("no_identity").
        noTlsReason: secured ? null : ([...e.reasons].sort()[0] ?? unsecured[0] ?? null),
        // Outbound series do not carry the caller's own identity: edge-identity.ts fills it from the registry.
        clientId: null,
        serverId: secured ? ([...e.serverIds].sort()[0] ?? null) : null,
      };
    });
}

/**
 * The workload a series names on one side: its namespace label and the one kind label that is set (a pod has one
 * owner). Null when no edge kind is (a bare pod's, a ReplicaSet's or a Job's).
 */
function workload(metric: Readonly<Record<string, string>>, namespaceLabel: string, side: 'src' | 'dst'): WorkloadRef | null {
  const namespace = metric[namespaceLabel] ?? '';
  for (const kind of workloadKinds) {
    const name = metric[edgeWorkloadLabels[kind][side]] ?? '';
    if (name !== '') return { namespace, kind, name };
  }
  return null;
}

/** `ns/name/kind`: sorts by namespace, then name; the kind keeps a Deployment and a StatefulSet of one name apart. */
function workloadKey(w: WorkloadRef | null): string {
  return w ? `${w.namespace}/${w.name}/${w.kind}` : '';
}

/** `src>dst`: sorts edges by source, then destination. */
function edgeKey(src: WorkloadRef | null, dst: WorkloadRef | null): string {
  return `${workloadKey(src)}>${workloadKey(dst)}`;
}

function seriesEdgeKey(metric: Readonly<Record<string, string>>): string {
  return edgeKey(workload(metric, L.namespace, 'src'), workload(metric, L.dstNamespace, 'dst'));
}
