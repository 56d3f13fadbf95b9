'use client';
// The overview: every namespace with meshed/total pods and golden metrics, each linking to its namespace page.
import { useQuery } from '@tanstack/react-query';
import { ErrorBanner } from '../../components/error-banner';
import { liveQueryOptions } from '../../lib/query-client';
import { useTRPC } from '../../lib/trpc';
import { LiveStatus } from '../metrics/live-status';
import { MetricsTable, MetricsTableSkeleton } from '../metrics/metrics-table';
import type { MetricsWindow } from '../metrics/window';
import { overviewRows } from './overview-rows';

export function NamespaceOverview({ window }: { window: MetricsWindow }) {
  const trpc = useTRPC();
  const namespaces = useQuery(trpc.namespaces.queryOptions(undefined, liveQueryOptions));
  const stat = useQuery(trpc.stat.queryOptions({ kind: 'namespace', window }, liveQueryOptions));
  // Discovery's error first: without it there is nothing to list; a metrics error alone still lists namespaces.
  const failed = namespaces.isError ? namespaces : stat.isError ? stat : null;

  return (
    <section className="panel" aria-label="Namespaces">
      <h2>Namespaces</h2>
      {failed !== null && <ErrorBanner error={failed.error} showingStaleData={failed.data !== undefined} />}
      {namespaces.data === undefined ? (
        namespaces.isError ? null : (
          <>
            <p className="state-message">Loading…</p>
            <MetricsTableSkeleton rows={2} />
          </>
        )
      ) : namespaces.data.length === 0 ? (
        <p className="state-message empty" data-state="no-namespaces">
          No namespaces in the mesh yet.
        </p>
      ) : (
        <MetricsTable
          rows={overviewRows(namespaces.data, stat.data?.rows)}
          nameHeader="Namespace"
          hrefFor={(row) => `/namespaces/${encodeURIComponent(row.name)}?window=${window}`}
          stale={stat.isPlaceholderData}
        />
      )}
      <LiveStatus window={window} updatedAt={stat.dataUpdatedAt} fetching={stat.isFetching || namespaces.isFetching} />
    </section>
  );
}
