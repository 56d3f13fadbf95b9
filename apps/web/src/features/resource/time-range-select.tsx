'use client';
// The detail page's range picker: a live window (10s, 1m, 10m, 1h) or an absolute from/to range, both in the URL
// (`?window=`, `?from=&to=`) so a chart is a shareable link.
import { usePathname, useRouter } from 'next/navigation';
import { useState, useTransition, type FormEvent } from 'react';
import { metricsWindows } from '../metrics/window';
import { absoluteRangeQuery, type TimeRange } from './time-range';

/** `datetime-local` values are in the browser's zone, without one: "2026-11-25T21:00". */
function toLocalInput(unixSeconds: number): string {
  const d = new Date(unixSeconds * 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function TimeRangeSelect({ range }: { range: TimeRange }) {
  const router = useRouter();
  const pathname = usePathname();
  const [pending, startTransition] = useTransition();
  const [from, setFrom] = useState(range.kind === 'absolute' ? toLocalInput(range.start) : '');
  const [to, setTo] = useState(range.kind === 'absolute' ? toLocalInput(range.end) : '');
  const [invalid, setInvalid] = useState(false);
  const go = (query: string) => startTransition(() => router.push(`${pathname}?${query}`, { scroll: false }));

  // Empty fields start from the last hour when first touched (not at render: "now" differs server and client).
  const suggest = () => {
    const now = Math.floor(Date.now() / 1000);
    if (from === '') setFrom(toLocalInput(now - 3600));
    if (to === '') setTo(toLocalInput(now));
  };

  const apply = (e: FormEvent) => {
    e.preventDefault();
    const start = new Date(from).getTime() / 1000;
    const end = new Date(to).getTime() / 1000;
    const ok = Number.isFinite(start) && Number.isFinite(end) && end > start;
    setInvalid(!ok);
    if (ok) go(absoluteRangeQuery(range.window, start, end));
  };

  return (
    <div className="time-range" data-pending={pending || undefined}>
      <label className="window-select">
        <span>Window</span>
        <select
          aria-label="Metrics window"
          value={range.kind === 'relative' ? range.window : ''}
          onChange={(e) => go(new URLSearchParams({ window: e.target.value }).toString())}
        >
          {range.kind === 'absolute' && <option value="">custom range</option>}
          {metricsWindows.map((w) => (
            <option key={w} value={w}>
              last {w}
            </option>
          ))}
        </select>
      </label>
      <form className="absolute-range" onSubmit={apply} onFocus={suggest} aria-label="Absolute time range">
        <label>
          <span>From</span>
          <input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} aria-invalid={invalid || undefined} />
        </label>
        <label>
          <span>To</span>
          <input type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} aria-invalid={invalid || undefined} />
        </label>
        <button type="submit">Show range</button>
        {invalid && <span role="alert">“To” must be after “From”.</span>}
      </form>
    </div>
  );
}
