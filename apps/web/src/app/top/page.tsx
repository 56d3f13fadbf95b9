// `/top`: live calls aggregated from tap (Linkerd's Top page). The URL holds the query, as on /tap.
import type { Metadata } from 'next';
import { searchParamsOf, tapQueryFromParams, tapQueryString } from '../../features/tap/tap-query';
import { TopView } from '../../features/top/top-view';

export const metadata: Metadata = { title: 'Top · Signalbox' };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function TopPage({ searchParams }: { searchParams: SearchParams }) {
  const query = tapQueryFromParams(searchParamsOf(await searchParams));
  return (
    <>
      <div className="page-header">
        <h1>Top</h1>
      </div>
      <TopView key={tapQueryString(query)} query={query} />
    </>
  );
}
