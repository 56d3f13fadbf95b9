// The static registry file (one machine): namespaces, pods with their proxies' listeners, and services; the example
// users copy, validated whole. Apart from the destination stream (discovery.ts) because a proxy never reads a
// registry, and every schema a module defines is built when it loads: the proxy's bundle leaves this module out.
import * as z from 'zod';
import { formatHostPort, hostPortSchema } from './address.js';
import { identityTokenRefSchema } from './identity.js';
import { servicePolicySchema } from './policy.js';
import { portInRanges, portRangeSchema } from './port-ranges.js';
import { resourceNameSchema } from './resources.js';

/**
 * Ports whose traffic is opaque TCP, never detected (Linkerd's `config.linkerd.io/opaque-ports`): each a port or
 * an inclusive range, as the annotation writes them.
 */
const opaquePortsSchema = z.array(portRangeSchema);

export const podProxySchema = z.strictObject({
  /** Where meshed peers and plaintext clients reach this pod: the proxy's inbound listener. */
  inbound: hostPortSchema,
  /** Where the pod's application sends its outbound calls (its HTTP proxy). */
  outbound: hostPortSchema,
  /** `/metrics`, `/ready`, `/live`: scraped by Prometheus. */
  admin: hostPortSchema,
  /**
   * The proxy's mTLS tap listener (its `--tap-listen`; Linkerd's control port 4190), where the control plane
   * subscribes with its tap identity. Absent: tap is on `admin` (`/tap`, shared token), as when identity is off.
   */
  tap: hostPortSchema.optional(),
  /**
   * The pod's inbound traffic is redirected to `inbound` (iptables, as `signalbox inject`'s init container sets up;
   * every Kubernetes pod it injects): peers then dial the app's own address and the proxy learns the app port from
   * the connection's original destination, as Linkerd's do, so one pod serves several app ports. Absent: peers dial
   * `inbound`, whose listener serves `app` alone (one machine; per-host mode gives each app its own).
   */
  intercept: z.boolean().optional(),
  /**
   * App ports (or ranges, `8000-8010`) whose inbound traffic never passes the proxy (Kubernetes: inject's
   * `--skip-inbound-ports`, recorded on the pod): peers reach them at the app directly, in plaintext, as Linkerd's
   * destination serves a skipped port with no identity and no protocol hint.
   */
  skipInboundPorts: z.array(portRangeSchema).optional(),
});

export const registryPodSchema = z.strictObject({
  name: resourceNameSchema,
  deployment: resourceNameSchema,
  serviceAccount: resourceNameSchema.default('default'),
  /** The application's own listen address; the inbound proxy forwards here. */
  app: hostPortSchema,
  /** Absent for an unmeshed pod: peers then connect to `app` directly, in plaintext. */
  proxy: podProxySchema.optional(),
  /** The pod's proof of identity when its proxy asks for a certificate (one machine; Kubernetes uses its SA token). */
  identityToken: identityTokenRefSchema.optional(),
  /**
   * Inbound policy for the pod's app port (Linkerd's Server with only authenticated clients allowed): its proxy
   * refuses connections without a mesh identity (plaintext, or TLS not for the proxy) and counts them. A pod has
   * one app port on one machine, so the policy is per pod. The launcher passes it to the proxy at start.
   */
  requireIdentity: z.boolean().optional(),
  /** What kind of workload `deployment` names (Kubernetes: the pod's resolved owner); absent: a Deployment. */
  ownerKind: z.enum(['deployment', 'statefulset', 'daemonset', 'replicaset', 'job', 'pod']).optional(),
  /** False while the pod must get no traffic (Kubernetes: its EndpointSlice `ready` condition); absent: ready. */
  ready: z.boolean().optional(),
  /**
   * App ports (or ranges) that speak a protocol the proxy must not try to detect (Kubernetes: the pod's
   * `config.signalbox.io/opaque-ports` annotation). They replace the proxy's default list for its inbound side (the
   * launcher's `--opaque-ports`), and discovery tells clients' proxies an endpoint on one of them is opaque, so they
   * skip detection too. Absent: the default list, applied by each proxy to the ports it sees.
   */
  opaquePorts: opaquePortsSchema.optional(),
});

export const registryServiceSchema = z.strictObject({
  name: resourceNameSchema,
  port: z.number().int().min(1).max(65535),
  /** Selects the pods of this deployment, as a Kubernetes Service selects pods by label. */
  deployment: resourceNameSchema,
  /**
   * Every port of a service that has several (Kubernetes), `port` being the first; `targetPort` is where the pods'
   * app listens for it. Absent: `port` alone, served at each pod's `app`.
   */
  ports: z.array(z.strictObject({ port: z.number().int().min(1).max(65535), targetPort: z.number().int().min(1).max(65535).optional() })).optional(),
  /** The pods behind the service by name (Kubernetes: its EndpointSlices' pods); absent: every pod of `deployment`. */
  pods: z.array(resourceNameSchema).optional(),
  /**
   * The service's virtual IPs (Kubernetes `spec.clusterIPs`): a connection a proxy intercepts to one of them, on a
   * port of the service, is a call to the service. Absent: the service is reached by name only.
   */
  clusterIPs: z.array(z.union([z.ipv4(), z.ipv6()])).optional(),
  /** Traffic policy (Linkerd's ServiceProfile): routes, retries, timeouts, failure accrual, traffic split. */
  policy: servicePolicySchema.optional(),
  /**
   * Ports of the service (or ranges of them) whose traffic is opaque TCP (Kubernetes: the Service's
   * `config.signalbox.io/opaque-ports` annotation, or an opaque `appProtocol`): a client's proxy is told before it
   * reads a byte, so a server-speaks-first protocol on any port answers at once instead of after the detect timeout.
   */
  opaquePorts: opaquePortsSchema.optional(),
});

export const registryNamespaceSchema = z
  .strictObject({
    name: resourceNameSchema,
    pods: z.array(registryPodSchema).default([]),
    services: z.array(registryServiceSchema).default([]),
  })
  .superRefine((ns, ctx) => {
    duplicates(ns.pods.map((p) => p.name)).forEach((i) =>
      ctx.addIssue({ code: 'custom', path: ['pods', i, 'name'], message: `duplicate pod name "${ns.pods[i]?.name}"` }),
    );
    duplicates(ns.services.map((s) => s.name)).forEach((i) =>
      ctx.addIssue({
        code: 'custom',
        path: ['services', i, 'name'],
        message: `duplicate service name "${ns.services[i]?.name}"`,
      }),
    );
    // An opaque port that is none of the service's is a typo: the port the user meant would still be detected.
    ns.services.forEach((s, i) =>
      s.opaquePorts?.forEach((range, j) => {
        const ports = (s.ports ?? [s]).map((p) => p.port);
        if (!ports.some((p) => portInRanges(p, [range])))
          ctx.addIssue({
            code: 'custom',
            path: ['services', i, 'opaquePorts', j],
            message: `opaque port ${range} is not a port of service "${s.name}" (${ports.join(', ')})`,
          });
      }),
    );
    // A split backend in this namespace must exist; one in another namespace is checked by the registry below.
    const names = new Set(ns.services.map((s) => s.name));
    ns.services.forEach((s, i) =>
      s.policy?.backends?.forEach((b, j) => {
        if (b.namespace === undefined && !names.has(b.service))
          ctx.addIssue({
            code: 'custom',
            path: ['services', i, 'policy', 'backends', j, 'service'],
            message: `backend service "${b.service}" is not a service of namespace "${ns.name}"`,
          });
      }),
    );
  });

export const registrySchema = z
  .strictObject({ namespaces: z.array(registryNamespaceSchema) })
  .superRefine((registry, ctx) => {
    duplicates(registry.namespaces.map((n) => n.name)).forEach((i) =>
      ctx.addIssue({ code: 'custom', path: ['namespaces', i, 'name'], message: 'duplicate namespace name' }),
    );
    // Two listeners on one address cannot both exist; catching it here names the line instead of an EADDRINUSE later.
    // Per-host mode is the one exception: pods served by one proxy process share its outbound and admin listeners.
    const seen = new Map<string, { where: string; key: string; pod: RegistryPod }>();
    registry.namespaces.forEach((ns, n) =>
      ns.pods.forEach((pod, p) => {
        const addrs: [string, string][] = [['app', pod.app]];
        if (pod.proxy) addrs.push(...Object.entries(pod.proxy).filter((e): e is [string, string] => typeof e[1] === 'string'));
        for (const [key, addr] of addrs) {
          const where = `${ns.name}/${pod.name}.${key}`;
          const first = seen.get(addr);
          const shared = first !== undefined && first.key === key && sharedProxyKeys.has(key) && sameProxyProcess(first.pod, pod);
          const other = first && !shared ? first.where : undefined;
          if (other)
            ctx.addIssue({
              code: 'custom',
              path: ['namespaces', n, 'pods', p, ...(key === 'app' ? ['app'] : ['proxy', key])],
              message: `address ${addr} is also used by ${other}`,
            });
          else if (!first) seen.set(addr, { where, key, pod });
        }
      }),
    );
    // An intercepted connection to a cluster IP and port must name one service.
    const clusterAddrs = new Map<string, string>();
    registry.namespaces.forEach((ns, n) =>
      ns.services.forEach((svc, s) =>
        svc.clusterIPs?.forEach((ip, i) => {
          for (const { port } of svc.ports ?? [svc]) {
            const addr = formatHostPort({ host: ip, port });
            const other = clusterAddrs.get(addr);
            if (other) ctx.addIssue({ code: 'custom', path: ['namespaces', n, 'services', s, 'clusterIPs', i], message: `${addr} is also service ${other}` });
            else clusterAddrs.set(addr, `${ns.name}/${svc.name}`);
          }
        }),
      ),
    );
  });

export type Registry = z.infer<typeof registrySchema>;
export type RegistryNamespace = z.infer<typeof registryNamespaceSchema>;
export type RegistryPod = z.infer<typeof registryPodSchema>;
export type RegistryService = z.infer<typeof registryServiceSchema>;

/** The proxy listeners a per-host proxy shares between the pods it serves; each pod keeps its own inbound. */
const sharedProxyKeys = new Set(['outbound', 'admin', 'tap']);

/** Pods whose proxy blocks differ only in `inbound` are served by one proxy process (per-host mode). */
export function sameProxyProcess(a: RegistryPod, b: RegistryPod): boolean {
  return !!a.proxy && !!b.proxy && a.proxy.outbound === b.proxy.outbound && a.proxy.admin === b.proxy.admin;
}

function duplicates(values: readonly string[]): number[] {
  const seen = new Set<string>();
  return values.flatMap((v, i) => (seen.has(v) ? [i] : (seen.add(v), [])));
}

