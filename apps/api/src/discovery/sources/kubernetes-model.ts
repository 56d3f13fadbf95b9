// Pure core of the Kubernetes source: Pods, Services and EndpointSlices as the API serves them → the same model
// the registry file gives (namespaces → pods → services), so everything downstream is shared. Linkerd's
// destination watcher does the same job (pod owner, meshed, readiness from EndpointSlice conditions).
import type { V1EndpointSlice, V1OwnerReference, V1Pod, V1Service } from '@kubernetes/client-node';
import { formatHostPort, opaquePortsAnnotation, portInRanges, validPortRanges, type OwnerKind, type Registry, type RegistryNamespace, type RegistryPod, type RegistryService } from '@signalbox/shared';

/** The sidecar `signalbox inject` adds; a pod with it is meshed. */
export const proxyContainerName = 'signalbox-proxy';
/** The init container `signalbox inject` adds: its iptables rules redirect the pod's inbound traffic to the proxy. */
export const initContainerName = 'signalbox-init';
/** The proxy's ports, named on its container so a changed port is read, not assumed (Linkerd reads its inbound port the same way). */
export const proxyPorts = {
  outbound: { name: 'signalbox-out', default: 4140 },
  inbound: { name: 'signalbox-in', default: 4143 },
  admin: { name: 'signalbox-admin', default: 4191 },
  /** The mTLS tap listener (Linkerd's control port 4190), served only by proxies injected with it. */
  tap: { name: 'signalbox-tap', default: 4190 },
} as const;

/**
 * Linkerd's `config.linkerd.io/skip-inbound-ports`: inject records the ports its init container leaves unredirected
 * on the pod template, so discovery knows those ports are not behind the proxy.
 */
export const skipInboundPortsAnnotation = 'config.signalbox.io/skip-inbound-ports';

/**
 * A Service port's `appProtocol` as Linkerd reads it: `http` and `kubernetes.io/h2c` are HTTP, detected as usual;
 * any other value (`signalbox.io/opaque`, `linkerd.io/tcp`, `mysql`…) names a protocol the proxy cannot detect.
 */
export function appProtocolIsOpaque(appProtocol: string | undefined): boolean {
  if (appProtocol === undefined || appProtocol === '') return false;
  const p = appProtocol.toLowerCase();
  return p !== 'http' && p !== 'kubernetes.io/h2c';
}

export interface Owner {
  readonly kind: OwnerKind;
  readonly name: string;
}

/** What a ReplicaSet's own controller reference says (`null`: none, a bare ReplicaSet), keyed `namespace/name`. */
export type ReplicaSetOwners = ReadonlyMap<string, V1OwnerReference | null>;

export interface KubeObjects {
  readonly pods: readonly V1Pod[];
  readonly services: readonly V1Service[];
  readonly endpointSlices: readonly V1EndpointSlice[];
  readonly replicaSetOwners?: ReplicaSetOwners;
}

const serviceNameLabel = 'kubernetes.io/service-name';
const podTemplateHashLabel = 'pod-template-hash';

function controllerOf(refs: readonly V1OwnerReference[] | undefined): V1OwnerReference | undefined {
  return refs?.find((r) => r.controller) ?? refs?.[0];
}

/**
 * The ReplicaSet a pod's owner resolution needs looked up, or undefined when its name answers the question: a
 * Deployment's ReplicaSet is `<deployment>-<pod-template-hash>` (the convention Linkerd relied on before it
 * watched ReplicaSets); anything else (a bare or adopted ReplicaSet) needs its ownerReferences.
 */
export function replicaSetToLookUp(pod: V1Pod): string | undefined {
  const ref = controllerOf(pod.metadata?.ownerReferences);
  if (ref?.kind !== 'ReplicaSet') return undefined;
  const hash = pod.metadata?.labels?.[podTemplateHashLabel];
  if (hash && ref.name.endsWith(`-${hash}`) && ref.name.length > hash.length + 1) return undefined;
  return `${pod.metadata?.namespace ?? ''}/${ref.name}`;
}

/** pod → ReplicaSet → Deployment, StatefulSet, DaemonSet, Job; a pod with no (known) controller is its own workload. */
export function podOwner(pod: V1Pod, replicaSetOwners: ReplicaSetOwners = new Map()): Owner {
  const ref = controllerOf(pod.metadata?.ownerReferences);
  const self: Owner = { kind: 'pod', name: pod.metadata?.name ?? '' };
  switch (ref?.kind) {
    case 'ReplicaSet': {
      const key = replicaSetToLookUp(pod);
      if (key === undefined) {
        const hash = pod.metadata?.labels?.[podTemplateHashLabel] as string;
        return { kind: 'deployment', name: ref.name.slice(0, -(hash.length + 1)) };
      }
      const parent = replicaSetOwners.get(key);
      return parent?.kind === 'Deployment' ? { kind: 'deployment', name: parent.name } : { kind: 'replicaset', name: ref.name };
    }
    case 'StatefulSet':
      return { kind: 'statefulset', name: ref.name };
    case 'DaemonSet':
      return { kind: 'daemonset', name: ref.name };
    case 'Job':
      return { kind: 'job', name: ref.name };
    default:
      return self;
  }
}

function containerPort(pod: V1Pod, container: string, portName: string): number | undefined {
  const c = pod.spec?.containers.find((x) => x.name === container);
  return c?.ports?.find((p) => p.name === portName)?.containerPort;
}

/** Readiness per pod (`namespace/name`) from EndpointSlice conditions: ready unless some endpoint says `ready: false`. */
function sliceReadiness(slices: readonly V1EndpointSlice[]): Map<string, boolean> {
  const ready = new Map<string, boolean>();
  for (const slice of slices)
    for (const ep of slice.endpoints ?? []) {
      const ref = ep.targetRef;
      if (ref?.kind !== 'Pod' || !ref.name) continue;
      const key = `${ref.namespace ?? slice.metadata?.namespace ?? ''}/${ref.name}`;
      // A nil `ready` means ready (the EndpointSlice API's rule for consumers).
      ready.set(key, (ready.get(key) ?? true) && ep.conditions?.ready !== false);
    }
  return ready;
}

function podReadyCondition(pod: V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/**
 * A pod with an IP, as the model holds it. Meshed pods are reached through the proxy's inbound port: at
 * `podIP:appPort` when the init container redirects their inbound traffic to it (`proxy.intercept`, Linkerd's way),
 * else at `podIP:4143`. `app` is the IP with the first port the app declares (80 if none): Service ports override
 * it per port.
 */
export function toRegistryPod(pod: V1Pod, owner: Owner, ready: boolean): RegistryPod | undefined {
  const ip = pod.status?.podIP;
  const name = pod.metadata?.name;
  if (!ip || !name) return undefined;
  const at = (port: number) => formatHostPort({ host: ip, port });
  const appContainer = pod.spec?.containers.find((c) => c.name !== proxyContainerName);
  const meshed = pod.spec?.containers.some((c) => c.name === proxyContainerName) ?? false;
  const port = (key: keyof typeof proxyPorts) => containerPort(pod, proxyContainerName, proxyPorts[key].name) ?? proxyPorts[key].default;
  // No default: a proxy injected without the tap listener has none (then only its admin `/tap`, identity off, serves tap).
  const tap = containerPort(pod, proxyContainerName, proxyPorts.tap.name);
  const intercepted = pod.spec?.initContainers?.some((c) => c.name === initContainerName) ?? false;
  // Entries that are not ports or ranges are ignored, as Linkerd's destination ignores them.
  const skipInboundPorts = validPortRanges(pod.metadata?.annotations?.[skipInboundPortsAnnotation] ?? '');
  const opaque = pod.metadata?.annotations?.[opaquePortsAnnotation];
  return {
    name,
    deployment: owner.name,
    ...(owner.kind === 'deployment' ? {} : { ownerKind: owner.kind }),
    serviceAccount: pod.spec?.serviceAccountName || 'default',
    app: at(appContainer?.ports?.[0]?.containerPort ?? 80),
    ...(meshed
      ? {
          proxy: {
            inbound: at(port('inbound')),
            outbound: at(port('outbound')),
            admin: at(port('admin')),
            ...(tap === undefined ? {} : { tap: at(tap) }),
            ...(intercepted ? { intercept: true } : {}),
            ...(skipInboundPorts.length > 0 ? { skipInboundPorts } : {}),
          },
        }
      : {}),
    // Present, even empty: the annotation replaces the default list.
    ...(opaque === undefined ? {} : { opaquePorts: validPortRanges(opaque) }),
    ready,
  };
}

/**
 * A Service with its TCP ports and the pods its EndpointSlices name. `targetPort` comes from the slices (which
 * resolve named target ports), else from the spec when it is a number. `deployment` is the workload most of its
 * pods belong to (what the dashboard groups by); the translator uses `pods`.
 */
export function toRegistryService(service: V1Service, slices: readonly V1EndpointSlice[], owners: ReadonlyMap<string, string>): RegistryService | undefined {
  const name = service.metadata?.name;
  if (!name || service.spec?.type === 'ExternalName') return undefined;
  const tcp = (service.spec?.ports ?? []).filter((p) => (p.protocol ?? 'TCP') === 'TCP');
  const ports = tcp.map((p) => {
    const fromSlice = slices.flatMap((s) => s.ports ?? []).find((sp) => (sp.name ?? '') === (p.name ?? '') && sp.port !== undefined)?.port;
    const targetPort = fromSlice ?? (typeof p.targetPort === 'number' ? p.targetPort : p.targetPort === undefined ? p.port : undefined);
    return { port: p.port, ...(targetPort === undefined ? {} : { targetPort }) };
  });
  // Only the service's own ports: the annotation is often the pods' list copied, naming ports the service lacks.
  const annotated = validPortRanges(service.metadata?.annotations?.[opaquePortsAnnotation] ?? '');
  const opaquePorts = tcp.filter((p) => portInRanges(p.port, annotated) || appProtocolIsOpaque(p.appProtocol)).map((p) => String(p.port));
  const [first] = ports;
  if (!first) return undefined;
  const pods = [...new Set(slices.flatMap((s) => (s.endpoints ?? []).flatMap((e) => (e.targetRef?.kind === 'Pod' && e.targetRef.name ? [e.targetRef.name] : []))))].sort();
  const counts = new Map<string, number>();
  for (const pod of pods) {
    const owner = owners.get(pod);
    if (owner) counts.set(owner, (counts.get(owner) ?? 0) + 1);
  }
  const deployment = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? '';
  // A headless service's clusterIP is "None": it has no virtual IP, its pods are called by their own.
  const clusterIPs = (service.spec?.clusterIPs ?? [service.spec?.clusterIP ?? '']).filter((ip) => ip !== '' && ip !== 'None');
  return {
    name,
    port: first.port,
    deployment,
    ports,
    pods,
    ...(clusterIPs.length > 0 ? { clusterIPs } : {}),
    ...(opaquePorts.length > 0 ? { opaquePorts } : {}),
  };
}

/** The whole model, namespaces and their contents sorted by name so equal clusters give equal models. */
export function kubernetesRegistry({ pods, services, endpointSlices, replicaSetOwners }: KubeObjects): Registry {
  const ready = sliceReadiness(endpointSlices);
  const namespaces = new Map<string, { pods: RegistryPod[]; services: RegistryService[]; owners: Map<string, string> }>();
  const nsOf = (name: string) => {
    let ns = namespaces.get(name);
    if (!ns) namespaces.set(name, (ns = { pods: [], services: [], owners: new Map() }));
    return ns;
  };
  for (const pod of pods) {
    // A finished pod's IP may already belong to another pod.
    if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') continue;
    const namespace = pod.metadata?.namespace ?? 'default';
    const key = `${namespace}/${pod.metadata?.name ?? ''}`;
    const owner = podOwner(pod, replicaSetOwners);
    const model = toRegistryPod(pod, owner, ready.get(key) ?? podReadyCondition(pod));
    if (!model) continue;
    const ns = nsOf(namespace);
    ns.pods.push(model);
    ns.owners.set(model.name, owner.name);
  }
  const slicesByService = new Map<string, V1EndpointSlice[]>();
  for (const slice of endpointSlices) {
    const service = slice.metadata?.labels?.[serviceNameLabel];
    if (!service) continue;
    const key = `${slice.metadata?.namespace ?? 'default'}/${service}`;
    slicesByService.set(key, [...(slicesByService.get(key) ?? []), slice]);
  }
  for (const service of services) {
    const namespace = service.metadata?.namespace ?? 'default';
    const ns = nsOf(namespace);
    const model = toRegistryService(service, slicesByService.get(`${namespace}/${service.metadata?.name ?? ''}`) ?? [], ns.owners);
    if (model) ns.services.push(model);
  }
  const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  return {
    namespaces: [...namespaces]
      .map(([name, ns]): RegistryNamespace => ({ name, pods: ns.pods.sort(byName), services: ns.services.sort(byName) }))
      .sort(byName),
  };
}
