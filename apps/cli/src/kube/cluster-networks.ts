// The cluster networks (where the cluster's pods and services live; proxies ask discovery only about addresses
// inside them): `install --cluster-networks` records them in install's config, `inject` gives them to each proxy,
// from its own `--cluster-networks` or else read back from the cluster, as Linkerd's injector takes
// `clusterNetworks` from linkerd-config.
import type { KubeConfig } from '@kubernetes/client-node';
import { cidrListSchema } from '@signalbox/shared';
import { InvalidArgumentError } from 'commander';
import { readInstallConfig } from './install-config.js';
import { clusterNetworksKey, meshConfigMap } from './mesh.js';

export class ClusterNetworksError extends Error {
  readonly code = 'SB_INJECT_CLUSTER_NETWORKS';
}

/** `--cluster-networks`: a comma list replacing the default (not added to it): the cluster's own ranges. */
export function clusterNetworksArgument(value: string): string[] {
  const parsed = cidrListSchema.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError(`"${value}" is not a comma list of CIDRs like 10.0.0.0/8,fd00::/8`);
  return parsed.data;
}

export async function readClusterNetworks(kc: KubeConfig, namespace: string): Promise<string[]> {
  const fail = (message: string) => new ClusterNetworksError(message);
  const { value, where } = await readInstallConfig(kc, { namespace, name: meshConfigMap, key: clusterNetworksKey }, fail);
  const parsed = cidrListSchema.safeParse(value);
  if (!parsed.success) throw fail(`${where}: ${clusterNetworksKey} "${value}" is not a comma list of CIDRs`);
  return parsed.data;
}
