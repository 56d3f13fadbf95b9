// `signalbox stat` output as `linkerd viz stat` prints it: one row per resource, "-" where there is no data.
import type { StatResult, StatRow } from '@signalbox/shared';

export interface TableOptions {
  /** -A: a NAMESPACE column first (not for namespaces themselves). */
  readonly allNamespaces: boolean;
}

const PADDING = 3;

export function formatStatTable(result: StatResult, { allNamespaces }: TableOptions): string {
  if (result.rows.length === 0) return 'No traffic found.\n';
  const withNamespace = allNamespaces && result.rows.some((r) => r.kind !== 'namespace');
  const header = ['NAME', 'MESHED', 'SUCCESS', 'RPS', 'LATENCY_P50', 'LATENCY_P95', 'LATENCY_P99', 'TCP_CONN'];
  const lines = [withNamespace ? ['NAMESPACE', ...header] : header];
  for (const row of result.rows) {
    const cells = statCells(row);
    lines.push(withNamespace ? [row.namespace, ...cells] : cells);
  }
  const widths = lines[0]!.map((_, c) => Math.max(...lines.map((l) => (l[c] ?? '').length)));
  return lines.map((l) => l.map((cell, c) => cell.padEnd(widths[c]! + PADDING)).join('').trimEnd()).join('\n') + '\n';
}

export function statCells(row: StatRow): string[] {
  return [
    row.name,
    `${row.meshedPods}/${row.totalPods}`,
    row.successRate === null ? '-' : `${(row.successRate * 100).toFixed(2)}%`,
    `${row.rps.toFixed(1)}rps`,
    formatLatency(row.latencyMs.p50),
    formatLatency(row.latencyMs.p95),
    formatLatency(row.latencyMs.p99),
    String(Math.round(row.tcpConnections)),
  ];
}

/** Whole milliseconds, with one decimal below 10 ms where it still means something. */
export function formatLatency(ms: number | null): string {
  if (ms === null) return '-';
  return ms < 10 ? `${Number(ms.toFixed(1))}ms` : `${Math.round(ms)}ms`;
}
