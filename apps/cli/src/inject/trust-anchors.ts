// Where `signalbox inject` gets the trust anchors it writes into each proxy: the user's file (the `ca.crt` given to
// `install`), else the trust-roots ConfigMap `install` created, read from the cluster (as `linkerd inject
// --manual` reads linkerd-config). Either way the PEM is checked to be certificates before anything is printed.
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { KubeConfig } from '@kubernetes/client-node';
import { readInstallConfig } from '../kube/install-config.js';
import { trustRootsConfigMap, trustRootsKey } from '../kube/mesh.js';

export class TrustAnchorsError extends Error {
  readonly code = 'SB_INJECT_TRUST_ANCHORS';
}

export type TrustAnchorsSource = { readonly file: string } | { readonly cluster: KubeConfig; readonly namespace: string };

export async function readTrustAnchors(source: TrustAnchorsSource): Promise<string> {
  if ('file' in source) {
    const pem = await readFile(source.file, 'utf8').catch((err: NodeJS.ErrnoException) => {
      throw new TrustAnchorsError(`${source.file}: ${err.code ?? err.message}`);
    });
    return checked(pem, source.file);
  }
  const { value, where } = await readInstallConfig(
    source.cluster,
    { namespace: source.namespace, name: trustRootsConfigMap, key: trustRootsKey },
    (message) => new TrustAnchorsError(message),
  );
  return checked(value, where);
}

function checked(pem: string, where: string): string {
  try {
    new X509Certificate(pem);
  } catch {
    throw new TrustAnchorsError(`${where}: not a PEM certificate`);
  }
  return pem;
}
