'use client';
// The streaming tap table (Linkerd's TapEventTable): direction, source, destination, method, path, status, latency
// and gRPC status, newest first; each row expands to its request init, response init and response end with headers.
// Windowed: only the rows in view (plus an overscan) are in the DOM, so a full 1 000-row history draws like 30.
import { memo, useCallback, useLayoutEffect, useRef, useState, type UIEvent } from 'react';
import type { TapHeader, TapPeer } from '@signalbox/shared';
import { NumericHeader } from '../../components/numeric-header';
import { formatLatencyMs } from '../metrics/format';
import { tapRowView, type TapRow } from './tap-rows';
import { offsetOf, windowRange } from './windowing';

/** Fixed height of a collapsed row, in px (CSS `.tap-row td` keeps it). */
export const TAP_ROW_HEIGHT = 30;
const OVERSCAN = 8;
const COLUMNS = 9;

export function TapTable({ rows, emptyText }: { rows: readonly TapRow[]; emptyText: string }) {
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(600);
  const [expanded, setExpanded] = useState<ReadonlyMap<string, number>>(new Map());

  const extraOf = useCallback((i: number) => expanded.get(rows[i]?.key ?? '') ?? 0, [expanded, rows]);
  const range = windowRange({ count: rows.length, rowHeight: TAP_ROW_HEIGHT, extra: extraOf, scrollTop, viewportHeight: viewport, overscan: OVERSCAN });

  // New rows arrive on top: when the reader has scrolled down, keep the rows they look at where they are.
  const anchor = useRef<{ key: string; offset: number } | null>(null);
  useLayoutEffect(() => {
    const el = scroller.current;
    const previous = anchor.current;
    if (el && previous && el.scrollTop > 0) {
      const index = rows.findIndex((r) => r.key === previous.key);
      if (index >= 0) {
        const shift = offsetOf(index, TAP_ROW_HEIGHT, extraOf) - previous.offset;
        if (shift !== 0) el.scrollTop += shift;
      }
    }
    const first = rows[range.start];
    anchor.current = first ? { key: first.key, offset: range.before } : null;
  }, [rows, extraOf, range.start, range.before]);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setViewport(el.clientHeight));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const onScroll = useCallback((e: UIEvent<HTMLDivElement>) => setScrollTop(e.currentTarget.scrollTop), []);
  const toggle = useCallback((key: string) => {
    setExpanded((current) => {
      const next = new Map(current);
      if (next.has(key)) next.delete(key);
      else next.set(key, 0);
      return next;
    });
  }, []);
  const measured = useCallback((key: string, height: number) => {
    setExpanded((current) => (current.has(key) && current.get(key) !== height ? new Map(current).set(key, height) : current));
  }, []);

  return (
    <div className="tap-table-scroll" ref={scroller} onScroll={onScroll} data-rows={rows.length} data-rendered={range.end - range.start}>
      <table className="tap-table">
        <colgroup>
          <col className="col-toggle" />
          <col className="col-direction" />
          <col className="col-peer" />
          <col className="col-peer" />
          <col className="col-method" />
          <col className="col-path" />
          <col className="col-status" />
          <col className="col-latency" />
          <col className="col-grpc" />
        </colgroup>
        <thead>
          <tr>
            <th scope="col">
              <span className="visually-hidden">Details</span>
            </th>
            <th scope="col">Direction</th>
            <th scope="col">Source</th>
            <th scope="col">Destination</th>
            <th scope="col">Method</th>
            <th scope="col">Path</th>
            <NumericHeader>Status</NumericHeader>
            <NumericHeader title="Request init → response end (→ response head while the body streams)">Latency</NumericHeader>
            <NumericHeader>gRPC</NumericHeader>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && (
            <tr>
              <td colSpan={COLUMNS} className="state-message" data-state="empty">
                {emptyText}
              </td>
            </tr>
          )}
          {range.before > 0 && <tr aria-hidden="true" className="tap-spacer" style={{ height: range.before }} />}
          {rows.slice(range.start, range.end).map((row) => (
            <TapRowGroup key={row.key} row={row} open={expanded.has(row.key)} onToggle={toggle} onMeasure={measured} />
          ))}
          {range.after > 0 && <tr aria-hidden="true" className="tap-spacer" style={{ height: range.after }} />}
        </tbody>
      </table>
    </div>
  );
}

const TapRowGroup = memo(function TapRowGroup({
  row,
  open,
  onToggle,
  onMeasure,
}: {
  row: TapRow;
  open: boolean;
  onToggle: (key: string) => void;
  onMeasure: (key: string, height: number) => void;
}) {
  const v = tapRowView(row);
  const detailRef = useRef<HTMLTableRowElement>(null);
  useLayoutEffect(() => {
    const el = detailRef.current;
    if (!open || !el) return;
    const observer = new ResizeObserver(() => onMeasure(row.key, el.getBoundingClientRect().height));
    observer.observe(el);
    return () => observer.disconnect();
  }, [open, row.key, onMeasure]);
  const detailId = `tap-detail-${row.key.replace(/:/g, '-')}`;
  const statusText = v.status === null ? (v.outcome === 'failure' ? 'reset' : '…') : String(v.status);
  return (
    <>
      <tr className="tap-row" data-key={row.key} data-outcome={v.outcome} data-direction={v.direction} data-path={v.path}>
        <td>
          <button
            type="button"
            className="tap-toggle"
            aria-expanded={open}
            aria-controls={open ? detailId : undefined}
            aria-label={`${open ? 'Hide' : 'Show'} details of ${v.method} ${v.path}`}
            onClick={() => onToggle(row.key)}
          >
            {open ? '▾' : '▸'}
          </button>
        </td>
        <td data-column="direction">{v.direction === 'in' ? 'inbound' : 'outbound'}</td>
        <td data-column="source" title={peerTitle(row.source)}>
          {v.source}
        </td>
        <td data-column="destination" title={peerTitle(row.destination)}>
          {v.destination}
        </td>
        <td data-column="method">{v.method || '-'}</td>
        <td data-column="path" title={v.authority ? `${v.authority}${v.path}` : v.path}>
          {v.path || '-'}
        </td>
        <td data-column="status" className="numeric">
          <span className={`outcome outcome-${v.outcome}`} aria-label={v.outcome === 'pending' ? 'in progress' : v.outcome}>
            <span className="dot" aria-hidden="true" />
            {statusText}
          </span>
        </td>
        <td data-column="latency" className="numeric">
          {v.latencyMs === null ? '-' : formatLatencyMs(v.latencyMs)}
        </td>
        <td data-column="grpcStatus" className="numeric">
          {v.grpcStatus ?? '-'}
        </td>
      </tr>
      {open && (
        <tr className="tap-detail" ref={detailRef} id={detailId}>
          <td colSpan={COLUMNS}>
            <TapRowDetail row={row} />
          </td>
        </tr>
      )}
    </>
  );
});

function TapRowDetail({ row }: { row: TapRow }) {
  const req = row.requestInit;
  const head = row.responseInit?.responseInit;
  const end = row.responseEnd?.responseEnd;
  return (
    <div className="tap-detail-grid">
      <section aria-label="Request init">
        <h3>Request init</h3>
        {req ? (
          <dl>
            <dt>:method</dt>
            <dd>{req.requestInit.method}</dd>
            <dt>:scheme</dt>
            <dd>{req.requestInit.scheme}</dd>
            <dt>:authority</dt>
            <dd>{req.requestInit.authority}</dd>
            <dt>:path</dt>
            <dd>{req.requestInit.path}</dd>
            <dt>at</dt>
            <dd>{new Date(req.at).toISOString()}</dd>
          </dl>
        ) : (
          <p className="state-message">Not seen (the tap started mid-request).</p>
        )}
        <Peers source={row.source} destination={row.destination} />
        {req && <Headers title="Headers" headers={req.requestInit.headers} />}
      </section>
      <section aria-label="Response init">
        <h3>Response init</h3>
        {head ? (
          <>
            <dl>
              <dt>:status</dt>
              <dd>{head.status}</dd>
              <dt>latency</dt>
              <dd>{formatLatencyMs(head.sinceRequestInitUs / 1000)}</dd>
            </dl>
            <Headers title="Headers" headers={head.headers} />
          </>
        ) : (
          <p className="state-message">{end ? 'No response head (the stream was reset).' : 'Waiting for the response…'}</p>
        )}
      </section>
      <section aria-label="Response end">
        <h3>Response end</h3>
        {end ? (
          <>
            <dl>
              <dt>duration</dt>
              <dd>{formatLatencyMs(end.sinceResponseInitUs / 1000)}</dd>
              <dt>total</dt>
              <dd>{formatLatencyMs(end.sinceRequestInitUs / 1000)}</dd>
              <dt>response length</dt>
              <dd>{end.responseBytes} B</dd>
              {end.grpcStatus !== undefined && (
                <>
                  <dt>grpc-status</dt>
                  <dd>{end.grpcStatus}</dd>
                </>
              )}
              {end.resetError !== undefined && (
                <>
                  <dt>error</dt>
                  <dd>{end.resetError}</dd>
                </>
              )}
            </dl>
            <Headers title="Trailers" headers={end.trailers} />
          </>
        ) : (
          <p className="state-message">Waiting for the end of the response…</p>
        )}
      </section>
    </div>
  );
}

function Peers({ source, destination }: { source: TapPeer; destination: TapPeer }) {
  return (
    <dl className="tap-peers">
      <dt>source</dt>
      <dd>{peerTitle(source)}</dd>
      <dt>destination</dt>
      <dd>{peerTitle(destination)}</dd>
    </dl>
  );
}

function Headers({ title, headers }: { title: string; headers: readonly TapHeader[] }) {
  if (headers.length === 0) return null;
  return (
    <details open className="tap-headers">
      <summary>
        {title} ({headers.length})
      </summary>
      <dl>
        {headers.map((h, i) => (
          <div key={`${h.name}-${i}`}>
            <dt>{h.name}</dt>
            <dd>{h.value}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}

function peerTitle(peer: TapPeer): string {
  const meta = Object.entries(peer.meta)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  return meta ? `${peer.addr} ${meta}` : peer.addr;
}
