// Where the dashboard links to: a resource's detail page and the tap view for one edge, built in one place so the
// URL shapes (which Playwright and users bookmark) cannot drift apart.
import { formatTapResource, parseResourceKind, type ResourceKind, type WorkloadRef } from '@signalbox/shared';

/** Kinds with a detail page (`/namespaces/<ns>/<kind>/<name>`): the workloads `stat` reports, pods and services. */
export const detailKinds = ['deployment', 'statefulset', 'daemonset', 'pod', 'service'] as const satisfies readonly ResourceKind[];
export type DetailKind = (typeof detailKinds)[number];

export function isDetailKind(kind: string): kind is DetailKind {
  return (detailKinds as readonly string[]).includes(kind);
}

/** The detail page's `[kind]` segment, full name or alias (`deploy`, `sts`, `ds`, `po`, `svc`); null: no such page. */
export function detailKindOf(segment: string): DetailKind | null {
  const kind = parseResourceKind(segment);
  return kind !== null && isDetailKind(kind) ? kind : null;
}

/** `/namespaces/demo/deployment/books?window=1m`; the window is carried so the detail opens on the same one. */
export function detailHref(kind: DetailKind, namespace: string, name: string, window?: string): string {
  const path = `/namespaces/${encodeURIComponent(namespace)}/${kind}/${encodeURIComponent(name)}`;
  return window ? `${path}?window=${encodeURIComponent(window)}` : path;
}

/** `/namespaces/demo?window=1m`. */
export function namespaceHref(namespace: string, window?: string): string {
  const path = `/namespaces/${encodeURIComponent(namespace)}`;
  return window ? `${path}?window=${encodeURIComponent(window)}` : path;
}

/**
 * The tap view filtered to exactly one edge, in Linkerd's terms: `resource=deploy/<src>` (or `sts/`, `ds/`) in the
 * source's namespace, `to=<kind>/<dst>`, and `to_namespace` only when the destination lives elsewhere.
 */
export function tapHref(src: WorkloadRef, dst?: WorkloadRef): string {
  // "/" is legal in a query, and `deploy/web` reads better than `deploy%2Fweb` in a shared link.
  const e = encodeURIComponent;
  const workload = (w: WorkloadRef) => formatTapResource({ kind: w.kind, name: e(w.name) });
  const params = [`resource=${workload(src)}`, `namespace=${e(src.namespace)}`];
  if (dst) {
    params.push(`to=${workload(dst)}`);
    if (dst.namespace !== src.namespace) params.push(`to_namespace=${e(dst.namespace)}`);
  }
  return `/tap?${params.join('&')}`;
}
