// Pure formatting of golden metrics for the tables: what Linkerd's dashboard prints, with "-" for "no data".

/** Printed for any value the window has no data for (Linkerd prints "-" too). */
export const NO_VALUE = '-';

/** 0.9876 → "98.76%"; null (no completed request in the window) → "-". */
export function formatPercent(rate: number | null): string {
  if (rate === null || !Number.isFinite(rate)) return NO_VALUE;
  return `${(rate * 100).toFixed(2)}%`;
}

/**
 * Requests per second, to a precision that keeps low rates readable: 0 → "0", 0.0123 → "0.012", 4.5 → "4.5",
 * 123.456 → "123.5". Null or NaN → "-".
 */
export function formatRps(rps: number | null): string {
  if (rps === null || !Number.isFinite(rps)) return NO_VALUE;
  if (rps === 0) return '0';
  const abs = Math.abs(rps);
  if (abs < 0.1) return rps.toFixed(3);
  if (abs < 100) return trimZeros(rps.toFixed(2));
  return trimZeros(rps.toFixed(1));
}

/** Latency in milliseconds (what the API returns) → "3 ms", "12.5 ms", "1.25 s". Null (Prometheus NaN) → "-". */
export function formatLatencyMs(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return NO_VALUE;
  if (ms >= 1000) return `${trimZeros((ms / 1000).toFixed(2))} s`;
  if (ms >= 100) return `${Math.round(ms)} ms`;
  if (ms >= 10) return `${trimZeros(ms.toFixed(1))} ms`;
  return `${trimZeros(ms.toFixed(2))} ms`;
}

/**
 * What the mesh adds (signalbox_proxy_overhead_ms) as "p50 / p99": sub-millisecond values keep two decimals
 * ("0.12 / 0.9 ms"); "<0.01" below that; "-" for an unknown side, or "-" alone when both are unknown.
 */
export function formatOverheadMs(overhead: { p50: number | null; p99: number | null } | undefined): string {
  if (!overhead) return NO_VALUE;
  const one = (ms: number | null) => {
    if (ms === null || !Number.isFinite(ms)) return NO_VALUE;
    if (ms > 0 && ms < 0.01) return '<0.01';
    return trimZeros(ms.toFixed(ms >= 10 ? 1 : 2));
  };
  const [p50, p99] = [one(overhead.p50), one(overhead.p99)];
  return p50 === NO_VALUE && p99 === NO_VALUE ? NO_VALUE : `${p50} / ${p99} ms`;
}

/** Meshed over total pods, as `linkerd viz stat` prints it: "2/2". */
export function formatMeshed(meshed: number, total: number): string {
  return `${meshed}/${total}`;
}

/** A plain count (TCP connections): 3 → "3", 2.5 (an average over the window) → "2.5". */
export function formatCount(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return NO_VALUE;
  return Number.isInteger(value) ? String(value) : trimZeros(value.toFixed(1));
}

const BYTE_UNITS = ['B/s', 'kB/s', 'MB/s', 'GB/s'] as const;

/** Bytes per second in decimal units: 0 → "0 B/s", 1234 → "1.2 kB/s", 2.5e6 → "2.5 MB/s". Null → "-". */
export function formatBytesPerSec(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return NO_VALUE;
  let v = value;
  let unit = 0;
  while (Math.abs(v) >= 1000 && unit < BYTE_UNITS.length - 1) {
    v /= 1000;
    unit += 1;
  }
  const digits = unit === 0 || Math.abs(v) >= 100 ? 0 : 1;
  return `${trimZeros(v.toFixed(digits))} ${BYTE_UNITS[unit]}`;
}

function trimZeros(fixed: string): string {
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}
