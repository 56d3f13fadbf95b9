// The proxy's key and PKCS#10 certificate signing request (RFC 2986): a P-256 key, subject CN = identity, and an
// extension request for the identity as the one DNS SAN, signed ECDSA with SHA-256. Encoded here in DER with
// node:crypto alone: the CSR is the only X.509 object the proxy builds, and @peculiar/x509 (with its reflect
// polyfill and DI container) cost ~3 MB of heap and ~10 MB of RSS in every proxy with an identity.
import type { KeyObject } from 'node:crypto';

export interface KeyAndCsr {
  /** PKCS#8 PEM; lives in this process only. */
  readonly keyPem: string;
  readonly csrPem: string;
  readonly publicKey: KeyObject;
}

const oids = {
  commonName: '2.5.4.3',
  extensionRequest: '1.2.840.113549.1.9.14',
  subjectAltName: '2.5.29.17',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
};

export function createKeyAndCsr(identity: string): KeyAndCsr {
  // Not imported: apps/proxy/bundle.mjs says why.
  const { generateKeyPairSync, sign } = process.getBuiltinModule('node:crypto');
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const dnsName = tlv(0x82, Buffer.from(identity, 'ascii')); // GeneralName dNSName: [2] IMPLICIT IA5String
  const extensions = sequence(sequence(oid(oids.subjectAltName), tlv(0x04, sequence(dnsName))));
  const info = sequence(
    tlv(0x02, Buffer.from([0])), // version 1 (0)
    sequence(tlv(0x31, sequence(oid(oids.commonName), tlv(0x0c, Buffer.from(identity, 'utf8'))))), // subject
    publicKey.export({ type: 'spki', format: 'der' }),
    tlv(0xa0, sequence(oid(oids.extensionRequest), tlv(0x31, extensions))), // attributes: [0] IMPLICIT SET OF
  );
  const signature = sign('sha256', info, { key: privateKey, dsaEncoding: 'der' });
  const csr = sequence(info, sequence(oid(oids.ecdsaWithSha256)), tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  return {
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    csrPem: pem('CERTIFICATE REQUEST', csr),
    publicKey,
  };
}

/** One DER tag-length-value (definite lengths, long form past 127 bytes). */
function tlv(tag: number, value: Buffer): Buffer {
  const n = value.length;
  const length: number[] = [];
  if (n < 0x80) length.push(n);
  else {
    for (let rest = n; rest > 0; rest >>>= 8) length.unshift(rest & 0xff);
    length.unshift(0x80 | length.length);
  }
  return Buffer.concat([Buffer.from([tag, ...length]), value]);
}

function sequence(...items: Buffer[]): Buffer {
  return tlv(0x30, Buffer.concat(items));
}

function oid(dotted: string): Buffer {
  const [first = 0, second = 0, ...rest] = dotted.split('.').map(Number);
  const bytes = [40 * first + second];
  for (const arc of rest) {
    const base128 = [arc & 0x7f];
    for (let v = arc >>> 7; v > 0; v >>>= 7) base128.unshift((v & 0x7f) | 0x80);
    bytes.push(...base128);
  }
  return tlv(0x06, Buffer.from(bytes));
}

function pem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
