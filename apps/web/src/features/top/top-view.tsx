'use client';
// The top page's body: the same query form as tap (the URL holds it), and the live calls of that query.
import type { TopRow } from '@signalbox/shared';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { tapPageHref, tapQueryString, tapRequestFor, type TapQuery } from '../tap/tap-query';
import { StartStopButton, TapQueryPanel } from '../tap/query-panel';
import { TapStreamStatus } from '../tap/tap-stream-status';
import { TopTable } from './top-table';
import { TOP_ROWS_KEPT, TOP_ROWS_SHOWN } from './top-capture';
import { useTopStream } from './use-top-stream';

export function TopView({ query }: { query: TapQuery }) {
  const router = useRouter();
  const request = tapRequestFor(query);
  const { snapshot, stream, clear } = useTopStream('error' in request ? null : request);
  const running = stream.state.kind === 'streaming' || stream.state.kind === 'connecting';
  const tapHref = (row: TopRow) => tapPageHref({ ...query, method: row.method, path: row.path });
  const submit = (next: TapQuery) => {
    const qs = tapQueryString(next);
    if (qs === tapQueryString(query)) {
      clear();
      stream.start();
    } else router.push(`/top?${qs}`);
  };
  return (
    <div className="stack">
      <TapQueryPanel label="Top query" query={query} request={request} running={running} onSubmit={submit} />
      <section className="panel" aria-label="Live calls">
        <div className="tap-toolbar">
          <div className="tap-actions">
            <StartStopButton running={running} disabled={'error' in request} onStart={stream.start} onStop={stream.stop} />
            <button type="button" className="button" onClick={clear}>
              Clear
            </button>
            {'error' in request ? null : (
              <Link className="button" href={`/tap?${tapQueryString(query)}`}>
                Tap of this query
              </Link>
            )}
          </div>
          <TapStreamStatus state={stream.state} snapshot={snapshot} onRestart={stream.start} />
        </div>
        <p className="panel-note">
          Completed requests by source, destination, method and path; the {TOP_ROWS_SHOWN} busiest of the {TOP_ROWS_KEPT} kept.
          Latency is request init → response end.
        </p>
        <TopTable
          rows={snapshot.rows}
          tapHref={tapHref}
          emptyText={'error' in request ? 'Choose a resource to watch, e.g. deploy/web.' : 'Waiting for completed requests…'}
        />
      </section>
    </div>
  );
}
