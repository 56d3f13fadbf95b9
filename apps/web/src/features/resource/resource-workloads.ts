// The workloads behind a detail page's resource, by kind (a pod's owner may be a StatefulSet or a DaemonSet as well
// as a Deployment), and what the page taps, links and shows edges for because of them. Pure, from `resource`.
import { workloadKinds, type OwnerKind, type ResourceDetail, type TapResource, type WorkloadKind } from '@signalbox/shared';
import type { DetailKind } from '../../lib/links';

export interface Workload {
  readonly kind: Exclude<OwnerKind, 'pod'>;
  readonly name: string;
}

/** The owners of the resource's pods, once each, sorted by name then kind; a bare pod has none. */
export function podWorkloads(pods: ResourceDetail['pods']): Workload[] {
  const seen = new Map<string, Workload>();
  for (const p of pods) if (p.ownerKind !== 'pod') seen.set(`${p.deployment}/${p.ownerKind}`, { kind: p.ownerKind, name: p.deployment });
  return [...seen.keys()].sort().map((key) => seen.get(key) as Workload);
}

/** What live calls tap: the workload or pod itself; for a service, the (first) workload of the pods it selects. */
export function liveCallsTarget(kind: DetailKind, namespace: string, name: string, detail: ResourceDetail | undefined): TapResource | null {
  if (kind !== 'service') return { namespace, kind, name };
  const [workload] = detail ? podWorkloads(detail.pods) : [];
  return workload ? { namespace, ...workload } : null;
}

export interface EdgeWorkload {
  readonly kind: WorkloadKind;
  readonly name: string;
}

/**
 * The workloads whose edges the page lists: Deployments, StatefulSets and DaemonSets (the kinds edges join, as
 * Linkerd's); a ReplicaSet's, a Job's or a bare pod's calls are not among them. Undefined while loading.
 */
export function edgeWorkloads(detail: ResourceDetail | undefined): EdgeWorkload[] | undefined {
  return detail && podWorkloads(detail.pods).flatMap((w) => (isEdgeKind(w.kind) ? [{ kind: w.kind, name: w.name }] : []));
}

/** Why the edge tables show what they show, when it is not simply the workload's own edges. */
export function edgesNote(kind: DetailKind, detail: ResourceDetail | undefined): string | undefined {
  const workloads = edgeWorkloads(detail);
  if (isEdgeKind(kind) || workloads === undefined) return undefined;
  if (workloads.length === 0) return `Edges are measured between deployments, statefulsets and daemonsets: none are shown for this ${kind}.`;
  return `Edges are per workload: these are the edges of ${workloads.map((w) => `${w.kind} ${w.name}`).join(', ')}.`;
}

function isEdgeKind(kind: string): kind is WorkloadKind {
  return (workloadKinds as readonly string[]).includes(kind);
}
