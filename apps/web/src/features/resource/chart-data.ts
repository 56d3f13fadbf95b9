// Pure shaping of `timeseries` points for the detail charts: milliseconds for the time axis, success as a
// percentage, and whether the range holds any traffic at all (else the page says so instead of empty axes).
import type { TimeseriesPoint } from '@signalbox/shared';

export interface ChartRow {
  /** Milliseconds since the epoch (the time axis). */
  readonly t: number;
  readonly successPct: number | null;
  readonly rps: number | null;
  readonly p50: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
}

export function chartRows(points: readonly TimeseriesPoint[]): ChartRow[] {
  return points.map((p) => ({
    t: p.t * 1000,
    successPct: p.successRate === null ? null : round(p.successRate * 100, 2),
    rps: p.rps === null ? null : round(p.rps, 3),
    p50: p.latencyMs.p50 === null ? null : round(p.latencyMs.p50, 2),
    p95: p.latencyMs.p95 === null ? null : round(p.latencyMs.p95, 2),
    p99: p.latencyMs.p99 === null ? null : round(p.latencyMs.p99, 2),
  }));
}

/** True when some point saw a request: otherwise the charts are replaced by "no traffic in this window". */
export function hasTraffic(points: readonly TimeseriesPoint[]): boolean {
  return points.some((p) => p.rps !== null && p.rps > 0);
}

/** Time-axis labels: seconds when the range is short, minutes otherwise, dates past a day. */
export function formatTimeTick(ms: number, spanSeconds: number): string {
  const d = new Date(ms);
  const hh = String(d.getHours()).padStart(2, '0');
  const mm = String(d.getMinutes()).padStart(2, '0');
  const ss = String(d.getSeconds()).padStart(2, '0');
  if (spanSeconds <= 15 * 60) return `${hh}:${mm}:${ss}`;
  if (spanSeconds <= 24 * 3600) return `${hh}:${mm}`;
  return `${d.getMonth() + 1}/${d.getDate()} ${hh}:${mm}`;
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
