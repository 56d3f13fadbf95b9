// Which resources a stat table lists: every one the registry knows, traffic or not (as `linkerd viz stat` lists
// every deployment in the namespace), with how many of its pods are meshed; and one resource's detail header.
import type { Registry, RegistryNamespace, RegistryPod, ResourceDetail, ResourceKind, WorkloadKind } from '@signalbox/shared';

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

/**
 * Resources of `kind`, optionally in one namespace and with one name; workloads (deployments, statefulsets,
 * daemonsets) are the owners pods name, a service's pods are those of the workload it selects.
 */
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
    if (kind === 'service') {
      for (const svc of ns.services)
        if (name === undefined || svc.name === name)
          out.push({ namespace: ns.name, name: svc.name, ...podCounts(ns.pods.filter((p) => p.deployment === svc.deployment)) });
      continue;
    }
    const byWorkload = new Map<string, { proxy?: unknown }[]>();
    for (const pod of ns.pods.filter((p) => ownedBy(p, kind))) byWorkload.set(pod.deployment, [...(byWorkload.get(pod.deployment) ?? []), pod]);
    for (const [workload, pods] of byWorkload)
      if (name === undefined || workload === name) out.push({ namespace: ns.name, name: workload, ...podCounts(pods) });
  }
  return out;
}

/**
 * The detail page's header for one resource, or null when the registry does not know it: its pods, the workloads
 * behind it and the services selecting them. Lists are sorted so answers compare equal across polls.
 */
export function resourceDetail(registry: Registry, kind: ResourceKind, namespace: string, name: string): ResourceDetail | null {
  const ns = registry.namespaces.find((n) => n.name === namespace);
  if (!ns) return null;
  const pods = podsOf(ns, kind, name);
  if (pods === null) return null;
  const deployments = sorted(new Set(pods.map((p) => p.deployment)));
  if (kind === 'service') deployments.splice(0, deployments.length, ...serviceDeployments(ns, name));
  const services = sorted(new Set(ns.services.filter((s) => deployments.includes(s.deployment)).map((s) => s.name)));
  return {
    kind,
    namespace,
    name,
    ...podCounts(pods),
    deployments,
    services,
    pods: pods
      .map((p) => ({ name: p.name, deployment: p.deployment, ownerKind: p.ownerKind ?? 'deployment', serviceAccount: p.serviceAccount, meshed: p.proxy !== undefined }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
  };
}

/** The pods a resource stands for; null when it does not exist (a deployment exists while it has pods). */
function podsOf(ns: RegistryNamespace, kind: ResourceKind, name: string): RegistryPod[] | null {
  switch (kind) {
    case 'namespace':
      return name === ns.name ? ns.pods : null;
    case 'deployment':
    case 'statefulset':
    case 'daemonset': {
      const pods = ns.pods.filter((p) => p.deployment === name && ownedBy(p, kind));
      return pods.length > 0 ? pods : null;
    }
    case 'pod': {
      const pod = ns.pods.find((p) => p.name === name);
      return pod ? [pod] : null;
    }
    case 'service': {
      const svc = ns.services.find((s) => s.name === name);
      return svc ? ns.pods.filter((p) => p.deployment === svc.deployment) : null;
    }
  }
}

/** The registry's `deployment` names a pod's owner of any kind; `ownerKind` says which (absent: a Deployment). */
function ownedBy(pod: RegistryPod, kind: WorkloadKind): boolean {
  return (pod.ownerKind ?? 'deployment') === kind;
}

function serviceDeployments(ns: RegistryNamespace, name: string): string[] {
  return sorted(new Set(ns.services.filter((s) => s.name === name).map((s) => s.deployment)));
}

function sorted(values: Iterable<string>): string[] {
  return [...values].sort();
}

function podCounts(pods: readonly { proxy?: unknown }[]): { meshedPods: number; totalPods: number } {
  return { meshedPods: pods.filter((p) => p.proxy !== undefined).length, totalPods: pods.length };
}
