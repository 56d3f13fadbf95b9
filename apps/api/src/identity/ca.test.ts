// The CA: generated files and modes, loading checks, and the leaves it signs.
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateCa, identityDirPaths, initIdentityDir, issueLeaf, loadIssuer } from './ca.js';
import { generateKeyPair } from './x509.js';

const identity = 'books.demo.serviceaccount.identity.signalbox.cluster.local';
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'sb-ca-'));

describe('initIdentityDir', () => {
  it('writes keys 0600 and certificates 0644 into a 0700 directory, once', async () => {
    const dir = path.join(tmp(), 'identity');
    const first = await initIdentityDir(dir);
    expect(first.created).toBe(true);
    const p = identityDirPaths(dir);
    const mode = (f: string) => statSync(f).mode & 0o777;
    expect([mode(dir), mode(p.trustAnchorKeyFile), mode(p.issuerKeyFile), mode(p.trustAnchorsFile), mode(p.issuerCertFile)]).toEqual([0o700, 0o600, 0o600, 0o644, 0o644]);
    const before = readFileSync(p.issuerKeyFile, 'utf8');
    expect((await initIdentityDir(dir)).created).toBe(false);
    expect(readFileSync(p.issuerKeyFile, 'utf8')).toBe(before);
  });

  it('refuses to complete a half-written directory', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'issuer.key'), 'x');
    await expect(initIdentityDir(dir)).rejects.toThrow(/incomplete \(has issuer.key\)/);
  });
});

describe('loadIssuer', () => {
  it('loads a generated CA: the issuer chains to the anchor', async () => {
    const dir = tmp();
    await initIdentityDir(dir);
    const issuer = await loadIssuer(identityDirPaths(dir));
    const anchor = new X509Certificate(issuer.trustAnchorsPem);
    const cert = new X509Certificate(issuer.certPem);
    expect(cert.checkIssued(anchor) && cert.verify(anchor.publicKey)).toBe(true);
    expect(cert.ca && anchor.ca).toBe(true);
    expect(anchor.subject).toBe('CN=root.signalbox.cluster.local');
  });

  it('refuses an issuer from another CA, a foreign key, and warns about a readable key', async () => {
    const a = tmp();
    const b = tmp();
    await initIdentityDir(a);
    await initIdentityDir(b);
    const pa = identityDirPaths(a);
    const pb = identityDirPaths(b);
    await expect(loadIssuer({ ...pa, trustAnchorsFile: pb.trustAnchorsFile })).rejects.toThrow(/not signed by any trust anchor/);
    await expect(loadIssuer({ ...pa, issuerKeyFile: pb.issuerKeyFile })).rejects.toThrow(/is not the key of/);
    chmodSync(pa.issuerKeyFile, 0o644);
    const warnings: string[] = [];
    await loadIssuer(pa, { warn: (m) => warnings.push(m) });
    expect(warnings.join()).toMatch(/readable by others/);
  });

  it('refuses an expired issuer', async () => {
    const dir = tmp();
    const ca = await generateCa({ now: new Date('2020-01-01T00:00:00Z'), lifetimeMs: 86_400_000 });
    const p = identityDirPaths(dir);
    writeFileSync(p.trustAnchorsFile, ca.trustAnchorPem);
    writeFileSync(p.issuerCertFile, ca.issuerPem);
    writeFileSync(p.issuerKeyFile, ca.issuerKeyPem, { mode: 0o600 });
    await expect(loadIssuer(p)).rejects.toThrow(/not valid now/);
  });
});

describe('issueLeaf', () => {
  it('signs a leaf for the identity: SAN, EKU, AKI, 24 h backdated 20 s, chained to the issuer', async () => {
    const dir = tmp();
    await initIdentityDir(dir);
    const issuer = await loadIssuer(identityDirPaths(dir));
    const now = new Date();
    const keys = await generateKeyPair();
    const leaf = new X509Certificate((await issueLeaf(issuer, { identity, publicKey: keys.publicKey, now })).toString('pem'));
    expect(leaf.subjectAltName).toBe(`DNS:${identity}`);
    expect(leaf.ca).toBe(false);
    expect(leaf.keyUsage?.sort()).toEqual(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
    expect(new Date(leaf.validFrom).getTime()).toBe(Math.floor((now.getTime() - 20_000) / 1000) * 1000);
    expect(new Date(leaf.validTo).getTime()).toBe(Math.floor((now.getTime() + 86_400_000) / 1000) * 1000);
    const issuerCert = new X509Certificate(issuer.certPem);
    expect(leaf.checkIssued(issuerCert) && leaf.verify(issuerCert.publicKey)).toBe(true);
    expect(leaf.toLegacyObject().infoAccess).toBeUndefined();
  });

  it('never outlives the issuer', async () => {
    const dir = tmp();
    const ca = await generateCa({ lifetimeMs: 3_600_000 });
    const p = identityDirPaths(dir);
    writeFileSync(p.trustAnchorsFile, ca.trustAnchorPem);
    writeFileSync(p.issuerCertFile, ca.issuerPem);
    writeFileSync(p.issuerKeyFile, ca.issuerKeyPem, { mode: 0o600 });
    const issuer = await loadIssuer(p);
    const leaf = await issueLeaf(issuer, { identity, publicKey: (await generateKeyPair()).publicKey });
    expect(leaf.notAfter.getTime()).toBe(issuer.cert.notAfter.getTime());
  });
});
