// What `install` left in the cluster for `inject` (its ConfigMaps in the control plane's namespace), read the way
// `linkerd inject` reads linkerd-config: through `--kubeconfig`, in-cluster credentials or KUBECONFIG.
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { kubeServer } from '@signalbox/api';

export interface InstallConfigValue {
  readonly value: string;
  /** `ConfigMap <ns>/<name> on <server>`, for messages about the value. */
  readonly where: string;
}

/** One key of one ConfigMap; an unreadable map or a missing key becomes `fail(message)`, naming both. */
export async function readInstallConfig(
  kc: KubeConfig,
  { namespace, name, key }: { readonly namespace: string; readonly name: string; readonly key: string },
  fail: (message: string) => Error,
): Promise<InstallConfigValue> {
  const where = `ConfigMap ${namespace}/${name} on ${kubeServer(kc)}`;
  const configMap = await kc
    .makeApiClient(CoreV1Api)
    .readNamespacedConfigMap({ name, namespace })
    .catch((err: Error) => {
      throw fail(`${where}: ${err.message.split('\n')[0] ?? 'unreadable'}`);
    });
  const value = configMap.data?.[key];
  if (value === undefined) throw fail(`${where}: no ${key}`);
  return { value, where };
}
