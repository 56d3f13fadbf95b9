// The api as built, discovering from the fake Kubernetes API server (--discovery=kubernetes), with its identity
// service on: the CA is generated in `<dir>/identity` and certify proves tokens with TokenReview on the fake.
import path from 'node:path';
import { freeAddr, repoRoot, startProcess, waitForHttp, type ManagedProcess } from '@signalbox/launch';
import type { FakeKubeApi } from './fake-kube-api.js';

export interface KubeControlPlane {
  readonly api: ManagedProcess;
  /** `host:port` of its one HTTP server. */
  readonly addr: string;
  /** Where it keeps its CA (`identityDirPaths` names the files). */
  readonly identityDir: string;
}

export async function startKubeControlPlane(fake: FakeKubeApi, dir: string): Promise<KubeControlPlane> {
  const addr = await freeAddr();
  const identityDir = path.join(dir, 'identity');
  const api = startProcess({
    name: 'api',
    command: process.execPath,
    args: [
      path.join(repoRoot, 'apps', 'api', 'dist', 'main.js'),
      `--listen=${addr}`,
      '--discovery=kubernetes',
      `--kubeconfig=${fake.kubeconfig(dir)}`,
      '--prometheus-url=http://127.0.0.1:9',
      `--file-sd=${path.join(dir, 'file-sd.json')}`,
      `--identity-dir=${identityDir}`,
    ],
    logFile: path.join(dir, 'api.log'),
  });
  await waitForHttp(`http://${addr}/ready`, api);
  return { api, addr, identityDir };
}
