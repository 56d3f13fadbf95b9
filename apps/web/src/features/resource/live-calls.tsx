'use client';
// "Live calls" (Linkerd's TopRoutesTabs → Live Calls): a top table of this resource's requests, streamed from tap
// through the dashboard's relay and aggregated with the shared `topRows`; reconnects by itself after an outage.
import { formatTapResource, type TapRequestInput, type TapResource, type TopRow } from '@signalbox/shared';
import Link from 'next/link';
import { tapPageHref } from '../tap/tap-query';
import { TapStreamStatus } from '../tap/tap-stream-status';
import { TopTable } from '../top/top-table';
import { useTopStream } from '../top/use-top-stream';

/** `target`: what the detail page taps (`liveCallsTarget`); null when nothing meshed stands behind it. */
export function LiveCalls({ target }: { target: TapResource | null }) {
  const request: TapRequestInput | null = target ? { v: 1, target, maxRps: 100 } : null;
  const { snapshot, stream } = useTopStream(request);
  const resource = target ? formatTapResource(target) : '';
  const tapHref = (row: TopRow) => tapPageHref({ resource, namespace: target?.namespace ?? '', method: row.method, path: row.path });
  return (
    <section className="panel" aria-label="Live calls" data-state={target ? stream.state.kind : 'no-workload'}>
      <h2>Live calls</h2>
      {target ? (
        <>
          <p className="panel-note">
            Requests through {resource}’s proxies, live from tap (up to 100 per second).{' '}
            <Link href={`/top?${new URLSearchParams({ resource, namespace: target.namespace }).toString().replace(/%2F/g, '/')}`}>Open in Top</Link>
          </p>
          <TopTable rows={snapshot.rows} tapHref={tapHref} emptyText="Waiting for requests…" />
          <TapStreamStatus state={stream.state} snapshot={snapshot} onRestart={stream.start} />
        </>
      ) : (
        <p className="state-message">No meshed workload behind this resource to tap.</p>
      )}
    </section>
  );
}
