// Pure derivation of the topology graph from `stat` (the namespace's workloads) and `edges` (who talks to whom):
// nodes are workloads, links are edges over HTTP or plain TCP. Workloads of other namespaces that talk to this
// one are kept, marked external.
import type { Edge, StatRow } from '@signalbox/shared';

export interface GraphNode {
  /** `namespace/name`: unique across namespaces, stable across polls (the layout is keyed by it). */
  readonly id: string;
  readonly namespace: string;
  readonly name: string;
  /** Lives in another namespace than the page's; known only through an edge. */
  readonly external: boolean;
  /** Inbound golden metrics from `stat`; null for external nodes. */
  readonly rps: number | null;
  readonly successRate: number | null;
  readonly meshedPods: number | null;
  readonly totalPods: number | null;
  /** Neither served nor sent anything in the window. */
  readonly idle: boolean;
}

export interface GraphLink {
  /** `src>dst` node ids. */
  readonly id: string;
  readonly source: string;
  readonly target: string;
  readonly edge: Edge;
}

export interface Graph {
  readonly nodes: readonly GraphNode[];
  readonly links: readonly GraphLink[];
}

export function nodeId(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/** Nodes sorted by id and links by id, so equal inputs give equal graphs (and a stable layout key). */
export function toGraph(namespace: string, rows: readonly StatRow[], edges: readonly Edge[]): Graph {
  const nodes = new Map<string, GraphNode>();
  for (const r of rows)
    nodes.set(nodeId(r.namespace, r.name), {
      id: nodeId(r.namespace, r.name),
      namespace: r.namespace,
      name: r.name,
      external: r.namespace !== namespace,
      rps: r.rps,
      successRate: r.successRate,
      meshedPods: r.meshedPods,
      totalPods: r.totalPods,
      idle: true,
    });
  const links: GraphLink[] = [];
  const busy = new Set<string>();
  for (const edge of edges) {
    const ends = [edge.src, edge.dst].map((w) => {
      const id = nodeId(w.namespace, w.deployment);
      if (!nodes.has(id))
        nodes.set(id, {
          id,
          namespace: w.namespace,
          name: w.deployment,
          external: w.namespace !== namespace,
          rps: null,
          successRate: null,
          meshedPods: null,
          totalPods: null,
          idle: true,
        });
      busy.add(id);
      return id;
    });
    const [source, target] = ends as [string, string];
    links.push({ id: `${source}>${target}`, source, target, edge });
  }
  return {
    nodes: [...nodes.values()]
      .map((n) => ({ ...n, idle: !busy.has(n.id) && !(n.rps !== null && n.rps > 0) }))
      .sort((a, b) => compare(a.id, b.id)),
    links: links.sort((a, b) => compare(a.id, b.id)),
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
