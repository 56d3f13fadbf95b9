// The demo mesh's shape, and the registry it yields once every listener has an address. Pure: addresses come from
// the caller, so the launcher can use free ports and tests can use fixed ones.
import { parseHostPort, type Registry, type RegistryPod, type ServicePolicy } from '@signalbox/shared';

export const DEMO_NAMESPACE = 'demo';

export interface DemoWorkload {
  readonly deployment: string;
  readonly replicas: number;
  /** The mesh service in front of the workload; none for a pure client. */
  readonly service?: { readonly name: string; readonly port: number };
  readonly role: DemoRole;
  /** The registry's inbound policy: only meshed (mTLS) clients may connect. */
  readonly requireIdentity?: boolean;
  /**
   * Not HTTP: the service port and the pods' app port are declared opaque (`opaquePorts`), so no proxy on the way
   * waits to detect a protocol, as a server-speaks-first one would need.
   */
  readonly opaque?: boolean;
}

export type DemoRole = 'web' | 'books' | 'authors' | 'ratings' | 'feed' | 'stock' | 'traffic';

/**
 * traffic → web → books ×2 (HTTP/1.1) → stock (opaque TCP, identity required); web → authors (HTTP/1.1), ratings (gRPC over HTTP/2)
 * and feed (a WebSocket). books fails one request in ten and varies its latency, ratings fails one call in twenty,
 * so success rate, latency percentiles, balancing and every protocol the mesh carries show on the dashboard.
 */
export const demoWorkloads: readonly DemoWorkload[] = [
  { deployment: 'web', replicas: 1, service: { name: 'web', port: 7000 }, role: 'web' },
  { deployment: 'books', replicas: 2, service: { name: 'books', port: 7001 }, role: 'books' },
  { deployment: 'authors', replicas: 1, service: { name: 'authors', port: 7002 }, role: 'authors' },
  { deployment: 'ratings', replicas: 1, service: { name: 'ratings', port: 7003 }, role: 'ratings' },
  { deployment: 'feed', replicas: 1, service: { name: 'feed', port: 7004 }, role: 'feed' },
  { deployment: 'stock', replicas: 1, service: { name: 'stock', port: 7005 }, role: 'stock', requireIdentity: true, opaque: true },
  { deployment: 'traffic', replicas: 1, role: 'traffic' },
];

/** Each meshed pod needs four listeners: its app and its proxy's inbound, outbound and admin. */
export interface PodAddrs {
  readonly app: string;
  readonly inbound: string;
  readonly outbound: string;
  readonly admin: string;
  /** The proxy's mTLS tap listener (identity on); absent: tap is on admin. */
  readonly tap?: string;
}

export interface DemoPod {
  readonly pod: RegistryPod & { proxy: NonNullable<RegistryPod['proxy']> };
  readonly role: DemoRole;
}

/** Pod names as Kubernetes would number a StatefulSet's: `books-0`, `books-1`. */
export function demoPodNames(): string[] {
  return demoWorkloads.flatMap((w) => Array.from({ length: w.replicas }, (_, i) => `${w.deployment}-${i}`));
}

export function demoPods(addrs: (podName: string) => PodAddrs): DemoPod[] {
  return demoWorkloads.flatMap((w) =>
    Array.from({ length: w.replicas }, (_, i) => {
      const name = `${w.deployment}-${i}`;
      const { app, inbound, outbound, admin, tap } = addrs(name);
      return {
        role: w.role,
        pod: {
          name,
          deployment: w.deployment,
          serviceAccount: w.deployment,
          app,
          proxy: { inbound, outbound, admin, ...(tap ? { tap } : {}) },
          ...(w.requireIdentity ? { requireIdentity: true } : {}),
          ...(w.opaque ? { opaquePorts: [String(parseHostPort(app)?.port)] } : {}),
        },
      };
    }),
  );
}

/**
 * books fails one request in ten; its GET route is idempotent, so the mesh retries it (default budget: 20 % extra
 * load, 10 retries/s): web's calls succeed ~100 % (effective) while books itself still answers ~90 % (actual).
 */
export const booksPolicy: ServicePolicy = {
  routes: [{ name: 'GET /books', match: { method: 'GET', pathPrefix: '/books' }, retryable: true, timeout: 2000 }],
};

export function demoRegistry(pods: readonly DemoPod[]): Registry {
  return {
    namespaces: [
      {
        name: DEMO_NAMESPACE,
        pods: pods.map((p) => p.pod),
        services: demoWorkloads.flatMap((w) =>
          w.service
            ? [
                {
                  name: w.service.name,
                  port: w.service.port,
                  deployment: w.deployment,
                  ...(w.role === 'books' ? { policy: booksPolicy } : {}),
                  ...(w.opaque ? { opaquePorts: [String(w.service.port)] } : {}),
                },
              ]
            : [],
        ),
      },
    ],
  };
}

/** `books.demo:7001`: how the demo's apps name a service (through their outbound proxy). */
export function serviceAuthority(role: DemoRole): string {
  const w = demoWorkloads.find((x) => x.role === role);
  if (!w?.service) throw new Error(`${role} has no service`);
  return `${w.service.name}.${DEMO_NAMESPACE}:${w.service.port}`;
}
