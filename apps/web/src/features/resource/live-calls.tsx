'use client';
// "Live calls" (Linkerd's TopRoutesTabs → Live Calls): a top table of this resource's requests, streamed from tap
// through the dashboard's relay and aggregated with the shared `topRows`; reconnects by itself after an outage.
import type { TapRequestInput, TopRow } from '@signalbox/shared';
import Link from 'next/link';
import { tapPageHref } from '../tap/tap-query';
import { TapStreamStatus } from '../tap/tap-stream-status';
import { TopTable } from '../top/top-table';
import { useTopStream } from '../top/use-top-stream';

/** What to tap for a detail page: the pod itself, else the deployment (a service's workload). */
export interface LiveCallsTarget {
  readonly namespace: string;
  readonly kind: 'deployment' | 'pod';
  readonly name: string;
}

export function LiveCalls({ target }: { target: LiveCallsTarget | null }) {
  const request: TapRequestInput | null = target ? { v: 1, target, maxRps: 100 } : null;
  const { snapshot, stream } = useTopStream(request);
  const resource = target ? `${target.kind === 'pod' ? 'po' : 'deploy'}/${target.name}` : '';
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
