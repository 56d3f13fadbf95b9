// Pure derivation of the topology graph from `stat` (the namespace's workloads) and `edges` (who talks to whom):
// nodes are workloads (Deployments, StatefulSets, DaemonSets), links are edges over HTTP or plain TCP. Workloads
// of other namespaces that talk to this one are kept, marked external.
import { workloadKinds, type Edge, type StatRow, type WorkloadKind } from '@signalbox/shared';

export interface GraphNode {
  /** `nodeId`: unique across namespaces and kinds, stable across polls (the layout is keyed by it). */
  readonly id: string;
  readonly namespace: string;
  readonly kind: WorkloadKind;
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

/**
 * `demo/books` for a Deployment, the ids focus links and bookmarks already carry; `demo/statefulset/db` for other
 * kinds, so a StatefulSet never merges with a Deployment of the same name.
 */
export function nodeId(namespace: string, kind: WorkloadKind, name: string): string {
  return kind === 'deployment' ? `${namespace}/${name}` : `${namespace}/${kind}/${name}`;
}

/** Nodes sorted by id and links by id, so equal inputs give equal graphs (and a stable layout key). */
export function toGraph(namespace: string, rows: readonly StatRow[], edges: readonly Edge[]): Graph {
  const nodes = new Map<string, GraphNode>();
  for (const r of rows) {
    if (!isWorkloadKind(r.kind)) continue;
    nodes.set(nodeId(r.namespace, r.kind, r.name), {
      id: nodeId(r.namespace, r.kind, r.name),
      namespace: r.namespace,
      kind: r.kind,
      name: r.name,
      external: r.namespace !== namespace,
      rps: r.rps,
      successRate: r.successRate,
      meshedPods: r.meshedPods,
      totalPods: r.totalPods,
      idle: true,
    });
  }
  const links: GraphLink[] = [];
  const busy = new Set<string>();
  for (const edge of edges) {
    const ends = [edge.src, edge.dst].map((w) => {
      const id = nodeId(w.namespace, w.kind, w.name);
      if (!nodes.has(id))
        nodes.set(id, {
          id,
          namespace: w.namespace,
          kind: w.kind,
          name: w.name,
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

function isWorkloadKind(kind: StatRow['kind']): kind is WorkloadKind {
  return (workloadKinds as readonly string[]).includes(kind);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
