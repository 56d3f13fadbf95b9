// The api as built from a registry file with its identity service on: the CA is generated in `<dir>/identity`
// (`identityDirPaths` names the files), Prometheus unreachable, file SD in `<dir>/file-sd.json`.
import path from 'node:path';
import { startControlPlane, type ManagedProcess } from '@signalbox/launch';

export interface IdentityControlPlaneOptions {
  readonly dir: string;
  readonly listen: string;
  readonly registryFile: string;
  /** `--identity-cert-lifetime`, e.g. `20s`; the api's default when absent. */
  readonly certLifetime?: string;
}

export const identityDirOf = (dir: string) => path.join(dir, 'identity');

export function startIdentityControlPlane({ dir, listen, registryFile, certLifetime }: IdentityControlPlaneOptions): Promise<ManagedProcess> {
  return startControlPlane({
    dir,
    listen,
    registryFile,
    prometheusUrl: 'http://127.0.0.1:9',
    fileSdPath: path.join(dir, 'file-sd.json'),
    extraArgs: [`--identity-dir=${identityDirOf(dir)}`, ...(certLifetime === undefined ? [] : [`--identity-cert-lifetime=${certLifetime}`])],
  });
}
