// Time windows as users and Prometheus write them ("10s", "1m", "1h").
import * as z from 'zod';

const WINDOW = /^(\d{1,5})(s|m|h)$/;
const unitSeconds = { s: 1, m: 60, h: 3600 } as const;

/** Seconds in a window string, or null when malformed. */
export function windowSeconds(window: string): number | null {
  const m = WINDOW.exec(window);
  if (!m) return null;
  return Number(m[1]) * unitSeconds[m[2] as keyof typeof unitSeconds];
}

// Prometheus scrapes every 1–2 s here and rate() needs two samples in the window, so 5 s is the floor.
export const MIN_WINDOW_SECONDS = 5;
export const MAX_WINDOW_SECONDS = 7 * 24 * 3600;

export const windowSchema = z.string().superRefine((value, ctx) => {
  const seconds = windowSeconds(value);
  if (seconds === null) ctx.addIssue({ code: 'custom', message: `window "${value}" must look like 10s, 1m or 1h` });
  else if (seconds < MIN_WINDOW_SECONDS || seconds > MAX_WINDOW_SECONDS)
    ctx.addIssue({ code: 'custom', message: `window "${value}" must be between ${MIN_WINDOW_SECONDS}s and 7d` });
});
