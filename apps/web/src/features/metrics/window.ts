// The metrics windows the dashboard offers (Linkerd's: 10s, 1m, 10m, 1h) and how the `?window=` parameter is read.

export const metricsWindows = ['10s', '1m', '10m', '1h'] as const;
export type MetricsWindow = (typeof metricsWindows)[number];
export const DEFAULT_WINDOW: MetricsWindow = '1m';

/** A `?window=` search parameter → one of the offered windows; anything else (absent, repeated, bogus) → 1m. */
export function parseWindowParam(value: string | string[] | undefined): MetricsWindow {
  const single = Array.isArray(value) ? value[0] : value;
  return metricsWindows.find((w) => w === single) ?? DEFAULT_WINDOW;
}
