// The tap view's capture: every event the stream (or a loaded file) delivers goes into a bounded row buffer at once;
// the table sees a new snapshot at most every 500 ms. Paused, events keep arriving into the buffer (up to its cap)
// while the snapshot stays frozen; resuming shows them. A store for useSyncExternalStore, so React renders only on
// snapshots, never per event.
import type { TapEvent } from '@signalbox/shared';
import { addTapEvent, createTapRowBuffer, rowEvents, TAP_HISTORY_ROWS, type TapRow, type TapRowBuffer } from './tap-rows';
import { createThrottle, realTimers, type Throttle, type Timers } from './throttle';

/** A non-fatal notice from the control plane (a pod's proxy went away…) or the dashboard. */
export interface TapNotice {
  readonly code: string;
  readonly message: string;
  readonly pod?: string;
  readonly at: number;
}

export interface TapSnapshot {
  /** Newest first. Frozen while paused. */
  readonly rows: readonly TapRow[];
  /** Events received since the last clear. */
  readonly received: number;
  /** Events the control plane or a proxy dropped because this reader was slow (their `dropped` notices, summed). */
  readonly dropped: number;
  /** Rows pushed out of the bounded history by newer ones. */
  readonly evicted: number;
  /** Events received while paused, shown on resume. */
  readonly heldWhilePaused: number;
  readonly paused: boolean;
  /** The latest few notices, newest first. */
  readonly notices: readonly TapNotice[];
}

export const TAP_REDRAW_MS = 500;
const MAX_NOTICES = 5;

export interface TapCaptureOptions {
  readonly capacity?: number;
  readonly redrawMs?: number;
  readonly timers?: Timers;
}

export class TapCapture {
  readonly #rows: TapRowBuffer;
  readonly #listeners = new Set<() => void>();
  readonly #throttle: Throttle;
  #session = 0;
  #received = 0;
  #dropped = 0;
  #held = 0;
  #paused = false;
  #notices: TapNotice[] = [];
  #snapshot: TapSnapshot;

  constructor(options: TapCaptureOptions = {}) {
    this.#rows = createTapRowBuffer(options.capacity ?? TAP_HISTORY_ROWS);
    this.#throttle = createThrottle(() => this.#publish(), options.redrawMs ?? TAP_REDRAW_MS, options.timers ?? realTimers);
    this.#snapshot = this.#build([]);
  }

  /** A new tap session (start, reconnect, load): its ids start over, so rows are keyed by session too. */
  newSession(): void {
    this.#session += 1;
  }

  addEvent(event: TapEvent): void {
    addTapEvent(this.#rows, event, this.#session);
    this.#received += 1;
    if (this.#paused) this.#held += 1;
    this.#throttle.schedule();
  }

  addDropped(count: number): void {
    this.#dropped += count;
    this.#throttle.schedule();
  }

  addNotice(notice: TapNotice): void {
    this.#notices = [notice, ...this.#notices].slice(0, MAX_NOTICES);
    this.#throttle.schedule();
  }

  setPaused(paused: boolean): void {
    if (this.#paused === paused) return;
    this.#paused = paused;
    if (!paused) this.#held = 0;
    this.#throttle.flush();
  }

  clear(): void {
    this.#rows.clear();
    this.#received = 0;
    this.#dropped = 0;
    this.#held = 0;
    this.#notices = [];
    this.#throttle.flush();
  }

  /** Redraw now (after loading a file) rather than on the next tick. */
  flush(): void {
    this.#throttle.flush();
  }

  /** Every event of the rows held, including those a paused view does not show yet, oldest first. */
  events(): TapEvent[] {
    return rowEvents(this.#rows.values());
  }

  get capacity(): number {
    return this.#rows.capacity;
  }

  // === the useSyncExternalStore contract ===

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getSnapshot = (): TapSnapshot => this.#snapshot;

  dispose(): void {
    this.#throttle.cancel();
    this.#listeners.clear();
  }

  #publish(): void {
    this.#snapshot = this.#build(this.#paused ? this.#snapshot.rows : this.#rows.newestFirst());
    for (const listener of this.#listeners) listener();
  }

  #build(rows: readonly TapRow[]): TapSnapshot {
    return {
      rows,
      received: this.#received,
      dropped: this.#dropped,
      evicted: this.#rows.evicted,
      heldWhilePaused: this.#held,
      paused: this.#paused,
      notices: this.#notices,
    };
  }
}
