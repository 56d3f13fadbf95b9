// Pure filters that make a large mesh readable (linkerd2#11244, kiali#8403): hide idle workloads, focus on one
// workload's N-hop neighbourhood, and find workloads by name (matches are kept with their direct neighbours).
import type { Graph, GraphLink, GraphNode } from './to-graph';

export interface GraphFilter {
  /** Case-insensitive substring of a node's `namespace/name`; empty: no search. */
  readonly search: string;
  readonly hideIdle: boolean;
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

export const noFilter: GraphFilter = { search: '', hideIdle: false, focus: null, hops: 1 };

export function filterGraph(graph: Graph, filter: GraphFilter): FilteredGraph {
  let nodes: readonly GraphNode[] = filter.hideIdle ? graph.nodes.filter((n) => !n.idle) : graph.nodes;
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
