// The line under a live table: which window, when the data was last received, and that it refreshes by itself.
import { POLL_INTERVAL_MS } from '../../lib/query-client';

export function LiveStatus({ window, updatedAt, fetching }: { window: string; updatedAt: number; fetching: boolean }) {
  return (
    <p className="live-status" aria-live="off">
      <span className={`live-dot${fetching ? ' fetching' : ''}`} aria-hidden="true" />
      Window {window}
      {updatedAt > 0 && <> · updated {new Date(updatedAt).toLocaleTimeString()}</>} · refreshes every{' '}
      {POLL_INTERVAL_MS / 1000} s
    </p>
  );
}
