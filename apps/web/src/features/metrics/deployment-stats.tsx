'use client';
// The namespace page's deployments table: `stat {kind: deployment}` polled every 2 s, with loading, empty and
// error states (the page is never blank: an error shows a banner above whatever was last received).
import { useQuery } from '@tanstack/react-query';
import { ErrorBanner } from '../../components/error-banner';
import { liveQueryOptions } from '../../lib/query-client';
import { useTRPC } from '../../lib/trpc';
import { hasNoTraffic } from './columns';
import { LiveStatus } from './live-status';
import { MetricsTable, MetricsTableSkeleton } from './metrics-table';
import type { MetricsWindow } from './window';

export function DeploymentStats({ namespace, window }: { namespace: string; window: MetricsWindow }) {
  const trpc = useTRPC();
  const stat = useQuery(trpc.stat.queryOptions({ kind: 'deployment', namespace, window }, liveQueryOptions));
  const rows = stat.data?.rows;

  return (
    <section className="panel" aria-label="Deployments">
      <h2>Deployments</h2>
      {stat.isError && <ErrorBanner error={stat.error} showingStaleData={rows !== undefined} />}
      {rows === undefined ? (
        stat.isError ? null : (
          <>
            <p className="state-message">Loading…</p>
            <MetricsTableSkeleton />
          </>
        )
      ) : rows.length === 0 ? (
        <p className="state-message empty" data-state="no-deployments">
          No deployments in namespace <strong>{namespace}</strong>.
        </p>
      ) : (
        <>
          {hasNoTraffic(rows) && (
            <p className="state-message empty" data-state="no-traffic">
              No traffic yet in the last {window}.
            </p>
          )}
          <MetricsTable rows={rows} nameHeader="Deployment" stale={stat.isPlaceholderData} />
        </>
      )}
      <LiveStatus window={window} updatedAt={stat.dataUpdatedAt} fetching={stat.isFetching} />
    </section>
  );
}
