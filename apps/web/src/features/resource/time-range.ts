// The detail page's time range, from its URL: a relative window (`?window=10m`, the last ten minutes, live) or an
// absolute range (`?from=…&to=…`, ISO 8601 or Unix seconds, fixed). Bad or partial ranges fall back to the window.
import { MAX_WINDOW_SECONDS } from '@signalbox/shared';
import { parseWindowParam, type MetricsWindow } from '../metrics/window';

export type TimeRange =
  | { readonly kind: 'relative'; readonly window: MetricsWindow }
  | { readonly kind: 'absolute'; readonly window: MetricsWindow; readonly start: number; readonly end: number };

type Param = string | string[] | undefined;

export function parseTimeRange(params: { window?: Param; from?: Param; to?: Param }): TimeRange {
  const window = parseWindowParam(params.window);
  const start = parseInstant(single(params.from));
  const end = parseInstant(single(params.to));
  if (start === null || end === null || end <= start || end - start > MAX_WINDOW_SECONDS) return { kind: 'relative', window };
  return { kind: 'absolute', window, start, end };
}

/** The `timeseries` input's range part. */
export function rangeInput(range: TimeRange): { window: MetricsWindow } | { window: MetricsWindow; start: number; end: number } {
  return range.kind === 'relative' ? { window: range.window } : { window: range.window, start: range.start, end: range.end };
}

/** `?from=&to=` for an absolute range (ISO, readable in a shared link), keeping the window for when it is cleared. */
export function absoluteRangeQuery(window: MetricsWindow, start: number, end: number): string {
  return new URLSearchParams({ window, from: isoSeconds(start), to: isoSeconds(end) }).toString();
}

/** "2026-11-25T21:00:00Z" from Unix seconds. */
export function isoSeconds(unixSeconds: number): string {
  return new Date(Math.round(unixSeconds) * 1000).toISOString().replace(/\.000Z$/, 'Z');
}

/** An ISO 8601 instant or Unix seconds → Unix seconds; null when neither. */
export function parseInstant(value: string | undefined): number | null {
  if (value === undefined || value === '') return null;
  if (/^\d{9,11}(\.\d+)?$/.test(value)) return Number(value);
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms / 1000 : null;
}

function single(value: Param): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
