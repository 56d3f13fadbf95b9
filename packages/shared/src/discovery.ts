// Discovery: the destination stream the control plane sends proxies, mirroring Linkerd's Destination.Get
// (add/remove/noEndpoints), and the opaque-port defaults both ends share. The registry file it is built from on one
// machine is registry.ts.
import * as z from 'zod';
import { hostPortSchema } from './address.js';
import { identityNameSchema } from './identity.js';
import { profileSchema } from './policy.js';

/**
 * Linkerd's default opaque ports (its `proxy.opaquePorts`): server-speaks-first or connection-pre-opening protocols
 * (SMTP, MySQL, Postgres, Redis, Memcache…), which a proxy never tries to detect. A pod's `opaquePorts` replace them.
 */
export const defaultOpaquePorts: readonly number[] = [25, 587, 3306, 4444, 5432, 6379, 9300, 11211];

/**
 * Linkerd's `config.linkerd.io/opaque-ports`, under our prefix. On a pod (template): its app ports that must never
 * be detected, replacing the proxy's default list (`signalbox inject` passes it to the sidecar). On a Service: its
 * ports that are opaque. Discovery tells clients' proxies either way, so they forward at once.
 */
export const opaquePortsAnnotation = 'config.signalbox.io/opaque-ports';

// === Destination stream (control plane → proxy) ===

/**
 * The query of `GET /v1/destination`: the proxy's first (and only) message. `v=1`: endpoint updates only. `v=2`:
 * also `profile` messages (the service's traffic policy), the first before any endpoint update and then one on
 * every change; a v=1 stream never carries one, so proxies that predate policy keep working. `v=3`: endpoints and
 * address answers also carry `protocolHint`; older streams never do, as older proxies' strict parsing would drop
 * the whole update.
 */
export const destinationVersions = [1, 2, 3] as const;
export const destinationGetSchema = z.strictObject({
  v: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  /**
   * `service.namespace:port`, optionally with `.svc.cluster.local`; or `ip:port`, an intercepted connection's
   * original destination, answered with `address` messages only.
   */
  authority: z.string().min(1).max(255),
});
export type DestinationGet = z.infer<typeof destinationGetSchema>;

/** Labels the outbound proxy puts on its metrics, prefixed `dst_` (Linkerd's `metric_labels`). */
export const endpointLabelsSchema = z.strictObject({
  namespace: z.string(),
  service: z.string(),
  deployment: z.string(),
  pod: z.string(),
  serviceaccount: z.string(),
  // The owner's kind as the label key when it is not a Deployment (Linkerd's GetPodLabels); `deployment` is then "".
  statefulset: z.string().optional(),
  daemonset: z.string().optional(),
  replicaset: z.string().optional(),
  k8s_job: z.string().optional(),
});
export type EndpointLabels = z.infer<typeof endpointLabelsSchema>;

/**
 * What discovery knows of a destination's protocol (Linkerd's `ProtocolHint`): `opaque` means a proxy must not
 * wait for the client's first bytes (a server-speaks-first protocol would wait out the detect timeout) but forward
 * at once. Absent: unknown, detect as usual. v=3 streams only.
 */
export const protocolHintSchema = z.enum(['opaque']);
export type ProtocolHint = z.infer<typeof protocolHintSchema>;

export const endpointSchema = z.strictObject({
  /**
   * Where the outbound proxy connects: the peer's inbound proxy when meshed (its app address when the pod's inbound
   * traffic is redirected to it, so the port names the app), else the app itself.
   */
  addr: hostPortSchema,
  meshed: z.boolean(),
  labels: endpointLabelsSchema,
  /** Meshed endpoints only: the identity the peer's certificate must name (Linkerd's `TlsIdentity`); SNI too. */
  identity: identityNameSchema.optional(),
  /** Meshed endpoints only: the app's port behind the inbound proxy, named in the opaque transport header. */
  appPort: z.number().int().min(1).max(65535).optional(),
  /** The service port or the pod's port is declared opaque. */
  protocolHint: protocolHintSchema.optional(),
});
export type Endpoint = z.infer<typeof endpointSchema>;

export const destinationUpdateSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('add'), endpoints: z.array(endpointSchema).min(1) }),
  z.strictObject({ type: z.literal('remove'), addrs: z.array(hostPortSchema).min(1) }),
  /** `exists: false`: no such service; `exists: true`: the service exists but has no endpoints now. */
  z.strictObject({ type: z.literal('noEndpoints'), exists: z.boolean() }),
  /** v=2 only: the service's whole profile, replacing the previous one (Linkerd's DestinationProfile stream). */
  z.strictObject({ type: z.literal('profile'), profile: profileSchema }),
  /**
   * The only message of an `ip:port` stream: what the address is, replacing the previous answer (Linkerd's
   * GetProfile on an IP: `fully_qualified_name` or `endpoint`). `service`: a service's cluster IP and port, to route
   * as that authority (`books.demo.svc.cluster.local:7001`); `endpoint`: one pod's IP and port, that endpoint alone;
   * neither: not in the mesh, forwarded as is. Proxies that predate it never open such a stream. `protocolHint`
   * (service answers; an endpoint carries its own): the service's port, or one of its pods' ports, is opaque.
   */
  z
    .strictObject({
      type: z.literal('address'),
      service: z.string().min(1).max(255).optional(),
      endpoint: endpointSchema.optional(),
      protocolHint: protocolHintSchema.optional(),
    })
    .refine((a) => a.service === undefined || a.endpoint === undefined, { message: 'an address is a service or an endpoint, not both' }),
]);
/** The updates a v=1 service stream carries. */
export type EndpointUpdate = Exclude<DestinationUpdate, { type: 'profile' | 'address' }>;
export type AddressUpdate = Extract<DestinationUpdate, { type: 'address' }>;
export type DestinationUpdate = z.infer<typeof destinationUpdateSchema>;

export const destinationPath = '/v1/destination';

// === Authorities ===

export interface ServiceAuthority {
  readonly service: string;
  readonly namespace: string;
  readonly port: number;
}

const AUTHORITY = /^([a-z0-9](?:[-a-z0-9]*[a-z0-9])?)\.([a-z0-9](?:[-a-z0-9]*[a-z0-9])?)(?:\.svc(?:\.cluster\.local)?)?\.?(?::(\d{1,5}))?$/;

/**
 * `books.demo:7000`, `books.demo.svc.cluster.local:7000` → {service, namespace, port}; null when the authority
 * does not name a mesh service. Without a port, 80 is meant, as in an HTTP Host header.
 */
export function parseServiceAuthority(authority: string): ServiceAuthority | null {
  const m = AUTHORITY.exec(authority.toLowerCase());
  if (!m) return null;
  const port = m[3] === undefined ? 80 : Number(m[3]);
  if (port < 1 || port > 65535) return null;
  return { service: m[1] as string, namespace: m[2] as string, port };
}
