'use client';
// The tap stream's status line: connecting / streaming / stopped / ended (with the cause, and a Restart), the event
// counters, dropped-event notices and the control plane's non-fatal notices (a pod's proxy went away…).
import { useEffect, useState } from 'react';
import type { TapSnapshot } from './tap-capture';
import type { TapStreamState } from './tap-status';

export function TapStreamStatus({
  state,
  snapshot,
  onRestart,
  source,
}: {
  state: TapStreamState;
  snapshot: Pick<TapSnapshot, 'received' | 'dropped' | 'evicted' | 'notices'>;
  onRestart: () => void;
  /** Set when the rows come from a file rather than a stream. */
  source?: string | null;
}) {
  return (
    <div className="tap-status" data-state={source ? 'file' : state.kind}>
      <p className="live-status" role="status">
        {source ? (
          <>Offline: {source}</>
        ) : (
          <>
            <span className={`live-dot${state.kind === 'streaming' ? ' streaming' : ''}`} aria-hidden="true" />
            {stateText(state)}
          </>
        )}
        <span className="tap-counts">
          {' · '}
          <span data-count="received">{snapshot.received}</span> events
          {snapshot.evicted > 0 && <> · {snapshot.evicted} older requests out of view</>}
        </span>
      </p>
      {snapshot.dropped > 0 && (
        <p className="tap-dropped" role="status" data-dropped={snapshot.dropped}>
          {snapshot.dropped} events dropped upstream: this view read more slowly than they arrived (lower Max RPS or narrow the
          filter).
        </p>
      )}
      {state.kind === 'ended' && !source && (
        <div className="error-banner" role="alert" data-kind="tap-ended" data-code={state.end.code}>
          <strong>{state.end.message}</strong>
          {state.end.detail && <code className="error-banner-detail">{state.end.detail}</code>}
          <span className="error-banner-note">
            {state.reconnectAt !== undefined ? <Countdown at={state.reconnectAt} /> : 'The stream has ended.'}{' '}
            <button type="button" className="button" onClick={onRestart}>
              Restart tap
            </button>
          </span>
        </div>
      )}
      {snapshot.notices.length > 0 && (
        <ul className="tap-notices" aria-label="Tap notices">
          {snapshot.notices.map((n) => (
            <li key={`${n.at}-${n.code}-${n.pod ?? ''}`} data-code={n.code}>
              {n.pod && <strong>{n.pod}: </strong>}
              {n.message} <code>{n.code}</code>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function stateText(state: TapStreamState): string {
  switch (state.kind) {
    case 'idle':
      return 'Not started';
    case 'connecting':
      return 'Connecting…';
    case 'streaming':
      return 'Streaming';
    case 'stopped':
      return 'Stopped';
    case 'ended':
      return 'Ended';
  }
}

function Countdown({ at }: { at: number }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(t);
  }, []);
  const s = Math.max(0, Math.ceil((at - now) / 1000));
  return <>Reconnecting in {s} s.</>;
}
