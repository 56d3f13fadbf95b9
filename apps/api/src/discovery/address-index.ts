// What an intercepted connection's original destination `ip:port` is in the mesh (Linkerd's destination service
// on an IP: a Service's cluster IP, else a pod's IP). Pure; built once per registry, so each stream's lookup on
// every registry change is a map read rather than a scan.
import { defaultTrustDomain, formatHostPort, parseHostPort, type AddressUpdate, type Registry, type RegistryPod } from '@signalbox/shared';
import { resolveAuthority, sameEndpoint, serviceIsOpaque, servicePorts, toEndpoint } from './translator.js';

export interface AddressIndex {
  lookup(ip: string, port: number): AddressUpdate;
}

interface PodAt {
  readonly pod: RegistryPod;
  readonly namespace: string;
}

const notInMesh: AddressUpdate = { type: 'address' };

/**
 * A cluster IP on one of its service's ports → that service, by its fully qualified name (the logical name
 * Linkerd's proxies route and label ClusterIP traffic by). A pod's address → that pod alone, on the asked port
 * (reached through its proxy when meshed). A pod is matched by its exact `app` address, else by its IP when no
 * other pod has it: pods sharing an IP (one machine, host network) are told apart by port only.
 */
export function addressIndex(registry: Registry, trustDomain = defaultTrustDomain): AddressIndex {
  const services = new Map<string, AddressUpdate>();
  const apps = new Map<string, PodAt>();
  const ips = new Map<string, PodAt | null>();
  for (const ns of registry.namespaces) {
    for (const svc of ns.services)
      for (const ip of svc.clusterIPs ?? [])
        for (const { port } of servicePorts(svc)) {
          const addr = key(ip, port);
          if (services.has(addr)) continue;
          const resolution = resolveAuthority(registry, { service: svc.name, namespace: ns.name, port }, trustDomain);
          const hint = serviceIsOpaque(resolution, svc, port) ? { protocolHint: 'opaque' as const } : {};
          services.set(addr, { type: 'address', service: `${svc.name}.${ns.name}.svc.cluster.local:${port}`, ...hint });
        }
    for (const pod of ns.pods) {
      const at = { pod, namespace: ns.name };
      apps.set(pod.app.toLowerCase(), at);
      const ip = (parseHostPort(pod.app)?.host ?? '').toLowerCase();
      ips.set(ip, ips.has(ip) ? null : at);
    }
  }
  return {
    lookup(ip, port) {
      const addr = key(ip, port);
      const service = services.get(addr);
      if (service) return service;
      const at = apps.get(addr) ?? ips.get(ip.toLowerCase());
      if (!at) return notInMesh;
      return { type: 'address', endpoint: toEndpoint(at.pod, at.namespace, '', trustDomain, port) };
    },
  };
}

/** Whether a stream that was told `a` must be told `b`. */
export function sameAddress(a: AddressUpdate, b: AddressUpdate): boolean {
  if (a.service !== b.service || a.protocolHint !== b.protocolHint) return false;
  if (a.endpoint === undefined || b.endpoint === undefined) return a.endpoint === b.endpoint;
  return sameEndpoint(a.endpoint, b.endpoint);
}

function key(ip: string, port: number): string {
  return formatHostPort({ host: ip.toLowerCase(), port });
}
