import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { tapServiceIdentity } from '@signalbox/shared';
import { describe, expect, it } from 'vitest';
import { identityDirPaths, initIdentityDir, loadIssuer } from '../identity/ca.js';
import { createTapCertSource, tapRenewDelayMs } from './identity.js';

describe('the control plane’s tap identity', () => {
  it('renews at 70 % of what is left, within [10 s, 24 h]', () => {
    const now = new Date(0);
    expect(tapRenewDelayMs(new Date(100_000), now)).toBe(70_000);
    expect(tapRenewDelayMs(new Date(1_000), now)).toBe(10_000);
    expect(tapRenewDelayMs(new Date(365 * 86_400_000), now)).toBe(86_400_000);
  });

  it('is a leaf for the tap service from the CA, with the certify profile', async () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'signalbox-tap-id-')), 'identity');
    await initIdentityDir(dir);
    const issuer = await loadIssuer(identityDirPaths(dir));
    const source = createTapCertSource({ issuer, identity: tapServiceIdentity(), lifetimeMs: 3_600_000 });
    const m = await source.ready;
    source.close();
    expect(source.current()).toBe(m);
    const leaf = new X509Certificate(m.leafPem);
    expect(leaf.subjectAltName).toBe('DNS:tap.signalbox.serviceaccount.identity.signalbox.cluster.local');
    expect(leaf.checkIssued(new X509Certificate(issuer.certPem))).toBe(true);
    expect(leaf.checkPrivateKey(createPrivateKey(m.keyPem))).toBe(true);
    expect(leaf.keyUsage).toEqual(expect.arrayContaining(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']));
    expect(m.chainPem).toEqual([issuer.certPem]);
    expect(m.notAfter.getTime() - Date.now()).toBeLessThanOrEqual(3_600_000);
  });
});
