'use client';
// The tap page's body: the query form, start/stop, pause/resume, export and load, the stream's status, and the
// table. The URL holds the query (the page remounts this view per query, so a new query starts a fresh capture).
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useRef, useState, useSyncExternalStore, type ChangeEvent } from 'react';
import { captureFileName, CAPTURE_MIME, parseCapture, toCapture, type CaptureLineError } from './capture-file';
import { TapCapture } from './tap-capture';
import { tapQueryString, tapRequestFor, type TapQuery } from './tap-query';
import { StartStopButton, TapQueryPanel } from './query-panel';
import { TapStreamStatus } from './tap-stream-status';
import { TapTable } from './tap-table';
import { useTapStream } from './use-tap-stream';

interface LoadedFile {
  readonly name: string;
  readonly events: number;
  readonly errors: readonly CaptureLineError[];
  readonly errorCount: number;
}

export function TapView({ query }: { query: TapQuery }) {
  const router = useRouter();
  const request = tapRequestFor(query);
  const [capture] = useState(() => new TapCapture());
  const snapshot = useSyncExternalStore(capture.subscribe, capture.getSnapshot, capture.getSnapshot);
  const [loaded, setLoaded] = useState<LoadedFile | null>(null);
  const live = 'error' in request || loaded !== null ? null : request;
  const stream = useTapStream(capture, live);
  const fileInput = useRef<HTMLInputElement>(null);
  const running = stream.state.kind === 'streaming' || stream.state.kind === 'connecting';

  const submit = (next: TapQuery) => {
    const qs = tapQueryString(next);
    // The same query again restarts in place; a new one navigates (and remounts this view with a fresh capture).
    if (qs === tapQueryString(query)) restart();
    else router.push(`/tap?${qs}`);
  };
  const restart = () => {
    setLoaded(null);
    capture.clear();
    capture.setPaused(false);
    stream.start();
  };
  const exportCapture = () => {
    const blob = new Blob([toCapture(capture.events())], { type: CAPTURE_MIME });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = captureFileName(loaded ? loaded.name.replace(/\.ndjson$/, '') : `${query.namespace}-${query.resource}`, new Date());
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };
  const load = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    const parsed = parseCapture(await file.text());
    stream.stop();
    capture.clear();
    capture.setPaused(false);
    capture.newSession();
    for (const event of parsed.events) capture.addEvent(event);
    if (parsed.dropped > 0) capture.addDropped(parsed.dropped);
    capture.flush();
    setLoaded({ name: file.name, events: parsed.events.length, errors: parsed.errors, errorCount: parsed.errorCount });
  };

  return (
    <div className="stack">
      <TapQueryPanel label="Tap query" query={query} request={request} running={running} onSubmit={submit} />

      <section className="panel" aria-label="Tap">
        <div className="tap-toolbar">
          <div className="tap-actions">
            <StartStopButton running={running} disabled={'error' in request} onStart={restart} onStop={stream.stop} />
            <button type="button" className="button" onClick={() => capture.setPaused(!snapshot.paused)} aria-pressed={snapshot.paused}>
              {snapshot.paused ? 'Resume' : 'Pause'}
            </button>
            <button type="button" className="button" onClick={() => capture.clear()}>
              Clear
            </button>
            <button type="button" className="button" onClick={exportCapture} disabled={snapshot.received === 0}>
              Export NDJSON
            </button>
            <button type="button" className="button" onClick={() => fileInput.current?.click()}>
              Load capture…
            </button>
            <input ref={fileInput} type="file" accept=".ndjson,.jsonl,.json,application/x-ndjson,text/plain" hidden onChange={load} aria-label="Capture file" />
            {'error' in request ? null : (
              <Link className="button" href={`/top?${tapQueryString(query)}`}>
                Top of this tap
              </Link>
            )}
          </div>
          <TapStreamStatus state={stream.state} snapshot={snapshot} onRestart={stream.start} source={loaded ? `capture ${loaded.name}` : null} />
        </div>

        {loaded && (
          <div className="tap-loaded" role="status" data-events={loaded.events}>
            Showing a saved capture: <strong>{loaded.name}</strong>, {loaded.events} events
            {loaded.events > 0 && snapshot.evicted > 0 && ` (the newest ${capture.capacity} requests)`}.
            {loaded.errorCount > 0 && (
              <details>
                <summary>
                  {loaded.errorCount} line{loaded.errorCount === 1 ? '' : 's'} skipped
                </summary>
                <ul className="tap-load-errors">
                  {loaded.errors.map((e) => (
                    <li key={e.line}>
                      line {e.line}: {e.message}
                    </li>
                  ))}
                  {loaded.errorCount > loaded.errors.length && <li>… and {loaded.errorCount - loaded.errors.length} more</li>}
                </ul>
              </details>
            )}
          </div>
        )}

        {snapshot.paused && (
          <p className="tap-paused" role="status">
            Paused: the table is frozen while events keep arriving
            {snapshot.heldWhilePaused > 0 && ` (${snapshot.heldWhilePaused} held; the newest ${capture.capacity} requests are kept)`}. Resume to show
            them.
          </p>
        )}

        <TapTable
          rows={snapshot.rows}
          emptyText={
            loaded
              ? 'The capture has no requests.'
              : stream.state.kind === 'streaming'
                ? 'Waiting for requests that match…'
                : 'No requests yet: start a tap or load a saved capture.'
          }
        />
      </section>
    </div>
  );
}
