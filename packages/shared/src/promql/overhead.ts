// The mesh's own latency (Signalbox's `signalbox_proxy_overhead_ms`, which Linkerd has no equivalent of): p50/p99 of
// the time requests spend inside the proxies, per stat row and per edge, beside the total latency of the same series.
import { labelNames as L, metricNames as M } from '../metrics/names.js';
import { edgeDestinationGroupBy, edgeGroupBy, edgeSelectors, type EdgeQueryArgs } from './edges.js';
import { byClause, labelSelector, type LabelMatchers } from './labels.js';
import { resourceMatchers, statGroupBy, type StatQueryArgs } from './queries.js';

export interface OverheadQueries {
  readonly p50: string;
  readonly p99: string;
}

function quantiles(selectors: readonly LabelMatchers[], groupBy: readonly string[], window: string): OverheadQueries {
  const q = (quantile: number) =>
    selectors
      .map((m) => `histogram_quantile(${quantile}, sum(irate(${M.proxyOverheadMs}_bucket${labelSelector(m)}[${window}])) ${byClause(['le', ...groupBy])})`)
      .join(' or ');
  return { p50: q(0.5), p99: q(0.99) };
}

/**
 * Per row of `statQueries` (same series, same grouping): for workloads and namespaces the time their own proxies
 * add to the requests they receive (inbound); for services, the time the clients' proxies add (outbound).
 */
export function statOverheadQueries(args: StatQueryArgs): OverheadQueries {
  return quantiles([resourceMatchers(args)], statGroupBy(args.kind), args.window);
}

export interface EdgeOverheadQueries {
  /** The source's proxies, per edge (outbound series, as the edge's own latency). */
  readonly outbound: OverheadQueries;
  /** The destination's proxies, per destination workload: inbound series do not name the client. */
  readonly inbound: OverheadQueries;
}

/**
 * Both proxies of each edge. The inbound side is per destination workload in any namespace (an edge entering the
 * namespace may come from anywhere and go anywhere), so it is not narrowed by `namespace`.
 */
export function edgeOverheadQueries({ namespace, window }: EdgeQueryArgs): EdgeOverheadQueries {
  return {
    outbound: quantiles(edgeSelectors(namespace), edgeGroupBy, window),
    inbound: quantiles([{ [L.direction]: 'inbound' }], edgeDestinationGroupBy, window),
  };
}
