// Pure selection of a resource's edges for the detail page: inbound (into the workloads behind it) and outbound
// (out of them), each sorted by the peer's name. Edges are per workload, so a pod shows its owner's.
import type { Edge, WorkloadRef } from '@signalbox/shared';

export interface ResourceEdges {
  readonly inbound: readonly Edge[];
  readonly outbound: readonly Edge[];
}

export function resourceEdges(edges: readonly Edge[], namespace: string, workloads: readonly Pick<WorkloadRef, 'kind' | 'name'>[]): ResourceEdges {
  const mine = (w: WorkloadRef) => w.namespace === namespace && workloads.some((x) => x.kind === w.kind && x.name === w.name);
  const key = (w: WorkloadRef) => `${w.namespace}/${w.name}/${w.kind}`;
  const byPeer = (peer: (e: Edge) => WorkloadRef) => (a: Edge, b: Edge) => key(peer(a)).localeCompare(key(peer(b)));
  return {
    inbound: edges.filter((e) => mine(e.dst)).sort(byPeer((e) => e.src)),
    outbound: edges.filter((e) => mine(e.src)).sort(byPeer((e) => e.dst)),
  };
}

/** "Meshed", "Partially meshed (1/2)" or "Unmeshed", as Linkerd's header chips say it. */
export function meshedStatus(meshedPods: number, totalPods: number): { level: 'meshed' | 'partial' | 'unmeshed'; text: string } {
  if (totalPods > 0 && meshedPods === totalPods) return { level: 'meshed', text: `Meshed (${meshedPods}/${totalPods} pods)` };
  if (meshedPods > 0) return { level: 'partial', text: `Partially meshed (${meshedPods}/${totalPods} pods)` };
  return { level: 'unmeshed', text: `Unmeshed (${meshedPods}/${totalPods} pods)` };
}
