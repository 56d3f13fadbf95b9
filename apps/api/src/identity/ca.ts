// The identity service's certificate authority: a trust anchor (self-signed root) and an issuer it signs, made on
// first run into a directory or supplied by the user; the issuer signs the proxies' leaf certificates.
import { webcrypto } from 'node:crypto';
import { constants } from 'node:fs';
import { access, chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { clockSkewAllowanceMs, defaultCertLifetimeMs, defaultTrustDomain } from '@signalbox/shared';
import { ecdsaP256, ecdsaSha256, exportPrivateKeyPem, generateKeyPair, importPrivateKeyPem, parseCertificates, randomSerial, x509, type CryptoKey } from './x509.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** `linkerd install` makes both for a year. */
export const defaultCaLifetimeMs = 365 * DAY_MS;

/** File names inside an identity directory (Linkerd's `ca.crt`, `issuer.crt`, `issuer.key`, plus the root's key). */
export const identityDirFiles = {
  trustAnchors: 'ca.crt',
  trustAnchorKey: 'ca.key',
  issuerCert: 'issuer.crt',
  issuerKey: 'issuer.key',
} as const;

export class IdentityCaError extends Error {
  readonly code = 'SB_IDENTITY_CA';
  constructor(message: string) {
    super(message);
    this.name = 'IdentityCaError';
  }
}

/** The issuer as the certify endpoint uses it: never the trust anchor's key. */
export interface Issuer {
  readonly trustAnchors: readonly x509.X509Certificate[];
  readonly trustAnchorsPem: string;
  readonly cert: x509.X509Certificate;
  readonly certPem: string;
  readonly key: CryptoKey;
}

export interface GeneratedCa {
  readonly trustAnchorPem: string;
  readonly trustAnchorKeyPem: string;
  readonly issuerPem: string;
  readonly issuerKeyPem: string;
}

export interface CaOptions {
  readonly trustDomain?: string;
  readonly now?: Date;
  readonly lifetimeMs?: number;
}

/** A fresh trust anchor and an issuer signed by it, both ECDSA P-256, as PEM. */
export async function generateCa({ trustDomain = defaultTrustDomain, now = new Date(), lifetimeMs = defaultCaLifetimeMs }: CaOptions = {}): Promise<GeneratedCa> {
  const notBefore = new Date(now.getTime() - clockSkewAllowanceMs);
  const notAfter = new Date(now.getTime() + lifetimeMs);
  const rootKeys = await generateKeyPair();
  const root = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: `CN=root.signalbox.${trustDomain}`,
    notBefore,
    notAfter,
    signingAlgorithm: ecdsaSha256,
    keys: rootKeys,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(rootKeys.publicKey),
    ],
  });
  const issuerKeys = await generateKeyPair();
  const issuer = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: `CN=identity.signalbox.${trustDomain}`,
    issuer: root.subject,
    notBefore,
    notAfter,
    signingAlgorithm: ecdsaSha256,
    publicKey: issuerKeys.publicKey,
    signingKey: rootKeys.privateKey,
    extensions: [
      // pathLen 0: the issuer signs leaves only.
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(issuerKeys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(rootKeys.publicKey),
    ],
  });
  return {
    trustAnchorPem: root.toString('pem') + '\n',
    trustAnchorKeyPem: await exportPrivateKeyPem(rootKeys.privateKey),
    issuerPem: issuer.toString('pem') + '\n',
    issuerKeyPem: await exportPrivateKeyPem(issuerKeys.privateKey),
  };
}

export interface IssuerFiles {
  readonly trustAnchorsFile: string;
  readonly issuerCertFile: string;
  readonly issuerKeyFile: string;
}

export function identityDirPaths(dir: string): IssuerFiles & { readonly trustAnchorKeyFile: string } {
  return {
    trustAnchorsFile: path.join(dir, identityDirFiles.trustAnchors),
    trustAnchorKeyFile: path.join(dir, identityDirFiles.trustAnchorKey),
    issuerCertFile: path.join(dir, identityDirFiles.issuerCert),
    issuerKeyFile: path.join(dir, identityDirFiles.issuerKey),
  };
}

/**
 * Generates a CA into `dir` unless one is there (returns `created: false` then). Keys are written 0600, certificates
 * 0644, the directory 0700; files are created exclusively, so a concurrent or half-finished run is never overwritten.
 */
export async function initIdentityDir(dir: string, options: CaOptions = {}): Promise<{ created: boolean; files: IssuerFiles }> {
  const paths = identityDirPaths(dir);
  const all = [paths.trustAnchorsFile, paths.trustAnchorKeyFile, paths.issuerCertFile, paths.issuerKeyFile];
  const present = await Promise.all(all.map((f) => access(f, constants.F_OK).then(() => true, () => false)));
  if (present.every(Boolean) || (present[0] && present[2] && present[3])) return { created: false, files: paths };
  if (present.some(Boolean))
    throw new IdentityCaError(`identity dir ${dir} is incomplete (has ${all.filter((_, i) => present[i]).map((f) => path.basename(f)).join(', ')}): remove it or supply the missing files`);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const ca = await generateCa(options);
  // Keys first: a crash after them leaves an incomplete dir, which the check above refuses to half-use.
  await writeFile(paths.trustAnchorKeyFile, ca.trustAnchorKeyPem, { mode: 0o600, flag: 'wx' });
  await writeFile(paths.issuerKeyFile, ca.issuerKeyPem, { mode: 0o600, flag: 'wx' });
  await writeFile(paths.issuerCertFile, ca.issuerPem, { mode: 0o644, flag: 'wx' });
  await writeFile(paths.trustAnchorsFile, ca.trustAnchorPem, { mode: 0o644, flag: 'wx' });
  // The umask may have narrowed the modes asked for; certificates are public.
  await chmod(paths.issuerCertFile, 0o644);
  await chmod(paths.trustAnchorsFile, 0o644);
  return { created: true, files: paths };
}

/**
 * Reads and checks a user-supplied (or generated) CA: the issuer must be a CA signed by one of the anchors, its key
 * must match it, and it must be valid now. Warns (through `warn`) about a key file others can read.
 */
export async function loadIssuer(files: IssuerFiles, { now = new Date(), warn = (_m: string) => {} } = {}): Promise<Issuer> {
  const read = (file: string) =>
    readFile(file, 'utf8').catch((err: Error) => {
      throw new IdentityCaError(`cannot read ${file}: ${err.message}`);
    });
  const [anchorsPem, issuerPem, keyPem] = await Promise.all([read(files.trustAnchorsFile), read(files.issuerCertFile), read(files.issuerKeyFile)]);
  const mode = (await stat(files.issuerKeyFile)).mode & 0o777;
  if (mode & 0o077) warn(`issuer key ${files.issuerKeyFile} is readable by others (mode ${mode.toString(8)}); chmod 600 it`);

  let anchors: x509.X509Certificate[];
  let cert: x509.X509Certificate;
  try {
    anchors = parseCertificates(anchorsPem);
    [cert] = parseCertificates(issuerPem) as [x509.X509Certificate];
  } catch (err) {
    throw new IdentityCaError(`cannot parse the CA certificates: ${(err as Error).message}`);
  }
  if (anchors.length === 0) throw new IdentityCaError(`${files.trustAnchorsFile} holds no PEM certificate`);
  if (!cert) throw new IdentityCaError(`${files.issuerCertFile} holds no PEM certificate`);
  let key: CryptoKey;
  try {
    key = await importPrivateKeyPem(keyPem);
  } catch (err) {
    throw new IdentityCaError(`${files.issuerKeyFile} is not an ECDSA P-256 PKCS#8 private key: ${(err as Error).message}`);
  }
  if (!cert.getExtension(x509.BasicConstraintsExtension)?.ca) throw new IdentityCaError(`${files.issuerCertFile} is not a CA certificate`);
  if (now < cert.notBefore || now > cert.notAfter)
    throw new IdentityCaError(`the issuer certificate is not valid now (${cert.notBefore.toISOString()} – ${cert.notAfter.toISOString()})`);
  let signed = false;
  for (const anchor of anchors) if (await cert.verify({ publicKey: anchor, signatureOnly: true }).catch(() => false)) signed = true;
  if (!signed) throw new IdentityCaError(`${files.issuerCertFile} is not signed by any trust anchor in ${files.trustAnchorsFile}`);
  if (!(await keyMatches(key, cert))) throw new IdentityCaError(`${files.issuerKeyFile} is not the key of ${files.issuerCertFile}`);
  return { trustAnchors: anchors, trustAnchorsPem: anchorsPem, cert, certPem: cert.toString('pem') + '\n', key };
}

/** Signs a probe with `key` and verifies it with the certificate's public key. */
async function keyMatches(key: CryptoKey, cert: x509.X509Certificate): Promise<boolean> {
  const probe = new TextEncoder().encode('signalbox issuer key check');
  const signature = await webcrypto.subtle.sign(ecdsaSha256, key, probe);
  const publicKey = (await cert.publicKey.export(ecdsaP256, ['verify'])) as unknown as CryptoKey;
  return webcrypto.subtle.verify(ecdsaSha256, publicKey, signature, probe);
}

export interface LeafRequest {
  readonly identity: string;
  readonly publicKey: CryptoKey;
  readonly now?: Date;
  readonly lifetimeMs?: number;
}

/**
 * A leaf for `identity`: SAN DNS = the identity, EKU serverAuth + clientAuth (every proxy is both), backdated by the
 * clock skew allowance and never outliving the issuer (as Linkerd's issuer caps it).
 */
export async function issueLeaf(issuer: Issuer, { identity, publicKey, now = new Date(), lifetimeMs = defaultCertLifetimeMs }: LeafRequest): Promise<x509.X509Certificate> {
  const notAfter = new Date(Math.min(now.getTime() + lifetimeMs, issuer.cert.notAfter.getTime()));
  return x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: `CN=${identity}`,
    issuer: issuer.cert.subject,
    notBefore: new Date(now.getTime() - clockSkewAllowanceMs),
    notAfter,
    signingAlgorithm: ecdsaSha256,
    publicKey,
    signingKey: issuer.key,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
      new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: identity }]),
      await x509.AuthorityKeyIdentifierExtension.create(issuer.cert),
    ],
  });
}
