// Which proxies a tap request reaches: the target resource's meshed pods, from the registry in force (as Linkerd's
// tap server lists the resource's pods), and the match each of them gets. Pure, so it is table-tested.
import {
  ownerLabel,
  ownerLabelKeys,
  tapErrorCodes,
  type Registry,
  type RegistryPod,
  type TapMatch,
  type TapRequest,
  type TapResource,
} from '@signalbox/shared';

export interface TapPod {
  readonly namespace: string;
  readonly pod: RegistryPod;
  /** The proxy's admin address, where its tap endpoint listens when identity is off. */
  readonly admin: string;
  /** The proxy's mTLS tap listener (the registry's `proxy.tap`), when it has one. */
  readonly tap?: string;
  /** Meta labels the proxy puts on its own side of each event. */
  readonly labels: Readonly<Record<string, string>>;
}

export type TapTargets =
  | { readonly ok: true; readonly pods: readonly TapPod[] }
  | { readonly ok: false; readonly code: string; readonly message: string };

/** A namespace target names itself; every other kind lives in `namespace`. */
const namespaceOf = (r: TapResource) => (r.kind === 'namespace' ? r.name : r.namespace);

function isOf(r: TapResource, pod: RegistryPod): boolean {
  switch (r.kind) {
    case 'namespace':
      return true;
    case 'pod':
      return pod.name === r.name;
    default:
      return pod.deployment === r.name && (pod.ownerKind ?? 'deployment') === r.kind;
  }
}

function podsOf(registry: Registry, r: TapResource): readonly RegistryPod[] | undefined {
  const pods = registry.namespaces.find((n) => n.name === namespaceOf(r))?.pods.filter((p) => isOf(r, p)) ?? [];
  return pods.length > 0 ? pods : undefined;
}

const show = (r: TapResource) => (r.kind === 'namespace' ? `namespace ${r.name}` : `${r.kind}/${r.name} in namespace ${r.namespace}`);

export function tapTargets(registry: Registry, request: TapRequest): TapTargets {
  const namespace = namespaceOf(request.target);
  const pods = podsOf(registry, request.target);
  if (!pods) return { ok: false, code: tapErrorCodes.unknownResource, message: `no ${show(request.target)}` };
  if (request.to && !podsOf(registry, request.to))
    return { ok: false, code: tapErrorCodes.unknownResource, message: `no ${show(request.to)} (--to)` };
  const meshed = pods.flatMap((pod) =>
    pod.proxy
      ? [
          {
            namespace,
            pod,
            admin: pod.proxy.admin,
            ...(pod.proxy.tap ? { tap: pod.proxy.tap } : {}),
            labels: {
              namespace,
              ...ownerLabel(pod),
              pod: pod.name,
              serviceaccount: pod.serviceAccount,
            },
          },
        ]
      : [],
  );
  if (meshed.length === 0)
    return { ok: false, code: tapErrorCodes.noMeshedPods, message: `${show(request.target)} has no meshed pods` };
  return { ok: true, pods: meshed };
}

/** The destination meta labels a resource's pods carry (a Job's is `k8s_job`, as on metrics). */
function destinationLabels(r: TapResource): Record<string, string> {
  switch (r.kind) {
    case 'namespace':
      return { namespace: r.name };
    case 'pod':
      return { namespace: r.namespace, pod: r.name };
    default:
      return { namespace: r.namespace, [ownerLabelKeys[r.kind]]: r.name };
  }
}

/** The request's match with `--to` folded in, as Linkerd turns `--to` into a destination-label match. */
export function proxyMatch(request: TapRequest): TapMatch | undefined {
  const toMatch: TapMatch | undefined = request.to && { destination: { labels: destinationLabels(request.to) } };
  if (request.match && toMatch) return { all: [request.match, toMatch] };
  return request.match ?? toMatch;
}

/**
 * Linkerd's split of `maxRps` across the tapped pods: even shares, at least 1 per pod (so with more pods than
 * maxRps the total exceeds it, as in Linkerd); the remainder goes to the first pods so the total is exact.
 */
export function splitMaxRps(maxRps: number, pods: number): number[] {
  if (pods <= 0) return [];
  const share = Math.floor(maxRps / pods);
  if (share < 1) return Array.from({ length: pods }, () => 1);
  const rest = maxRps - share * pods;
  return Array.from({ length: pods }, (_, i) => share + (i < rest ? 1 : 0));
}
