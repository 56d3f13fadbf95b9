'use client';
// One golden-metrics table of the namespace page (deployments, statefulsets, daemonsets, pods or services): `stat {kind}` polled every 2 s,
// with loading, empty and error states (an error shows a banner above whatever was last received).
import { useQuery } from '@tanstack/react-query';
import { ErrorBanner } from '../../components/error-banner';
import { detailHref, type DetailKind } from '../../lib/links';
import { liveQueryOptions } from '../../lib/query-client';
import { useTRPC } from '../../lib/trpc';
import { hasNoTraffic } from './columns';
import { LiveStatus } from './live-status';
import { MetricsTable, MetricsTableSkeleton } from './metrics-table';
import type { MetricsWindow } from './window';

const titles: Record<DetailKind, { title: string; nameHeader: string; plural: string; note?: string }> = {
  deployment: { title: 'Deployments', nameHeader: 'Deployment', plural: 'deployments' },
  statefulset: { title: 'StatefulSets', nameHeader: 'StatefulSet', plural: 'statefulsets' },
  daemonset: { title: 'DaemonSets', nameHeader: 'DaemonSet', plural: 'daemonsets' },
  pod: { title: 'Pods', nameHeader: 'Pod', plural: 'pods' },
  service: {
    title: 'Services',
    nameHeader: 'Service',
    plural: 'services',
    // Linkerd's `stat svc` has the same blind spot: a service has no proxy, so only meshed clients report on it.
    note: 'Measured by meshed clients (outbound to the service).',
  },
};

export interface ResourceStatsProps {
  readonly kind: DetailKind;
  readonly namespace: string;
  readonly window: MetricsWindow;
  /** Show the table only once it has rows (kinds most namespaces lack, as Linkerd's namespace page hides them). */
  readonly onlyWhenPresent?: boolean;
}

export function ResourceStats({ kind, namespace, window, onlyWhenPresent = false }: ResourceStatsProps) {
  const trpc = useTRPC();
  const stat = useQuery(trpc.stat.queryOptions({ kind, namespace, window }, liveQueryOptions));
  const rows = stat.data?.rows;
  const t = titles[kind];
  if (onlyWhenPresent && !rows?.length) return null;

  return (
    <section className="panel" aria-label={t.title} data-kind={kind}>
      <h2>{t.title}</h2>
      {t.note && <p className="panel-note">{t.note}</p>}
      {stat.isError && <ErrorBanner error={stat.error} showingStaleData={rows !== undefined} />}
      {rows === undefined ? (
        stat.isError ? null : (
          <>
            <p className="state-message">Loading…</p>
            <MetricsTableSkeleton />
          </>
        )
      ) : rows.length === 0 ? (
        <p className="state-message empty" data-state={`no-${t.plural}`}>
          No {t.plural} in namespace <strong>{namespace}</strong>.
        </p>
      ) : (
        <>
          {hasNoTraffic(rows) && (
            <p className="state-message empty" data-state="no-traffic">
              No traffic in the last {window}.
            </p>
          )}
          <MetricsTable
            rows={rows}
            nameHeader={t.nameHeader}
            hrefFor={(row) => detailHref(kind, row.namespace, row.name, window)}
            stale={stat.isPlaceholderData}
          />
        </>
      )}
      <LiveStatus window={window} updatedAt={stat.dataUpdatedAt} fetching={stat.isFetching} />
    </section>
  );
}
