// The label naming a pod's workload, by the workload's kind: on metrics (a Prometheus target label, `dst_`-prefixed
// on clients' series), in destination endpoints and in tap meta labels. Linkerd's KindToL5DLabel / GetPodLabels.
import type { RegistryPod } from './registry.js';
import { labelNames as L } from './metrics/names.js';
import { workloadKinds, type WorkloadKind } from './resources.js';

/** What owns a pod (Kubernetes: its resolved controller); `pod`: nothing, the pod is its own workload. */
export type OwnerKind = NonNullable<RegistryPod['ownerKind']>;

/** A Job is `k8s_job`, since Prometheus' own `job` label is the scrape job's. A bare pod has no owner label. */
export const ownerLabelKeys = {
  deployment: L.deployment,
  statefulset: L.statefulset,
  daemonset: L.daemonset,
  replicaset: L.replicaset,
  job: L.k8sJob,
} as const satisfies Record<Exclude<OwnerKind, 'pod'>, string>;
export type OwnerLabelKey = (typeof ownerLabelKeys)[keyof typeof ownerLabelKeys];

/** `{ statefulset: 'db' }` for a pod of StatefulSet db (the registry's `deployment` names any owner); `{}` for a bare pod. */
export function ownerLabel(pod: Pick<RegistryPod, 'deployment' | 'ownerKind'>): Partial<Record<OwnerLabelKey, string>> {
  const kind = pod.ownerKind ?? 'deployment';
  return kind === 'pod' ? {} : { [ownerLabelKeys[kind]]: pod.deployment };
}

/** The Deployment, StatefulSet or DaemonSet that unprefixed labels (tap meta, a scrape target's) name; null if none. */
export function labelledWorkload(labels: Readonly<Record<string, string>>): { kind: WorkloadKind; name: string } | null {
  for (const kind of workloadKinds) {
    const name = labels[ownerLabelKeys[kind]];
    if (name) return { kind, name };
  }
  return null;
}
