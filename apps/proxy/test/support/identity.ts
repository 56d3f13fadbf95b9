// Test certificates outside the cert manager: leaves signed by a given issuer (the real identity service's, or a
// stranger CA's) at a chosen time, for attacks the real issuer would never sign (expired, foreign CA, other name).
import { webcrypto } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { generateCa, identityDirPaths, issueLeaf, loadIssuer, type Issuer } from '@signalbox/api';
import { makeRunDir } from '@signalbox/launch';
import type { CertMaterial } from '../../src/identity/cert-manager.js';

// The control plane with identity on, shared with the api's own tests.
export { identityDirOf, startIdentityControlPlane } from '../../../api/test/support/identity-control-plane.js';

export const testIdentity = (sa: string, ns = 'demo') => `${sa}.${ns}.serviceaccount.identity.signalbox.cluster.local`;

/** Material signed by `by`, valid from `now` (minus the clock skew allowance) for `lifetimeMs`. */
export async function testMaterial(by: Issuer, identity: string, { now = new Date(), lifetimeMs = 3_600_000 } = {}): Promise<CertMaterial> {
  const keys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  const leaf = await issueLeaf(by, { identity, publicKey: keys.publicKey, now, lifetimeMs });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)).toString('base64');
  return {
    identity,
    keyPem: `-----BEGIN PRIVATE KEY-----\n${pkcs8.replace(/(.{64})/g, '$1\n')}\n-----END PRIVATE KEY-----\n`,
    leafPem: `${leaf.toString('pem')}\n`,
    chainPem: [by.certPem],
    trustAnchorsPem: by.trustAnchorsPem,
    notBefore: leaf.notBefore,
    notAfter: leaf.notAfter,
  };
}

/** A CA nobody in the mesh trusts. */
export async function strangerIssuer(): Promise<Issuer> {
  const dir = makeRunDir('signalbox-other-ca-');
  const ca = await generateCa();
  const p = identityDirPaths(dir);
  writeFileSync(p.trustAnchorsFile, ca.trustAnchorPem);
  writeFileSync(p.issuerCertFile, ca.issuerPem);
  writeFileSync(p.issuerKeyFile, ca.issuerKeyPem, { mode: 0o600 });
  return loadIssuer(p);
}
