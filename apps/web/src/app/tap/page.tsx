// `/tap`: live requests through a workload (Linkerd's Tap page). The URL holds the whole query, so an edge of the
// topology, a top row or a colleague's link opens exactly this tap.
import type { Metadata } from 'next';
import { searchParamsOf, tapQueryFromParams, tapQueryString } from '../../features/tap/tap-query';
import { TapView } from '../../features/tap/tap-view';

export const metadata: Metadata = { title: 'Tap · Signalbox' };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function TapPage({ searchParams }: { searchParams: SearchParams }) {
  const query = tapQueryFromParams(searchParamsOf(await searchParams));
  return (
    <>
      <div className="page-header">
        <h1>Tap</h1>
      </div>
      {/* A new query is a new capture: the key remounts the view (and its stream) per query. */}
      <TapView key={tapQueryString(query)} query={query} />
    </>
  );
}
