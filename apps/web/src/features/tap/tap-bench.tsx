'use client';
// The tap view under load, for measurement (`/bench/tap?rate=1000&seconds=20`): synthetic relay messages at `rate`
// events per second go through the same parse (deliverTapMessage), capture (TapCapture: bounded rows, 500 ms
// redraws) and windowed table as a live tap. Reports frame gaps and event-loop lag while it runs; Playwright reads
// the figures and the JS heap. Not linked from the dashboard.
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { syntheticRequest } from './synthetic-events';
import { TapCapture } from './tap-capture';
import { deliverTapMessage } from './tap-socket';
import { TapTable } from './tap-table';

interface Figures {
  readonly events: number;
  readonly frames: number;
  readonly frameP50Ms: number;
  readonly frameP95Ms: number;
  readonly frameMaxMs: number;
  readonly longFrames: number;
  readonly lagMaxMs: number;
  readonly rows: number;
  readonly renderedRows: number;
}

export function TapBench({ rate, seconds }: { rate: number; seconds: number }) {
  const [capture] = useState(() => new TapCapture());
  const snapshot = useSyncExternalStore(capture.subscribe, capture.getSnapshot, capture.getSnapshot);
  const [running, setRunning] = useState(false);
  const [figures, setFigures] = useState<Figures | null>(null);
  const table = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!running) return;
    let n = 0;
    let events = 0;
    const t0 = performance.now();
    const gaps: number[] = [];
    let last = t0;
    let raf = requestAnimationFrame(function frame(t) {
      gaps.push(t - last);
      last = t;
      raf = requestAnimationFrame(frame);
    });
    let lagMax = 0;
    const lag = setInterval(() => {
      const scheduled = performance.now();
      setTimeout(() => (lagMax = Math.max(lagMax, performance.now() - scheduled)), 0);
    }, 250);
    // Every 10 ms, the events due by now: a steady `rate` however the timer drifts.
    const feed = setInterval(() => {
      const due = Math.min(rate * seconds, Math.floor(((performance.now() - t0) / 1000) * rate));
      while (events < due) {
        for (const text of syntheticRequest(n, Date.now())) {
          deliverTapMessage(text, capture);
          events += 1;
        }
        n += 1;
      }
      if (events >= rate * seconds) finish();
    }, 10);
    let done = false;
    function finish() {
      if (done) return;
      done = true;
      clearInterval(feed);
      clearInterval(lag);
      // Let the last redraw land before reading the figures.
      setTimeout(() => {
        cancelAnimationFrame(raf);
        const sorted = [...gaps.slice(1)].sort((a, b) => a - b);
        const pick = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
        setFigures({
          events,
          frames: sorted.length,
          frameP50Ms: pick(0.5),
          frameP95Ms: pick(0.95),
          frameMaxMs: sorted.at(-1) ?? 0,
          longFrames: sorted.filter((g) => g > 50).length,
          lagMaxMs: lagMax,
          rows: capture.getSnapshot().rows.length,
          renderedRows: table.current?.querySelectorAll('tr.tap-row').length ?? 0,
        });
        setRunning(false);
      }, 700);
    }
    return () => {
      clearInterval(feed);
      clearInterval(lag);
      cancelAnimationFrame(raf);
    };
  }, [running, rate, seconds, capture]);

  return (
    <section className="panel" aria-label="Tap benchmark">
      <h2>
        Tap benchmark: {rate} events/s for {seconds} s
      </h2>
      <div className="tap-actions">
        <button type="button" className="button primary" onClick={() => setRunning(true)} disabled={running}>
          Run
        </button>
        <button type="button" className="button" onClick={() => capture.setPaused(!snapshot.paused)} aria-pressed={snapshot.paused}>
          {snapshot.paused ? 'Resume' : 'Pause'}
        </button>
      </div>
      <p className="live-status" role="status">
        {running ? 'Feeding…' : 'Idle'} · <span data-count="received">{snapshot.received}</span> events · {snapshot.rows.length} rows
      </p>
      {figures && (
        <dl
          className="bench-figures"
          data-events={figures.events}
          data-frames={figures.frames}
          data-frame-p50-ms={figures.frameP50Ms.toFixed(1)}
          data-frame-p95-ms={figures.frameP95Ms.toFixed(1)}
          data-frame-max-ms={figures.frameMaxMs.toFixed(1)}
          data-long-frames={figures.longFrames}
          data-lag-max-ms={figures.lagMaxMs.toFixed(1)}
          data-rows={figures.rows}
          data-rendered-rows={figures.renderedRows}
        >
          <dt>Events</dt>
          <dd>{figures.events}</dd>
          <dt>Frames (p50 / p95 / max)</dt>
          <dd>
            {figures.frames} ({figures.frameP50Ms.toFixed(1)} / {figures.frameP95Ms.toFixed(1)} / {figures.frameMaxMs.toFixed(1)} ms), {figures.longFrames}{' '}
            over 50 ms
          </dd>
          <dt>Event-loop lag (max)</dt>
          <dd>{figures.lagMaxMs.toFixed(1)} ms</dd>
          <dt>Rows kept / in the DOM</dt>
          <dd>
            {figures.rows} / {figures.renderedRows}
          </dd>
        </dl>
      )}
      <div ref={table}>
        <TapTable rows={snapshot.rows} emptyText="Press Run." />
      </div>
    </section>
  );
}
