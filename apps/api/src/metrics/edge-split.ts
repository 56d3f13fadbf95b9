// Traffic split on the topology: which workloads are backends of a service's split (registry `policy.backends`)
// and the share of that service's traffic each is configured to get. The edges to them are ordinary `dst_*` edges
// (each backend's endpoints carry their own labels); this only names the split and the share. Pure.
import type { Edge, Registry } from '@signalbox/shared';

export interface SplitShare {
  readonly service: string;
  readonly share: number;
}

/** `namespace/kind/name` of each backend workload → the split it belongs to (the first, if several). */
export function splitShares(registry: Registry): Map<string, SplitShare> {
  const shares = new Map<string, SplitShare>();
  for (const ns of registry.namespaces)
    for (const svc of ns.services) {
      const backends = svc.policy?.backends;
      if (!backends) continue;
      const total = backends.reduce((sum, b) => sum + b.weight, 0);
      if (total <= 0) continue;
      for (const b of backends) {
        const namespace = b.namespace ?? ns.name;
        const backendNs = registry.namespaces.find((n) => n.name === namespace);
        const backend = backendNs?.services.find((s) => s.name === b.service);
        if (!backend) continue;
        // A service names its workload but not the kind: its pods' owner says it.
        const kind = backendNs?.pods.find((p) => p.deployment === backend.deployment)?.ownerKind ?? 'deployment';
        const key = `${namespace}/${kind}/${backend.deployment}`;
        if (!shares.has(key)) shares.set(key, { service: svc.name, share: b.weight / total });
      }
    }
  return shares;
}

/** The edges with their destination's split named, where it has one. */
export function withSplits(edges: readonly Edge[], shares: ReadonlyMap<string, SplitShare>): Edge[] {
  if (shares.size === 0) return [...edges];
  return edges.map((e) => {
    const split = shares.get(`${e.dst.namespace}/${e.dst.kind}/${e.dst.name}`);
    return split ? { ...e, split: { service: split.service, share: split.share } } : e;
  });
}
