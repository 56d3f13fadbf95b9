// The client identity of a secured edge, as `linkerd viz edges` resolves it: from the source workload's service
// account (its proxies certify as that identity), in the trust domain the edge's server identity shows. Inbound
// series would name it too, but they do not say which source workload a request came from. Pure.
import { identityName, parseIdentityName, type Edge, type Registry } from '@signalbox/shared';

/** The edges with `clientId` filled where the edge is secured and the source's meshed pods share one account. */
export function withClientIds(edges: readonly Edge[], registry: Registry): Edge[] {
  return edges.map((e) => {
    const trustDomain = e.secured && e.serverId ? parseIdentityName(e.serverId)?.trustDomain : undefined;
    if (!trustDomain) return e;
    const pods = registry.namespaces
      .find((ns) => ns.name === e.src.namespace)
      ?.pods.filter((p) => p.deployment === e.src.name && (p.ownerKind ?? 'deployment') === e.src.kind && p.proxy);
    const [serviceAccount, ...others] = new Set(pods?.map((p) => p.serviceAccount));
    if (serviceAccount === undefined || others.length > 0) return e;
    return { ...e, clientId: identityName({ serviceAccount, namespace: e.src.namespace, trustDomain }) };
  });
}
