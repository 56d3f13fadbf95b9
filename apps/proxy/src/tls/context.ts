// TLS parameters shared by both ends of a mesh connection: TLS 1.3 only, contexts built from the cert manager's
// current material (cached per material, so rotation makes a new one and connections keep theirs), and the peer
// identity read from a certificate's DNS SAN.
import type tls from 'node:tls';

/** What `tls.createSecureContext` needs; the cert manager's `CertMaterial` has this shape. */
export interface TlsMaterial {
  readonly identity: string;
  readonly keyPem: string;
  readonly leafPem: string;
  readonly chainPem: readonly string[];
  readonly trustAnchorsPem: string;
}

export const meshTlsVersion = 'TLSv1.3' as const;

const contexts = new WeakMap<TlsMaterial, tls.SecureContext>();

export function secureContextFor(material: TlsMaterial): tls.SecureContext {
  let context = contexts.get(material);
  if (!context) {
    // node:tls only now, with identity on: endpoints import this module whether or not the proxy has an identity.
    context = process.getBuiltinModule('node:tls').createSecureContext({
      key: material.keyPem,
      cert: [material.leafPem, ...material.chainPem].join(''),
      ca: material.trustAnchorsPem,
      minVersion: meshTlsVersion,
      maxVersion: meshTlsVersion,
    });
    contexts.set(material, context);
  }
  return context;
}

/** The identities a peer certificate names: its DNS SANs (our leaves carry exactly one). */
export function dnsNames(cert: tls.PeerCertificate | undefined): string[] {
  const san = cert?.subjectaltname;
  if (!san) return [];
  return san
    .split(', ')
    .filter((entry) => entry.startsWith('DNS:'))
    .map((entry) => entry.slice(4));
}

export class MeshTlsError extends Error {
  constructor(
    readonly code: 'SB_TLS_HANDSHAKE' | 'SB_TLS_UNAUTHORIZED' | 'SB_TLS_IDENTITY_MISMATCH' | 'SB_TLS_TIMEOUT' | 'SB_TLS_NO_IDENTITY',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'MeshTlsError';
  }
}
