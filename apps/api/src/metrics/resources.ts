// Which resources a stat table lists: every one the registry knows, traffic or not (as `linkerd viz stat` lists
// every deployment in the namespace), with how many of its pods are meshed.
import type { Registry, ResourceKind } from '@signalbox/shared';

export interface KnownResource {
  readonly namespace: string;
  readonly name: string;
  readonly meshedPods: number;
  readonly totalPods: number;
}

export interface ResourceFilter {
  readonly kind: ResourceKind;
  readonly namespace?: string | undefined;
  readonly name?: string | undefined;
}

/** Resources of `kind`, optionally in one namespace and with one name; deployments are the ones pods belong to. */
export function knownResources(registry: Registry, { kind, namespace, name }: ResourceFilter): KnownResource[] {
  const out: KnownResource[] = [];
  for (const ns of registry.namespaces) {
    if (kind === 'namespace') {
      // For namespaces the name is the namespace (the same rule statQueries applies to its label matcher).
      const wanted = namespace ?? name;
      if (wanted !== undefined && ns.name !== wanted) continue;
      out.push({ namespace: ns.name, name: ns.name, ...podCounts(ns.pods) });
      continue;
    }
    if (namespace !== undefined && ns.name !== namespace) continue;
    if (kind === 'pod') {
      for (const pod of ns.pods)
        if (name === undefined || pod.name === name)
          out.push({ namespace: ns.name, name: pod.name, ...podCounts([pod]) });
      continue;
    }
    const byDeployment = new Map<string, { proxy?: unknown }[]>();
    for (const pod of ns.pods) byDeployment.set(pod.deployment, [...(byDeployment.get(pod.deployment) ?? []), pod]);
    for (const [deployment, pods] of byDeployment)
      if (name === undefined || deployment === name) out.push({ namespace: ns.name, name: deployment, ...podCounts(pods) });
  }
  return out;
}

function podCounts(pods: readonly { proxy?: unknown }[]): { meshedPods: number; totalPods: number } {
  return { meshedPods: pods.filter((p) => p.proxy !== undefined).length, totalPods: pods.length };
}
