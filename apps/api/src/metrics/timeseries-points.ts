// Pure parts of the `timeseries` use case: which range to ask Prometheus for, and how its matrices become one
// point per step (RPS, success rate, p50/p95/p99), with gaps where the resource had no series.
import {
  MAX_TIMESERIES_POINTS,
  MIN_WINDOW_SECONDS,
  labelNames as L,
  sampleValue,
  windowSeconds,
  type Matrix,
  type TimeseriesPoint,
} from '@signalbox/shared';

export interface RangeRequest {
  readonly window: string;
  readonly start?: number | undefined;
  readonly end?: number | undefined;
  readonly step?: number | undefined;
}

export interface RangePlan {
  readonly start: number;
  readonly end: number;
  readonly step: number;
  /** `rate()` interval: two steps (so consecutive points overlap and none is skipped), at least 5 s (two scrapes). */
  readonly rateInterval: string;
}

/** Points a chart gets by default: enough for a smooth line, few enough to poll every 2 s. */
const DEFAULT_POINTS = 120;

/**
 * The range to query: `[start, end]` when given, else the `window` ending `nowSeconds`. Both ends are aligned to the
 * step so consecutive polls evaluate the same timestamps (the chart scrolls instead of wobbling). The step is the
 * caller's, or range/120 rounded up to whole seconds, and never so small that the range exceeds the point cap.
 */
export function planRange(request: RangeRequest, nowSeconds: number): RangePlan {
  const absolute = request.start !== undefined && request.end !== undefined;
  const end0 = absolute ? request.end! : nowSeconds;
  const range = absolute ? request.end! - request.start! : (windowSeconds(request.window) ?? 600);
  const step = Math.max(request.step ?? Math.ceil(range / DEFAULT_POINTS), Math.ceil(range / MAX_TIMESERIES_POINTS), 1);
  const end = Math.floor(end0 / step) * step;
  const start = absolute ? Math.ceil(request.start! / step) * step : end - Math.ceil(range / step) * step;
  return { start: Math.min(start, end), end, step, rateInterval: `${Math.max(2 * step, MIN_WINDOW_SECONDS)}s` };
}

export interface TimeseriesMatrices {
  /** Responses per second by `classification`. */
  readonly responses: Matrix;
  readonly latencyP50: Matrix;
  readonly latencyP95: Matrix;
  readonly latencyP99: Matrix;
}

/** One point per step from `start` to `end`; timestamps missing from every series give null values there. */
export function timeseriesPoints(plan: Pick<RangePlan, 'start' | 'end' | 'step'>, m: TimeseriesMatrices): TimeseriesPoint[] {
  const success = valuesAt(m.responses.filter((s) => s.metric[L.classification] === 'success'));
  const failure = valuesAt(m.responses.filter((s) => s.metric[L.classification] === 'failure'));
  const p50 = valuesAt(m.latencyP50);
  const p95 = valuesAt(m.latencyP95);
  const p99 = valuesAt(m.latencyP99);
  const points: TimeseriesPoint[] = [];
  for (let t = plan.start; t <= plan.end; t += plan.step) {
    const k = key(t);
    const ok = success.get(k);
    const failed = failure.get(k);
    const seen = ok !== undefined || failed !== undefined;
    const total = (ok ?? 0) + (failed ?? 0);
    points.push({
      t,
      rps: seen ? total : null,
      successRate: total > 0 ? Math.min(1, Math.max(0, (ok ?? 0) / total)) : null,
      latencyMs: { p50: p50.get(k) ?? null, p95: p95.get(k) ?? null, p99: p99.get(k) ?? null },
    });
  }
  return points;
}

/** Millisecond keys: Prometheus echoes timestamps as floats. */
function key(t: number): number {
  return Math.round(t * 1000);
}

/** Series summed per timestamp; NaN samples count as "no value" (a quantile with no requests). */
function valuesAt(series: Matrix): Map<number, number> {
  const out = new Map<number, number>();
  for (const s of series)
    for (const [t, raw] of s.values) {
      const v = sampleValue(raw);
      if (v === null) continue;
      const k = key(t);
      out.set(k, (out.get(k) ?? 0) + v);
    }
  return out;
}
