// The hand-built CSR read back by @peculiar/x509, as the control plane reads it (apps/api/src/identity/csr.ts).
import 'reflect-metadata';
import { createPublicKey, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { describe, expect, it } from 'vitest';
import { createKeyAndCsr } from './csr.js';

x509.cryptoProvider.set(webcrypto as never);

describe('createKeyAndCsr', () => {
  it.each(['web.demo.serviceaccount.identity.signalbox.cluster.local', `${'a'.repeat(200)}.serviceaccount.identity.signalbox.cluster.local`])(
    'makes a CSR for %s that verifies, names it as CN and the only DNS SAN, and carries the P-256 key',
    async (identity) => {
      const { keyPem, csrPem, publicKey } = createKeyAndCsr(identity);
      const csr = new x509.Pkcs10CertificateRequest(csrPem);
      expect(await csr.verify()).toBe(true);
      expect(csr.publicKey.algorithm).toMatchObject({ name: 'ECDSA', namedCurve: 'P-256' });
      expect(csr.subjectName.getField('CN')).toEqual([identity]);
      const sans = csr.extensions.filter((e) => e.type === '2.5.29.17').map((e) => new x509.SubjectAlternativeNameExtension(e.rawData));
      expect(sans.flatMap((s) => s.names.items.map((n) => [n.type, n.value]))).toEqual([['dns', identity]]);
      expect(Buffer.from(csr.publicKey.rawData).equals(publicKey.export({ type: 'spki', format: 'der' }))).toBe(true);
      expect(createPublicKey(keyPem).equals(publicKey)).toBe(true);
      expect(keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    },
  );
});
