// What `signalbox uninstall` prints: every object `install` creates, as references (apiVersion, kind, name,
// namespace) in a List, in reverse apply order, for `kubectl delete -f -`. Deleting the namespace would take the
// namespaced ones with it; listing them all also removes the cluster-scoped RBAC and tolerates a renamed namespace.
import { installManifests } from '../install/manifests.js';

type Ref = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } };

export function uninstallList(namespace: string): { apiVersion: 'v1'; kind: 'List'; items: Ref[] } {
  // The identity material does not change which objects exist; placeholders keep this pure and offline.
  const objects = installManifests({ namespace, ha: true, imageRegistry: 'unused', trustDomain: 'cluster.local', clusterNetworks: [], identity: { trustAnchorsPem: '', issuerCertPem: '', issuerKeyPem: '' } });
  const items = (objects as Ref[]).map(({ apiVersion, kind, metadata }) => ({
    apiVersion,
    kind,
    metadata: { name: metadata.name, ...(metadata.namespace ? { namespace: metadata.namespace } : {}) },
  }));
  return { apiVersion: 'v1', kind: 'List', items: items.reverse() };
}
