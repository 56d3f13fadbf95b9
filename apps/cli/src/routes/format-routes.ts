// `signalbox routes` output as `linkerd viz routes` prints it: one row per route, `[DEFAULT]` last; `-o wide`
// splits success and RPS into effective (what clients saw, after retries) and actual (every attempt).
import type { RouteRow, RoutesResult } from '@signalbox/shared';
import { formatLatency } from '../stat/format-table.js';

const PADDING = 3;

export function formatRoutesTable(result: RoutesResult, { wide }: { readonly wide: boolean }): string {
  if (result.rows.length === 0) return 'No routes found.\n';
  const header = wide
    ? ['ROUTE', 'SERVICE', 'EFFECTIVE_SUCCESS', 'EFFECTIVE_RPS', 'ACTUAL_SUCCESS', 'ACTUAL_RPS', 'LATENCY_P50', 'LATENCY_P95', 'LATENCY_P99']
    : ['ROUTE', 'SERVICE', 'SUCCESS', 'RPS', 'LATENCY_P50', 'LATENCY_P95', 'LATENCY_P99'];
  const lines = [header, ...result.rows.map((r) => routeCells(r, wide))];
  const widths = header.map((_, c) => Math.max(...lines.map((l) => (l[c] ?? '').length)));
  return lines.map((l) => l.map((cell, c) => cell.padEnd((widths[c] as number) + PADDING)).join('').trimEnd()).join('\n') + '\n';
}

function routeCells(r: RouteRow, wide: boolean): string[] {
  const success = (rate: number | null) => (rate === null ? '-' : `${(rate * 100).toFixed(2)}%`);
  const rps = (n: number) => `${n.toFixed(1)}rps`;
  const latency = [formatLatency(r.latencyMs.p50), formatLatency(r.latencyMs.p95), formatLatency(r.latencyMs.p99)];
  return wide
    ? [r.route, r.service, success(r.effective.successRate), rps(r.effective.rps), success(r.actual.successRate), rps(r.actual.rps), ...latency]
    : [r.route, r.service, success(r.effective.successRate), rps(r.effective.rps), ...latency];
}
