// `top`: tap events aggregated by (source, destination, method, path), as `linkerd viz top` and the dashboard's
// "Live calls" show them. Pure: the CLI and the dashboard feed it the same events.
import type { ResponseEndEvent, TapEvent } from './tap.js';

export interface TopRow {
  readonly source: string;
  readonly destination: string;
  readonly method: string;
  readonly path: string;
  /** Completed requests (response end seen). */
  readonly count: number;
  /** Request init → response end, in ms. */
  readonly bestMs: number;
  readonly worstMs: number;
  readonly lastMs: number;
  readonly successes: number;
  /** successes / count (Linkerd: HTTP status < 500, or grpc-status OK when present). */
  readonly successRate: number;
}

interface Pending {
  readonly key: string;
  readonly source: string;
  readonly destination: string;
  readonly method: string;
  readonly path: string;
  status: number | undefined;
}

type MutableRow = { -readonly [K in keyof TopRow]: TopRow[K] };

/** Incremental aggregation; `topRows` is the one-shot form. Requests awaiting their end are capped (oldest go). */
export interface TopState {
  readonly pending: Map<string, Pending>;
  readonly rows: Map<string, MutableRow>;
  readonly maxPending: number;
}

export function createTopState(maxPending = 10_000): TopState {
  return { pending: new Map(), rows: new Map(), maxPending };
}

/** A peer as top shows it: the pod's name when known, else the IP (ports differ per connection). */
export function topPeerName(peer: TapEvent['source']): string {
  const pod = peer.meta.pod;
  if (pod) return pod;
  const addr = peer.addr;
  const colon = addr.lastIndexOf(':');
  const ip = colon > 0 ? addr.slice(0, colon) : addr;
  return ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
}

/**
 * Linkerd's rule for a tapped response: no reset, and grpc-status OK when present, else HTTP status < 500. `status`
 * is the response head's (undefined when none came). The tap table colours its rows by the same rule.
 */
export function tapResponseSucceeded(status: number | undefined, end: ResponseEndEvent['responseEnd']): boolean {
  if (end.resetError !== undefined) return false;
  return end.grpcStatus !== undefined ? end.grpcStatus === 0 : status !== undefined && status < 500;
}

export function addTopEvent(state: TopState, event: TapEvent): void {
  const id = `${event.id.base}:${event.id.stream}`;
  if ('requestInit' in event) {
    if (state.pending.size >= state.maxPending) {
      const oldest = state.pending.keys().next().value;
      if (oldest !== undefined) state.pending.delete(oldest);
    }
    const source = topPeerName(event.source);
    const destination = topPeerName(event.destination);
    const { method, path } = event.requestInit;
    state.pending.set(id, { key: JSON.stringify([source, destination, method, path]), source, destination, method, path, status: undefined });
    return;
  }
  const pending = state.pending.get(id);
  if (!pending) return;
  if ('responseInit' in event) {
    pending.status = event.responseInit.status;
    return;
  }
  state.pending.delete(id);
  const end = event.responseEnd;
  const ms = end.sinceRequestInitUs / 1000;
  const success = tapResponseSucceeded(pending.status, end);
  let row = state.rows.get(pending.key);
  if (!row) {
    row = {
      source: pending.source,
      destination: pending.destination,
      method: pending.method,
      path: pending.path,
      count: 0,
      bestMs: ms,
      worstMs: ms,
      lastMs: ms,
      successes: 0,
      successRate: 0,
    };
    state.rows.set(pending.key, row);
  }
  row.count += 1;
  row.bestMs = Math.min(row.bestMs, ms);
  row.worstMs = Math.max(row.worstMs, ms);
  row.lastMs = ms;
  if (success) row.successes += 1;
  row.successRate = row.successes / row.count;
}

/** Rows by count, busiest first; ties in (source, destination, method, path) order so output is stable. */
export function topStateRows(state: TopState): TopRow[] {
  return [...state.rows.values()]
    .map((r) => ({ ...r }))
    .sort(
      (a, b) =>
        b.count - a.count ||
        a.source.localeCompare(b.source) ||
        a.destination.localeCompare(b.destination) ||
        a.method.localeCompare(b.method) ||
        a.path.localeCompare(b.path),
    );
}

export function topRows(events: Iterable<TapEvent>): TopRow[] {
  const state = createTopState();
  for (const e of events) addTopEvent(state, e);
  return topStateRows(state);
}
