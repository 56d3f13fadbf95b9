// Pure filters that make a large mesh readable (linkerd2#11244, kiali#8403): hide idle or healthy workloads, focus
// on one workload's N-hop neighbourhood, and find workloads by name (matches are kept with their direct neighbours).
import { successRateLevel } from '@signalbox/shared';
import type { Graph, GraphLink, GraphNode } from './to-graph';

export interface GraphFilter {
  /** Case-insensitive substring of a node's `namespace/name`; empty: no search. */
  readonly search: string;
  readonly hideIdle: boolean;
  /** Hide the workloads `healthyNodes` names, like Kiali's `healthy` hide preset. */
  readonly hideHealthy: boolean;
  /** A node id; null or unknown: no focus. */
  readonly focus: string | null;
  /** Hops around the focus, counting links in either direction. */
  readonly hops: number;
}

export interface FilteredGraph extends Graph {
  /** Nodes that matched the search (drawn highlighted); empty without a search. */
  readonly matches: ReadonlySet<string>;
  /** The focus node when it exists in the graph. */
  readonly focus: string | null;
}

export const noFilter: GraphFilter = { search: '', hideIdle: false, hideHealthy: false, focus: null, hops: 1 };

/** Hide idle and hide healthy first, so focus and search work within what is left. */
export function filterGraph(graph: Graph, filter: GraphFilter): FilteredGraph {
  const healthy = filter.hideHealthy ? healthyNodes(graph) : new Set<string>();
  let nodes: readonly GraphNode[] = graph.nodes.filter((n) => !(filter.hideIdle && n.idle) && !healthy.has(n.id));
  let links = linksWithin(graph.links, new Set(nodes.map((n) => n.id)));

  const focus = filter.focus !== null && nodes.some((n) => n.id === filter.focus) ? filter.focus : null;
  if (focus !== null) {
    const keep = neighbourhood(links, focus, filter.hops);
    nodes = nodes.filter((n) => keep.has(n.id));
    links = linksWithin(links, keep);
  }

  const needle = filter.search.trim().toLowerCase();
  const matches = new Set<string>();
  if (needle !== '') {
    for (const n of nodes) if (n.id.toLowerCase().includes(needle)) matches.add(n.id);
    const keep = new Set(matches);
    for (const l of links) {
      if (matches.has(l.source)) keep.add(l.target);
      if (matches.has(l.target)) keep.add(l.source);
    }
    nodes = nodes.filter((n) => keep.has(n.id));
    links = linksWithin(links, keep);
  }
  return { nodes, links, matches, focus };
}

/**
 * Workloads with traffic in the window and no failures by the graph's own colour scale: their inbound success rate
 * (when they served HTTP) and every HTTP edge they send or receive are `good` (≥ 95 %, `successRateLevel`), so what
 * hiding leaves is exactly what is drawn amber or red. A workload with only TCP traffic has nothing that failed and
 * counts as healthy. Idle workloads are never healthy: hiding them is hide idle's job, so the two stay independent.
 *
 * A failing edge keeps both its ends even when one end is fine on its own (Kiali keeps a failing edge's endpoints
 * too): the caller is where the errors are seen, and without it the failure has no direction. A healthy workload
 * whose only link to a failing one succeeds (the mesh's retries absorbed the failures, say) is hidden: it is not
 * part of the problem.
 */
export function healthyNodes(graph: Graph): Set<string> {
  const failing = new Set<string>();
  for (const l of graph.links) {
    if (l.edge.protocol === 'http' && failed(l.edge.successRate)) {
      failing.add(l.source);
      failing.add(l.target);
    }
  }
  return new Set(graph.nodes.filter((n) => !n.idle && !failed(n.successRate) && !failing.has(n.id)).map((n) => n.id));
}

/** No rate (nothing answered) is not a failure. */
function failed(successRate: number | null): boolean {
  return successRate !== null && successRateLevel(successRate) !== 'good';
}

/** Node ids within `hops` links of `start` (itself included), following links both ways. */
export function neighbourhood(links: readonly GraphLink[], start: string, hops: number): Set<string> {
  const adjacent = new Map<string, string[]>();
  for (const l of links) {
    adjacent.set(l.source, [...(adjacent.get(l.source) ?? []), l.target]);
    adjacent.set(l.target, [...(adjacent.get(l.target) ?? []), l.source]);
  }
  const seen = new Set([start]);
  let frontier = [start];
  for (let i = 0; i < hops && frontier.length > 0; i++) {
    const next: string[] = [];
    for (const id of frontier)
      for (const n of adjacent.get(id) ?? [])
        if (!seen.has(n)) {
          seen.add(n);
          next.push(n);
        }
    frontier = next;
  }
  return seen;
}

function linksWithin(links: readonly GraphLink[], ids: ReadonlySet<string>): GraphLink[] {
  return links.filter((l) => ids.has(l.source) && ids.has(l.target));
}
