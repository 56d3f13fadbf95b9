// `signalbox install`: every object of the mesh's control plane, in apply order (namespace first). The identity
// issuer comes from the user's files (checked with the api's CA code) or is generated here, as `linkerd install` does.
import { readFile } from 'node:fs/promises';
import type { V1Namespace } from '@kubernetes/client-node';
import { generateCa, loadIssuer } from '@signalbox/api';
import { componentLabel, partOfLabel } from '../kube/mesh.js';
import { controlPlaneObjects, type ControlPlaneOptions } from './control-plane.js';
import { prometheusObjects } from './prometheus.js';

/** Everything install prints follows from the control plane's options. */
export type InstallOptions = ControlPlaneOptions;

export function installManifests(o: InstallOptions): object[] {
  const namespace: V1Namespace = {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: o.namespace, labels: { [partOfLabel]: o.namespace, [componentLabel]: 'namespace' }, annotations: { 'signalbox.io/inject': 'disabled' } },
  };
  return [namespace, ...controlPlaneObjects(o), ...prometheusObjects(o.namespace)];
}

export interface IdentityFiles {
  readonly trustAnchorsFile?: string | undefined;
  readonly issuerCertFile?: string | undefined;
  readonly issuerKeyFile?: string | undefined;
}

/** The user's CA files (all three, verified: issuer signed by an anchor, valid, key matching), or a fresh CA. */
export async function identityMaterial(files: IdentityFiles, trustDomain: string): Promise<InstallOptions['identity']> {
  const given = [files.trustAnchorsFile, files.issuerCertFile, files.issuerKeyFile].filter((f) => f !== undefined).length;
  if (given === 0) {
    const ca = await generateCa({ trustDomain });
    // The anchor's key is not installed anywhere: nothing in the cluster needs it, and rotating the issuer is done from a fresh install.
    return { trustAnchorsPem: ca.trustAnchorPem, issuerCertPem: ca.issuerPem, issuerKeyPem: ca.issuerKeyPem };
  }
  if (given < 3)
    throw new Error('--identity-trust-anchors-file needs --identity-issuer-certificate-file and --identity-issuer-key-file: the issuer must be signed by your anchor');
  const issuerFiles = { trustAnchorsFile: files.trustAnchorsFile as string, issuerCertFile: files.issuerCertFile as string, issuerKeyFile: files.issuerKeyFile as string };
  const issuer = await loadIssuer(issuerFiles);
  return { trustAnchorsPem: issuer.trustAnchorsPem, issuerCertPem: issuer.certPem, issuerKeyPem: await readFile(issuerFiles.issuerKeyFile, 'utf8') };
}
