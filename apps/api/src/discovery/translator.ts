// Pure core of the destination stream: what a service authority resolves to in a registry, and the updates that
// take a proxy from one resolution to the next (Linkerd's endpoint_translator: add / remove / no_endpoints).
import {
  defaultTrustDomain,
  formatHostPort,
  identityName,
  ownerLabel,
  parseHostPort,
  portInRanges,
  type DestinationUpdate,
  type Endpoint,
  type EndpointLabels,
  type Registry,
  type RegistryPod,
  type RegistryService,
  type ServiceAuthority,
} from '@signalbox/shared';

/** `exists: false`: no such service (or port), the client may fall back; else the service's current endpoints. */
export type Resolution = { readonly exists: false } | { readonly exists: true; readonly endpoints: readonly Endpoint[] };

/**
 * A service authority → the ready pods behind the service in its namespace, on that port only. The service's
 * pods are the ones its source named (Kubernetes: EndpointSlices), else those of the deployment it selects.
 */
export function resolveAuthority(registry: Registry, authority: ServiceAuthority, trustDomain = defaultTrustDomain): Resolution {
  const ns = registry.namespaces.find((n) => n.name === authority.namespace);
  const service = ns?.services.find((s) => s.name === authority.service && servicePorts(s).some((p) => p.port === authority.port));
  if (!ns || !service) return { exists: false };
  const port = servicePorts(service).find((p) => p.port === authority.port);
  const selected = service.pods ? new Set(service.pods) : undefined;
  const opaque = portInRanges(authority.port, service.opaquePorts ?? []);
  return {
    exists: true,
    endpoints: ns.pods
      .filter((pod) => (selected ? selected.has(pod.name) : pod.deployment === service.deployment) && pod.ready !== false)
      .map((pod) => toEndpoint(pod, ns.name, service.name, trustDomain, port?.targetPort, opaque)),
  };
}

/**
 * Whether a client's proxy must treat the service's port as opaque: the service declares it, or a pod behind it
 * declares its target port (a rollout adding the annotation counts from its first pod: forwarding a detectable
 * protocol opaque loses only HTTP features, detecting a server-speaks-first one waits out the detect timeout).
 */
export function serviceIsOpaque(resolution: Resolution, service: RegistryService, port: number): boolean {
  return portInRanges(port, service.opaquePorts ?? []) || (resolution.exists && resolution.endpoints.some((e) => e.protocolHint === 'opaque'));
}

export function servicePorts(service: RegistryService): readonly { port: number; targetPort?: number | undefined }[] {
  return service.ports ?? [{ port: service.port }];
}

/**
 * A meshed pod is reached through its inbound proxy, whose certificate must name the pod's identity (from its
 * serviceaccount and namespace); an unmeshed one, or a meshed one's skipped inbound port, directly, in plaintext,
 * with no identity (the client proxy labels it `no_tls_reason="not_provided_by_service_discovery"`, as Linkerd's).
 * `targetPort` (a Kubernetes Service port's) replaces the port of the pod's `app` address. The endpoint is
 * opaque when `serviceOpaque` (the service declares its port) or the pod declares that app port. A pod whose inbound
 * traffic is redirected to its proxy (`proxy.intercept`) is dialled at that app address: its own rule takes the
 * connection to the inbound listener, whose original destination port picks the app, so HTTP to each of a pod's
 * ports reaches its own app and pooled peer connections (keyed by address) never mix them.
 */
export function toEndpoint(
  pod: RegistryPod,
  namespace: string,
  service: string,
  trustDomain = defaultTrustDomain,
  targetPort?: number,
  serviceOpaque = false,
): Endpoint {
  const labels: EndpointLabels = {
    namespace,
    service,
    // Stays "" unless a Deployment owns the pod: `ownerLabel` sets only its owner's kind (Linkerd's GetPodLabels).
    deployment: '',
    pod: pod.name,
    serviceaccount: pod.serviceAccount,
    ...ownerLabel(pod),
  };
  const app = targetPort === undefined ? pod.app : withPort(pod.app, targetPort);
  const appPort = portOf(app) ?? 0;
  const hint = serviceOpaque || portInRanges(appPort, pod.opaquePorts ?? []) ? { protocolHint: 'opaque' as const } : {};
  // A skipped port's traffic reaches the app around the proxy, which could not terminate mTLS for it; so does traffic
  // to the proxy's own admin and tap listeners (inject's rules never redirect them): a meshed Prometheus scraping a
  // pod's admin port speaks plaintext to the proxy itself.
  if (!pod.proxy || portInRanges(appPort, pod.proxy.skipInboundPorts ?? []) || isProxyListener(pod.proxy, app))
    return { addr: app, meshed: false, labels, ...hint };
  return {
    addr: pod.proxy.intercept ? app : pod.proxy.inbound,
    meshed: true,
    labels,
    identity: identityName({ serviceAccount: pod.serviceAccount, namespace, trustDomain }),
    // Named in the opaque transport header, so the peer's inbound proxy knows which local app the bytes are for.
    appPort: portOf(app),
    ...hint,
  };
}

function isProxyListener(proxy: NonNullable<RegistryPod['proxy']>, addr: string): boolean {
  const a = addr.toLowerCase();
  return a === proxy.admin.toLowerCase() || a === proxy.tap?.toLowerCase();
}

function withPort(addr: string, port: number): string {
  const hp = parseHostPort(addr);
  return hp ? formatHostPort({ host: hp.host, port }) : addr;
}

function portOf(addr: string): number | undefined {
  return parseHostPort(addr)?.port;
}

/**
 * The updates that move a client from `previous` (undefined: it has just subscribed) to `next`. The first answer
 * is never empty, as Linkerd requires a message on subscribe; after that only differences are sent: `remove` for
 * gone addresses, `add` for new or changed endpoints, `noEndpoints` when the set empties or the service goes.
 */
export function translate(previous: Resolution | undefined, next: Resolution): DestinationUpdate[] {
  if (!next.exists) return previous && !previous.exists ? [] : [{ type: 'noEndpoints', exists: false }];
  if (next.endpoints.length === 0)
    return previous?.exists === true && previous.endpoints.length === 0 ? [] : [{ type: 'noEndpoints', exists: true }];
  // After noEndpoints (or on subscribe) the client holds nothing: send the whole set.
  if (!previous?.exists || previous.endpoints.length === 0) return [{ type: 'add', endpoints: [...next.endpoints] }];

  const before = new Map(previous.endpoints.map((e) => [e.addr, e]));
  const after = new Set(next.endpoints.map((e) => e.addr));
  const removed = previous.endpoints.filter((e) => !after.has(e.addr)).map((e) => e.addr);
  const added = next.endpoints.filter((e) => {
    const old = before.get(e.addr);
    return old === undefined || !sameEndpoint(old, e);
  });
  const updates: DestinationUpdate[] = [];
  if (removed.length > 0) updates.push({ type: 'remove', addrs: removed });
  if (added.length > 0) updates.push({ type: 'add', endpoints: added });
  return updates;
}

export function sameEndpoint(a: Endpoint, b: Endpoint): boolean {
  return (
    a.addr === b.addr &&
    a.meshed === b.meshed &&
    a.identity === b.identity &&
    a.appPort === b.appPort &&
    a.protocolHint === b.protocolHint &&
    sameLabels(a.labels, b.labels)
  );
}

function sameLabels(a: EndpointLabels, b: EndpointLabels): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof EndpointLabels>;
  for (const key of keys) if (a[key] !== b[key]) return false;
  return true;
}
