// Tap events → table rows: a request's init, response init and response end pair up by id into one row (Linkerd's
// TapEventTable), kept in a bounded buffer. Rows are replaced, never mutated, so unchanged rows keep their identity
// and the table redraws only what changed.
import {
  tapResponseSucceeded,
  type RequestInitEvent,
  type ResponseEndEvent,
  type ResponseInitEvent,
  type TapEvent,
  type TapPeer,
} from '@signalbox/shared';
import { BoundedBuffer } from './bounded-buffer';

export interface TapRow {
  /** `<session>:<base>:<stream>`: ids restart with each tap session, so the session keeps them apart. */
  readonly key: string;
  readonly direction: TapEvent['direction'];
  readonly source: TapPeer;
  readonly destination: TapPeer;
  /** When the first event of the request was seen (ms since the epoch). */
  readonly at: number;
  readonly requestInit?: RequestInitEvent;
  readonly responseInit?: ResponseInitEvent;
  readonly responseEnd?: ResponseEndEvent;
}

/** The dashboard keeps this many requests (Linkerd's tap table keeps a similar bounded list). */
export const TAP_HISTORY_ROWS = 1_000;

export type TapRowBuffer = BoundedBuffer<string, TapRow>;

export function createTapRowBuffer(capacity = TAP_HISTORY_ROWS): TapRowBuffer {
  return new BoundedBuffer(capacity);
}

/**
 * Pairs one event into its row. A response event whose request was not seen (the tap started mid-request, or the
 * row was evicted) still gets a row, with what it knows.
 */
export function addTapEvent(rows: TapRowBuffer, event: TapEvent, session = 0): TapRow {
  const key = `${session}:${event.id.base}:${event.id.stream}`;
  const row: TapRow = rows.get(key) ?? {
    key,
    direction: event.direction,
    source: event.source,
    destination: event.destination,
    at: event.at,
  };
  const next: TapRow =
    'requestInit' in event
      ? { ...row, requestInit: event }
      : 'responseInit' in event
        ? { ...row, responseInit: event }
        : { ...row, responseEnd: event };
  rows.set(key, next);
  return next;
}

export type TapOutcome = 'pending' | 'success' | 'failure';

/** What one row shows, derived once per redraw of a visible row. */
export interface TapRowView {
  readonly direction: 'in' | 'out';
  readonly source: string;
  readonly destination: string;
  readonly method: string;
  readonly path: string;
  readonly authority: string;
  readonly status: number | null;
  /** Request init → response end, or → response head while the body streams; null before the head. */
  readonly latencyMs: number | null;
  readonly grpcStatus: number | null;
  readonly outcome: TapOutcome;
}

/** A peer as the table names it: its deployment, else its pod, else its IP (ports differ per connection). */
export function tapPeerLabel(peer: TapPeer): string {
  const { deployment, pod } = peer.meta;
  if (deployment) return deployment;
  if (pod) return pod;
  const colon = peer.addr.lastIndexOf(':');
  const ip = colon > 0 ? peer.addr.slice(0, colon) : peer.addr;
  return ip.replace(/^\[(.*)\]$/, '$1');
}

export function tapRowView(row: TapRow): TapRowView {
  const init = row.requestInit?.requestInit;
  const head = row.responseInit?.responseInit;
  const end = row.responseEnd?.responseEnd;
  const status = head?.status ?? null;
  return {
    direction: row.direction === 'inbound' ? 'in' : 'out',
    source: tapPeerLabel(row.source),
    destination: tapPeerLabel(row.destination),
    method: init?.method ?? '',
    path: init?.path ?? '',
    authority: init?.authority ?? '',
    status,
    latencyMs: end ? end.sinceRequestInitUs / 1000 : head ? head.sinceRequestInitUs / 1000 : null,
    grpcStatus: end?.grpcStatus ?? null,
    outcome: end ? (tapResponseSucceeded(status ?? undefined, end) ? 'success' : 'failure') : 'pending',
  };
}

/** The events behind rows, in the order they were seen (by `at`, then per request), for an NDJSON export. */
export function rowEvents(rows: Iterable<TapRow>): TapEvent[] {
  const events: TapEvent[] = [];
  for (const row of rows)
    for (const e of [row.requestInit, row.responseInit, row.responseEnd]) if (e !== undefined) events.push(e);
  // Array.prototype.sort is stable: a request's events stay in init → head → end order on equal times.
  return events.sort((a, b) => a.at - b.at);
}
