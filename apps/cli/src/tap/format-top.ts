// `signalbox top` as `linkerd viz top` draws it: one row per (source, destination, method, path), busiest first.
import type { TopRow } from '@signalbox/shared';

const HEADER = ['Source', 'Destination', 'Method', 'Path', 'Count', 'Best', 'Worst', 'Last', 'Success Rate'];
const PADDING = 3;

/** Latency as top shows it: microseconds below 1 ms, else whole milliseconds (ms in, text out). */
export function formatTopLatency(ms: number): string {
  return ms < 1 ? `${Math.round(ms * 1000)}µs` : `${Math.round(ms)}ms`;
}

/** The table, at most `maxRows` rows (the terminal's height), or a waiting line while nothing completed. */
export function formatTopTable(rows: readonly TopRow[], maxRows = Number.POSITIVE_INFINITY): string {
  if (rows.length === 0) return '(waiting for requests…)\n';
  const lines = [
    HEADER,
    ...rows.slice(0, Math.max(0, maxRows)).map((r) => [
      r.source,
      r.destination,
      r.method,
      r.path,
      String(r.count),
      formatTopLatency(r.bestMs),
      formatTopLatency(r.worstMs),
      formatTopLatency(r.lastMs),
      `${(r.successRate * 100).toFixed(2)}%`,
    ]),
  ];
  const widths = HEADER.map((_, c) => Math.max(...lines.map((l) => (l[c] ?? '').length)));
  return lines.map((l) => l.map((cell, c) => cell.padEnd((widths[c] ?? 0) + PADDING)).join('').trimEnd()).join('\n') + '\n';
}
