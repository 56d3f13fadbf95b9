// Checks a proxy's PKCS#10 CSR before the issuer signs it: a valid self-signature (the caller holds the key), an
// ECDSA P-256 key, and a requested name that is exactly the identity the caller claims (and proved with a token).
import { ecdsaP256, x509, type CryptoKey } from './x509.js';

export type CsrCheck =
  | { readonly ok: true; readonly publicKey: CryptoKey }
  | { readonly ok: false; readonly reason: 'malformed' | 'bad-signature' | 'bad-key' | 'name-mismatch'; readonly message: string };

const SAN_OID = '2.5.29.17';

export async function checkCsr(pem: string, identity: string): Promise<CsrCheck> {
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(pem);
  } catch (err) {
    return { ok: false, reason: 'malformed', message: `the CSR cannot be parsed: ${(err as Error).message}` };
  }
  const algorithm = csr.publicKey.algorithm as { name?: string; namedCurve?: string };
  if (algorithm.name !== 'ECDSA' || algorithm.namedCurve !== 'P-256')
    return { ok: false, reason: 'bad-key', message: `the CSR key must be ECDSA P-256, not ${algorithm.name ?? '?'}${algorithm.namedCurve ? ` ${algorithm.namedCurve}` : ''}` };
  const verified = await csr.verify().catch(() => false);
  if (!verified) return { ok: false, reason: 'bad-signature', message: 'the CSR signature does not verify with its own key' };

  const names = requestedNames(csr);
  if (names === null) return { ok: false, reason: 'malformed', message: 'the CSR subjectAltName extension cannot be parsed' };
  const wrong = names.filter((n) => n !== identity);
  if (names.length === 0) return { ok: false, reason: 'name-mismatch', message: `the CSR names no identity; it must request ${identity}` };
  if (wrong.length > 0) return { ok: false, reason: 'name-mismatch', message: `the CSR requests ${wrong.join(', ')}, not the claimed identity ${identity}` };

  let publicKey: CryptoKey;
  try {
    publicKey = (await csr.publicKey.export(ecdsaP256, ['verify'])) as unknown as CryptoKey;
  } catch (err) {
    return { ok: false, reason: 'bad-key', message: `the CSR key cannot be imported: ${(err as Error).message}` };
  }
  return { ok: true, publicKey };
}

/**
 * Every name the CSR asks for: each SAN entry (any type: an IP or URI SAN is a mismatch too) and the subject's CNs.
 * Null when the SAN extension is present but unreadable. Other subject fields are ignored: the leaf's subject is
 * built from the identity alone, never copied from the CSR.
 */
function requestedNames(csr: x509.Pkcs10CertificateRequest): string[] | null {
  const names: string[] = [];
  for (const ext of csr.extensions.filter((e) => e.type === SAN_OID)) {
    try {
      const san = new x509.SubjectAlternativeNameExtension(ext.rawData);
      names.push(...san.names.items.map((n) => (n.type === 'dns' ? n.value : `${n.type}:${n.value}`)));
    } catch {
      return null;
    }
  }
  for (const cn of csr.subjectName.getField('CN')) names.push(cn);
  return names;
}
