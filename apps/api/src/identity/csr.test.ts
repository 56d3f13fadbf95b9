// CSR checks: what the issuer signs only after the key, the signature and the requested name pass.
import { webcrypto } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkCsr } from './csr.js';
import { generateKeyPair, x509 } from './x509.js';

const identity = 'books.demo.serviceaccount.identity.signalbox.cluster.local';

async function csrPem({
  name = `CN=${identity}`,
  sans = [identity],
  keys,
  algorithm = { name: 'ECDSA', hash: 'SHA-256' } as Algorithm,
}: { name?: string; sans?: string[]; keys?: webcrypto.CryptoKeyPair; algorithm?: Algorithm } = {}): Promise<string> {
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name,
    keys: (keys ?? (await generateKeyPair())) as never,
    signingAlgorithm: algorithm,
    extensions: sans.length > 0 ? [new x509.SubjectAlternativeNameExtension(sans.map((value) => ({ type: 'dns' as const, value })))] : [],
  });
  return csr.toString('pem');
}

type Algorithm = { name: string; hash?: string };

describe('checkCsr', () => {
  it('accepts an ECDSA P-256 CSR for the claimed identity (SAN and CN)', async () => {
    const result = await checkCsr(await csrPem(), identity);
    expect(result.ok).toBe(true);
  });

  it('accepts a SAN-only CSR', async () => {
    expect((await checkCsr(await csrPem({ name: '' }), identity)).ok).toBe(true);
  });

  it.each<[string, Parameters<typeof csrPem>[0]]>([
    ['a SAN for another identity', { sans: ['web.demo.serviceaccount.identity.signalbox.cluster.local'] }],
    ['an extra SAN', { sans: [identity, 'evil.example.com'] }],
    ['a CN for another identity', { name: 'CN=web.demo.serviceaccount.identity.signalbox.cluster.local' }],
    ['no name at all', { name: '', sans: [] }],
  ])('refuses %s as a name mismatch', async (_what, options) => {
    const result = await checkCsr(await csrPem(options), identity);
    expect(result).toMatchObject({ ok: false, reason: 'name-mismatch' });
  });

  it('refuses an ECDSA P-384 key', async () => {
    const keys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-384' }, true, ['sign', 'verify']);
    const result = await checkCsr(await csrPem({ keys, algorithm: { name: 'ECDSA', hash: 'SHA-384' } }), identity);
    expect(result).toMatchObject({ ok: false, reason: 'bad-key' });
    expect(!result.ok && result.message).toMatch(/P-256/);
  });

  it('refuses an RSA key', async () => {
    const keys = await webcrypto.subtle.generateKey(
      { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
      true,
      ['sign', 'verify'],
    );
    const result = await checkCsr(await csrPem({ keys, algorithm: { name: 'RSASSA-PKCS1-v1_5' } }), identity);
    expect(result).toMatchObject({ ok: false, reason: 'bad-key' });
  });

  it('refuses a CSR whose signature does not verify (signed by another key)', async () => {
    // The request body of one key, the signature of another: exactly what a caller without the key could send.
    const good = new x509.Pkcs10CertificateRequest(await csrPem());
    const other = new x509.Pkcs10CertificateRequest(await csrPem());
    const der = new Uint8Array(good.rawData);
    const sig = new Uint8Array(good.signature);
    const otherSig = new Uint8Array(other.signature);
    const at = Buffer.from(der).lastIndexOf(Buffer.from(sig));
    expect(at).toBeGreaterThan(0);
    // Same-length signatures keep the DER valid; otherwise flip a byte inside the signature instead.
    if (otherSig.length === sig.length) der.set(otherSig, at);
    else der[at + sig.length - 1] = (der[at + sig.length - 1] as number) ^ 0x01;
    const result = await checkCsr(x509.PemConverter.encode(der, 'CERTIFICATE REQUEST'), identity);
    expect(result).toMatchObject({ ok: false, reason: 'bad-signature' });
  });

  it.each([
    ['garbage', 'not a csr'],
    ['a truncated CSR', '-----BEGIN CERTIFICATE REQUEST-----\nMIIBAAAA\n-----END CERTIFICATE REQUEST-----\n'],
  ])('refuses %s as malformed', async (_what, pem) => {
    expect(await checkCsr(pem, identity)).toMatchObject({ ok: false, reason: 'malformed' });
  });
});
