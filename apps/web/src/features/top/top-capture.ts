// Live calls (`top`) from a tap stream: events fold into shared `topRows` aggregation as they arrive; the table gets
// a snapshot at most every 500 ms. As Linkerd's dashboard, 50 rows are kept (the busiest) and 40 shown.
import { addTopEvent, createTopState, topStateRows, type TapEvent, type TopRow, type TopState } from '@signalbox/shared';
import type { TapNotice } from '../tap/tap-capture';
import type { TapSink } from '../tap/tap-socket';
import { createThrottle, realTimers, type Throttle, type Timers } from '../tap/throttle';

export const TOP_ROWS_KEPT = 50;
export const TOP_ROWS_SHOWN = 40;

export interface TopSnapshot {
  /** Busiest first, at most TOP_ROWS_KEPT. */
  readonly rows: readonly TopRow[];
  readonly received: number;
  readonly dropped: number;
  readonly evicted: number;
  readonly notices: readonly TapNotice[];
}

/** The key `addTopEvent` files a row under. */
export function topRowKey(row: Pick<TopRow, 'source' | 'destination' | 'method' | 'path'>): string {
  return JSON.stringify([row.source, row.destination, row.method, row.path]);
}

/** Drops all but the `keep` busiest rows from the aggregation; returns the rows kept and how many went. */
export function pruneTop(state: TopState, keep: number): { rows: TopRow[]; dropped: number } {
  const rows = topStateRows(state);
  for (const row of rows.slice(keep)) state.rows.delete(topRowKey(row));
  return { rows: rows.slice(0, keep), dropped: Math.max(0, rows.length - keep) };
}

export class TopCapture implements TapSink {
  readonly #state = createTopState(1_000);
  readonly #listeners = new Set<() => void>();
  readonly #throttle: Throttle;
  #received = 0;
  #dropped = 0;
  #evicted = 0;
  #notices: TapNotice[] = [];
  #snapshot: TopSnapshot = { rows: [], received: 0, dropped: 0, evicted: 0, notices: [] };

  constructor(options: { readonly redrawMs?: number; readonly timers?: Timers; readonly keep?: number } = {}) {
    const keep = options.keep ?? TOP_ROWS_KEPT;
    this.#throttle = createThrottle(
      () => {
        const pruned = pruneTop(this.#state, keep);
        this.#evicted += pruned.dropped;
        this.#snapshot = { rows: pruned.rows, received: this.#received, dropped: this.#dropped, evicted: this.#evicted, notices: this.#notices };
        for (const l of this.#listeners) l();
      },
      options.redrawMs ?? 500,
      options.timers ?? realTimers,
    );
  }

  newSession(): void {
    // Stream ids start over with each connection: requests still awaiting their end cannot be matched any more.
    this.#state.pending.clear();
  }

  addEvent(event: TapEvent): void {
    addTopEvent(this.#state, event);
    this.#received += 1;
    this.#throttle.schedule();
  }

  addDropped(count: number): void {
    this.#dropped += count;
    this.#throttle.schedule();
  }

  addNotice(notice: TapNotice): void {
    this.#notices = [notice, ...this.#notices].slice(0, 5);
    this.#throttle.schedule();
  }

  clear(): void {
    this.#state.pending.clear();
    this.#state.rows.clear();
    this.#received = 0;
    this.#dropped = 0;
    this.#evicted = 0;
    this.#notices = [];
    this.#throttle.flush();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getSnapshot = (): TopSnapshot => this.#snapshot;
}
