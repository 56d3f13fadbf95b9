// Pure join for the overview: every namespace discovery knows, with its golden metrics when Prometheus has them.
import type { NamespaceSummary, StatRow } from '@signalbox/shared';
import type { MetricsRow } from '../metrics/columns';

/**
 * One row per namespace from `namespaces` (pod counts from discovery), with the metrics of the matching
 * `stat {kind: namespace}` row. `stats` undefined means the metrics are unknown (not loaded, or Prometheus down):
 * the row then shows "-" rather than a misleading 0. Namespaces with metrics but unknown to discovery are kept.
 */
export function overviewRows(namespaces: readonly NamespaceSummary[], stats: readonly StatRow[] | undefined): MetricsRow[] {
  const byName = new Map((stats ?? []).map((s) => [s.name, s]));
  const rows: MetricsRow[] = namespaces.map((ns) => {
    const s = byName.get(ns.name);
    byName.delete(ns.name);
    return {
      kind: 'namespace',
      namespace: ns.name,
      name: ns.name,
      meshedPods: ns.meshedPods,
      totalPods: ns.totalPods,
      successRate: s?.successRate ?? null,
      rps: s ? s.rps : stats === undefined ? null : 0,
      latencyMs: s?.latencyMs ?? { p50: null, p95: null, p99: null },
      tcpConnections: s ? s.tcpConnections : stats === undefined ? null : 0,
      readBytesPerSec: s ? s.readBytesPerSec : stats === undefined ? null : 0,
      writeBytesPerSec: s ? s.writeBytesPerSec : stats === undefined ? null : 0,
    };
  });
  rows.push(...byName.values());
  return rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
