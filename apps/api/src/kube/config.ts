// Where the Kubernetes API is and how to authenticate to it: `--kubeconfig`, else the pod's ServiceAccount
// (in-cluster), else $KUBECONFIG or ~/.kube/config, as kubectl and Linkerd's controllers look.
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';

export class KubeConfigError extends Error {
  readonly code = 'SB_KUBE_CONFIG';
  constructor(message: string) {
    super(message);
    this.name = 'KubeConfigError';
  }
}

/** Throws KubeConfigError naming the file or what is missing, so a wrong path is fixed without reading code. */
export function loadKubeConfig(file?: string, env: NodeJS.ProcessEnv = process.env): KubeConfig {
  const kc = new KubeConfig();
  const fromEnv = env.KUBECONFIG?.split(path.delimiter).find((f) => f !== '');
  const home = path.join(env.HOME ?? os.homedir(), '.kube', 'config');
  const source = file ?? (env.KUBERNETES_SERVICE_HOST ? 'in-cluster' : (fromEnv ?? (existsSync(home) ? home : undefined)));
  if (source === undefined)
    throw new KubeConfigError('no Kubernetes API to talk to: pass --kubeconfig <file>, set KUBECONFIG, or run in a pod (in-cluster)');
  try {
    if (source === 'in-cluster') kc.loadFromCluster();
    else kc.loadFromFile(source);
  } catch (err) {
    throw new KubeConfigError(`kubeconfig ${source}: ${(err as Error).message}`);
  }
  if (!kc.getCurrentCluster()?.server) throw new KubeConfigError(`kubeconfig ${source}: no current context with a cluster server`);
  return kc;
}

/** `https://10.0.0.1:443` (for logs and errors; never credentials). */
export function kubeServer(kc: KubeConfig): string {
  return kc.getCurrentCluster()?.server ?? '(no cluster)';
}
