// The cluster as a DiscoverySource: Services, EndpointSlices and Pods, each list-then-watched across all
// namespaces (kube/list-watch.ts), rebuilt into the registry model (kubernetes-model.ts) after every change. Bursts
// of events coalesce into one rebuild; the watcher then sends each stream only what changed for it.
import {
  AppsV1Api,
  CoreV1Api,
  DiscoveryV1Api,
  type KubeConfig,
  type V1EndpointSlice,
  type V1OwnerReference,
  type V1Pod,
  type V1Service,
} from '@kubernetes/client-node';
import type { Registry } from '@signalbox/shared';
import { kubeServer } from '../../kube/config.js';
import { createListWatch, type BackoffOptions, type ListWatch, type ListWatchStats } from '../../kube/list-watch.js';
import type { DiscoverySource } from '../watcher.js';
import { kubernetesRegistry, replicaSetToLookUp } from './kubernetes-model.js';

export interface KubernetesSourceOptions {
  readonly kc: KubeConfig;
  readonly log?: (message: string) => void;
  readonly backoff?: BackoffOptions;
}

export interface KubernetesSource extends DiscoverySource {
  /** Per watched collection, for tests and the api's own metrics. */
  stats(): Readonly<Record<'pods' | 'services' | 'endpointslices', Readonly<ListWatchStats>>>;
}

export function createKubernetesSource({ kc, log = () => {}, backoff }: KubernetesSourceOptions): KubernetesSource {
  const core = kc.makeApiClient(CoreV1Api);
  const discovery = kc.makeApiClient(DiscoveryV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  /** ReplicaSet `namespace/name` → its controller (null: none). Only for ReplicaSets not named by the Deployment convention. */
  const replicaSetOwners = new Map<string, V1OwnerReference | null>();
  let watches: { pods: ListWatch<V1Pod>; services: ListWatch<V1Service>; endpointslices: ListWatch<V1EndpointSlice> } | undefined;
  let closed = false;

  async function lookUpReplicaSets(pods: readonly V1Pod[]): Promise<void> {
    const wanted = new Set(pods.flatMap((p) => replicaSetToLookUp(p) ?? []));
    for (const key of replicaSetOwners.keys()) if (!wanted.has(key)) replicaSetOwners.delete(key);
    await Promise.all(
      [...wanted]
        .filter((key) => !replicaSetOwners.has(key))
        .map(async (key) => {
          const [namespace, name] = key.split('/') as [string, string];
          try {
            const rs = await apps.readNamespacedReplicaSet({ namespace, name });
            const refs = rs.metadata?.ownerReferences;
            replicaSetOwners.set(key, refs?.find((r) => r.controller) ?? refs?.[0] ?? null);
          } catch (err) {
            // Until it can be read the pod counts as the ReplicaSet's; the next rebuild asks again.
            if ((err as { code?: number }).code === 404) replicaSetOwners.set(key, null);
            else log(`kubernetes: cannot read replicaset ${key}: ${(err as Error).message.split('\n')[0]}`);
          }
        }),
    );
  }

  async function build(): Promise<Registry> {
    if (!watches) throw new Error('kubernetes source not started');
    const pods = watches.pods.items();
    await lookUpReplicaSets(pods);
    return kubernetesRegistry({ pods, services: watches.services.items(), endpointSlices: watches.endpointslices.items(), replicaSetOwners });
  }

  return {
    description: `kubernetes ${kubeServer(kc)}`,
    async start({ onUpdate, onError }) {
      let started = false;
      let building = false;
      let dirty = false;
      // One rebuild at a time; changes during a rebuild make exactly one more.
      const schedule = () => {
        if (!started || closed) return;
        dirty = true;
        if (building) return;
        building = true;
        setImmediate(async () => {
          while (dirty && !closed) {
            dirty = false;
            try {
              onUpdate(await build());
            } catch (err) {
              onError(err as Error);
            }
          }
          building = false;
        });
      };
      const common = {
        kc,
        onChange: schedule,
        ...(backoff ? { backoff } : {}),
      };
      const failed = (what: string) => (error: Error, attempt: number) =>
        onError(new Error(`kubernetes: ${what}: ${error.message} (attempt ${attempt}, retrying)`));
      watches = {
        pods: createListWatch<V1Pod>({ ...common, path: '/api/v1/pods', list: () => core.listPodForAllNamespaces(), onError: failed('pods') }),
        services: createListWatch<V1Service>({ ...common, path: '/api/v1/services', list: () => core.listServiceForAllNamespaces(), onError: failed('services') }),
        endpointslices: createListWatch<V1EndpointSlice>({
          ...common,
          path: '/apis/discovery.k8s.io/v1/endpointslices',
          list: () => discovery.listEndpointSliceForAllNamespaces(),
          onError: failed('endpointslices'),
        }),
      };
      // Serve nothing until all three are listed: a partial model would tell proxies that services have no endpoints.
      await Promise.all([watches.pods.synced, watches.services.synced, watches.endpointslices.synced]);
      started = true;
      const registry = await build();
      log(`kubernetes: synced ${registry.namespaces.length} namespace(s) from ${kubeServer(kc)}`);
      return registry;
    },
    close() {
      closed = true;
      watches?.pods.close();
      watches?.services.close();
      watches?.endpointslices.close();
    },
    stats() {
      const empty = { lists: 0, watches: 0, expired: 0, failures: 0 };
      return { pods: watches?.pods.stats ?? empty, services: watches?.services.stats ?? empty, endpointslices: watches?.endpointslices.stats ?? empty };
    },
  };
}
