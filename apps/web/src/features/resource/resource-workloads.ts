// The workloads behind a detail page's resource, by kind (a pod's owner may be a StatefulSet or a DaemonSet as well
// as a Deployment), and what the page taps, links and shows edges for because of them. Pure, from `resource`.
import type { OwnerKind, ResourceDetail, TapResource } from '@signalbox/shared';
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

/**
 * The deployments whose edges the page lists. Edges are measured between deployments (`dst_deployment`, as
 * Linkerd's edges), so a StatefulSet's or DaemonSet's own calls are not among them; undefined while loading.
 */
export function edgeDeployments(detail: ResourceDetail | undefined): string[] | undefined {
  return detail && podWorkloads(detail.pods).flatMap((w) => (w.kind === 'deployment' ? [w.name] : []));
}

/** Why the edge tables show what they show, when it is not simply the deployment's own edges. */
export function edgesNote(kind: DetailKind, detail: ResourceDetail | undefined): string | undefined {
  const deployments = edgeDeployments(detail);
  if (kind === 'deployment' || deployments === undefined) return undefined;
  if (deployments.length === 0) return `Edges are measured between deployments: none are shown for this ${kind}.`;
  return `Edges are per workload: these are the edges of deployment ${deployments.join(', ')}.`;
}
