// Pure reduction of the stat queries' vectors to table rows, as viz's metrics-api and CLI do it: RPS =
// (success+failure)/window, SR = success/(success+failure), latencies in ms with NaN shown as "no data".
import { namespaceLabel, resourceLabel, sampleValue, type ResourceKind, type StatRow, type Vector } from '@signalbox/shared';
import type { KnownResource } from './resources.js';

export interface StatVectors {
  readonly responses: Vector;
  readonly latencyP50: Vector;
  readonly latencyP95: Vector;
  readonly latencyP99: Vector;
  readonly tcpConnections: Vector;
  readonly tcpReadBytes: Vector;
  readonly tcpWriteBytes: Vector;
  /** signalbox_proxy_overhead_ms quantiles (statOverheadQueries); absent: rows carry no overhead. */
  readonly overheadP50?: Vector;
  readonly overheadP99?: Vector;
}

export interface StatRowsArgs {
  readonly kind: ResourceKind;
  readonly windowSeconds: number;
  /** The rows to produce, one each; series for resources not listed here are ignored. */
  readonly resources: readonly KnownResource[];
  readonly vectors: StatVectors;
}

/** One row per known resource, sorted by namespace then name; a resource without traffic gets rps 0 and nulls. */
export function statRows({ kind, windowSeconds, resources, vectors }: StatRowsArgs): StatRow[] {
  // Services are keyed by the destination labels (dst_namespace, dst_service), everything else by its own.
  const nsLabel = namespaceLabel(kind);
  const nameLabel = resourceLabel(kind);
  const keyOf = (metric: Readonly<Record<string, string>>) => rowKey(metric[nsLabel] ?? '', metric[nameLabel] ?? '');

  const success = new Map<string, number>();
  const failure = new Map<string, number>();
  for (const { metric, value } of vectors.responses) {
    const into = metric.classification === 'success' ? success : metric.classification === 'failure' ? failure : null;
    if (!into) continue;
    add(into, keyOf(metric), sampleValue(value[1]) ?? 0);
  }
  const summed = (vector: Vector) => {
    const byKey = new Map<string, number>();
    for (const { metric, value } of vector) add(byKey, keyOf(metric), sampleValue(value[1]) ?? 0);
    return byKey;
  };
  const tcp = summed(vectors.tcpConnections);
  const readBytes = summed(vectors.tcpReadBytes);
  const writeBytes = summed(vectors.tcpWriteBytes);
  const quantile = (vector: Vector) => {
    const byKey = new Map<string, number | null>();
    for (const { metric, value } of vector) byKey.set(keyOf(metric), sampleValue(value[1]));
    return byKey;
  };
  const p50 = quantile(vectors.latencyP50);
  const p95 = quantile(vectors.latencyP95);
  const p99 = quantile(vectors.latencyP99);
  const overheadP50 = vectors.overheadP50 && quantile(vectors.overheadP50);
  const overheadP99 = vectors.overheadP99 && quantile(vectors.overheadP99);

  return resources
    .map((r): StatRow => {
      const key = rowKey(r.namespace, r.name);
      const ok = success.get(key) ?? 0;
      const total = ok + (failure.get(key) ?? 0);
      return {
        kind,
        namespace: r.namespace,
        name: r.name,
        meshedPods: r.meshedPods,
        totalPods: r.totalPods,
        // Float noise from increase()'s extrapolation must not push a rate outside [0, 1].
        successRate: total > 0 ? Math.min(1, Math.max(0, ok / total)) : null,
        rps: total / windowSeconds,
        latencyMs: { p50: p50.get(key) ?? null, p95: p95.get(key) ?? null, p99: p99.get(key) ?? null },
        ...(overheadP50 && overheadP99 ? { overheadMs: { p50: overheadP50.get(key) ?? null, p99: overheadP99.get(key) ?? null } } : {}),
        tcpConnections: tcp.get(key) ?? 0,
        readBytesPerSec: (readBytes.get(key) ?? 0) / windowSeconds,
        writeBytesPerSec: (writeBytes.get(key) ?? 0) / windowSeconds,
      };
    })
    .sort((a, b) => compare(a.namespace, b.namespace) || compare(a.name, b.name));
}

function rowKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

function add(map: Map<string, number>, key: string, n: number): void {
  map.set(key, (map.get(key) ?? 0) + n);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
