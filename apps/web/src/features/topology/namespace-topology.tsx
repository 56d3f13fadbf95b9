'use client';
// The namespace page's topology: `stat` per workload kind (Deployments, StatefulSets, DaemonSets: the same queries as
// the namespace's tables, so react-query shares them) and `edges` polled every 2 s, the filters and zoom kept in the URL, and the loading, empty and error states.
import { workloadKinds, type StatResult } from '@signalbox/shared';
import { useQueries, useQuery, type UseQueryResult } from '@tanstack/react-query';
import { usePathname, useSearchParams } from 'next/navigation';
import { useEffect, useMemo, useRef, useState } from 'react';
import { ErrorBanner } from '../../components/error-banner';
import { LockIcon } from '../../components/lock-icon';
import { liveQueryOptions } from '../../lib/query-client';
import { useTRPC } from '../../lib/trpc';
import { LiveStatus } from '../metrics/live-status';
import type { MetricsWindow } from '../metrics/window';
import { filterGraph } from './filter-graph';
import { liveTrafficRequests } from './live-dots';
import { LiveTraffic } from './live-traffic';
import { TopologyGraph } from './topology-graph';
import { hopChoices, parseTopologyParams, withTopologyParams, type TopologyParams } from './topology-params';
import { toGraph } from './to-graph';

/** URL writes wait for the user to pause, so typing or wheeling does not flood the history API. */
const URL_DEBOUNCE_MS = 300;

export function NamespaceTopology({ namespace, window }: { namespace: string; window: MetricsWindow }) {
  const trpc = useTRPC();
  const stat = useQueries({
    queries: workloadKinds.map((kind) => trpc.stat.queryOptions({ kind, namespace, window }, liveQueryOptions)),
    combine: combineStats,
  });
  const edges = useQuery(trpc.edges.queryOptions({ namespace, window }, liveQueryOptions));
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const [params, setParams] = useState<TopologyParams>(() => parseTopologyParams(new URLSearchParams(searchParams.toString())));
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const pending = useRef<Partial<TopologyParams>>({});

  // Next keeps useSearchParams in step with history.replaceState, without a server round trip. Patches made while
  // the timer runs are merged, so a quick search-then-toggle keeps both.
  const update = (patch: Partial<TopologyParams>) => {
    setParams((p) => ({ ...p, ...patch }));
    pending.current = { ...pending.current, ...patch };
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      const query = withTopologyParams(new URLSearchParams(globalThis.location.search), pending.current);
      pending.current = {};
      globalThis.history.replaceState(globalThis.history.state, '', query ? `${pathname}?${query}` : pathname);
    }, URL_DEBOUNCE_MS);
  };
  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);

  const rows = stat.rows;
  const edgeList = edges.data?.edges;
  const graph = useMemo(() => (rows && edgeList ? toGraph(namespace, rows, edgeList) : null), [namespace, rows, edgeList]);
  const visible = useMemo(
    () =>
      graph
        ? filterGraph(graph, { search: params.search, hideIdle: params.hideIdle, hideHealthy: params.hideHealthy, focus: params.focus, hops: params.hops })
        : null,
    [graph, params.search, params.hideIdle, params.hideHealthy, params.focus, params.hops],
  );
  const failed = edges.isError ? edges : stat.failed;
  const liveLinks = visible?.links;
  const live = useMemo(
    () =>
      params.live && liveLinks
        ? { requests: liveTrafficRequests(namespace, liveLinks), links: new Map(liveLinks.map((l) => [l.id, { source: l.source, target: l.target }])) }
        : null,
    [params.live, liveLinks, namespace],
  );

  return (
    <section className="panel" aria-label="Topology">
      <h2>Topology</h2>
      {failed && <ErrorBanner error={failed.error} showingStaleData={graph !== null} />}
      <form className="topology-controls" role="search" aria-label="Filter the topology" onSubmit={(e) => e.preventDefault()}>
        <label>
          <span>Find</span>
          <input type="search" value={params.search} placeholder="workload name" onChange={(e) => update({ search: e.target.value })} />
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={params.hideIdle} onChange={(e) => update({ hideIdle: e.target.checked })} />
          <span>Hide idle</span>
        </label>
        <label className="checkbox" title="Hide workloads whose requests all succeed (≥ 95 %); both ends of a failing edge stay">
          <input type="checkbox" checked={params.hideHealthy} onChange={(e) => update({ hideHealthy: e.target.checked })} />
          <span>Hide healthy</span>
        </label>
        <label>
          <span>Focus</span>
          <select value={params.focus ?? ''} onChange={(e) => update({ focus: e.target.value || null })}>
            <option value="">whole namespace</option>
            {graph?.nodes.map((n) => (
              <option key={n.id} value={n.id}>
                {n.external ? n.id : n.name}
              </option>
            ))}
          </select>
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={params.live} onChange={(e) => update({ live: e.target.checked })} />
          <span>Live traffic</span>
        </label>
        <label>
          <span>Hops</span>
          <select value={params.hops} disabled={params.focus === null} onChange={(e) => update({ hops: Number(e.target.value) })}>
            {hopChoices.map((h) => (
              <option key={h} value={h}>
                {h}
              </option>
            ))}
          </select>
        </label>
      </form>
      {graph === null || visible === null ? (
        failed ? null : <p className="state-message">Loading topology…</p>
      ) : graph.nodes.length === 0 ? (
        <p className="state-message empty" data-state="no-workloads">
          No workloads in namespace <strong>{namespace}</strong>.
        </p>
      ) : (
        <>
          {graph.links.length === 0 && (
            <p className="state-message empty" data-state="no-traffic">
              No traffic in the last {window}.
            </p>
          )}
          <p className="topology-count" aria-live="polite">
            {visible.nodes.length} of {graph.nodes.length} workloads · {visible.links.length} of {graph.links.length} edges
          </p>
          {visible.nodes.length === 0 ? (
            <p className="state-message empty" data-state="no-match">
              No workload matches these filters.
            </p>
          ) : (
            <TopologyGraph
              graph={visible}
              window={window}
              view={params.view}
              onViewChange={(view) => update({ view })}
              overlay={live ? (positions) => <LiveTraffic requests={live.requests} positions={positions} links={live.links} /> : undefined}
            />
          )}
          <TopologyLegend />
        </>
      )}
      <LiveStatus window={window} updatedAt={Math.max(edges.dataUpdatedAt, stat.dataUpdatedAt)} fetching={edges.isFetching || stat.isFetching} />
    </section>
  );
}

/** What the marks mean, in words: colour is never the only signal. */
export function TopologyLegend() {
  return (
    <ul className="topology-legend" aria-label="Legend">
      <li>
        <span className="swatch level-good" /> ≥ 95 % success
      </li>
      <li>
        <span className="swatch level-warning" /> ⚠ &lt; 95 %
      </li>
      <li>
        <span className="swatch level-poor" /> ⚠ &lt; 90 %
      </li>
      <li>
        <span className="swatch dashed" /> TCP only
      </li>
      <li>Width: requests/s</li>
      <li>
        <span className="swatch-dot ok" /> / <span className="swatch-dot fail" /> live traffic: a request that succeeded / failed
      </li>
      <li>
        <LockIcon secured /> mTLS · <LockIcon secured={false} /> not secured (hover for why)
      </li>
    </ul>
  );
}

/** One row list once every kind has answered; the first failure, if any (re-run only when a result changes). */
function combineStats<E>(results: UseQueryResult<StatResult, E>[]) {
  return {
    rows: results.every((r) => r.data !== undefined) ? results.flatMap((r) => r.data?.rows ?? []) : undefined,
    failed: results.find((r) => r.isError) ?? null,
    dataUpdatedAt: Math.max(...results.map((r) => r.dataUpdatedAt)),
    isFetching: results.some((r) => r.isFetching),
  };
}
