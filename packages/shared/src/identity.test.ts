// Identity names (Linkerd's shape) and the certify wire schemas.
import { describe, expect, it } from 'vitest';
import { endpointSchema } from './discovery.js';
import { registryPodSchema } from './registry.js';
import { certifyRequestSchema, certifyResponseSchema, describeTokenRef, identityName, parseIdentityName } from './identity.js';

describe('identityName', () => {
  it.each([
    [{ serviceAccount: 'books', namespace: 'demo' }, 'books.demo.serviceaccount.identity.signalbox.cluster.local'],
    [{ serviceAccount: 'default', namespace: 'emojivoto' }, 'default.emojivoto.serviceaccount.identity.signalbox.cluster.local'],
    [{ serviceAccount: 'web', namespace: 'prod', trustDomain: 'example.org' }, 'web.prod.serviceaccount.identity.signalbox.example.org'],
  ])('%j → %s', (parts, name) => {
    expect(identityName(parts)).toBe(name);
    expect(parseIdentityName(name)).toEqual({ trustDomain: 'cluster.local', ...parts });
  });
});

describe('parseIdentityName', () => {
  it.each([
    ['empty', ''],
    ['a plain host', 'books.demo.svc.cluster.local'],
    ["Linkerd's control plane segment", 'books.demo.serviceaccount.identity.linkerd.cluster.local'],
    ['missing namespace', 'books.serviceaccount.identity.signalbox.cluster.local'],
    ['extra label before the infix', 'x.books.demo.serviceaccount.identity.signalbox.cluster.local'],
    ['upper case', 'Books.demo.serviceaccount.identity.signalbox.cluster.local'],
    ['no trust domain', 'books.demo.serviceaccount.identity.signalbox.'],
    ['bad trust domain label', 'books.demo.serviceaccount.identity.signalbox.-bad.local'],
    ['empty service account', '.demo.serviceaccount.identity.signalbox.cluster.local'],
    ['wildcard', '*.demo.serviceaccount.identity.signalbox.cluster.local'],
    ['too long', `${'a'.repeat(63)}.${'b'.repeat(63)}.serviceaccount.identity.signalbox.${'c'.repeat(63)}.${'d'.repeat(63)}`],
  ])('%s → null', (_what, name) => {
    expect(parseIdentityName(name)).toBeNull();
  });
});

describe('certify schemas', () => {
  const csr = '-----BEGIN CERTIFICATE REQUEST-----\nMIIBAAAA\n-----END CERTIFICATE REQUEST-----\n';
  const cert = '-----BEGIN CERTIFICATE-----\nMIIBAAAA\n-----END CERTIFICATE-----\n';
  const identity = 'books.demo.serviceaccount.identity.signalbox.cluster.local';

  it('accepts a well-formed request', () => {
    expect(certifyRequestSchema.safeParse({ v: 1, identity, token: 't', csr }).success).toBe(true);
  });

  it.each([
    ['another version', { v: 2, identity, token: 't', csr }],
    ['a name that is no identity', { v: 1, identity: 'books.demo', token: 't', csr }],
    ['an empty token', { v: 1, identity, token: '', csr }],
    ['a certificate instead of a CSR', { v: 1, identity, token: 't', csr: cert }],
    ['two CSRs', { v: 1, identity, token: 't', csr: csr + csr }],
    ['an extra field', { v: 1, identity, token: 't', csr, admin: true }],
  ])('refuses %s', (_what, body) => {
    expect(certifyRequestSchema.safeParse(body).success).toBe(false);
  });

  it('accepts a response with a chain and anchors', () => {
    const parsed = certifyResponseSchema.safeParse({
      leafCertificate: cert,
      intermediateCertificates: [cert],
      trustAnchors: cert + cert,
      validUntil: '2030-01-01T00:00:00.000Z',
    });
    expect(parsed.success).toBe(true);
  });
});

describe('registry and discovery additions', () => {
  const pod = { name: 'books-0', deployment: 'books', app: '127.0.0.1:7000' };

  it.each([
    [{ env: 'BOOKS_TOKEN' }, 'env BOOKS_TOKEN'],
    [{ file: '/run/tokens/books-0' }, 'file /run/tokens/books-0'],
    [{ value: 'a-token-of-16-chars!' }, 'inline value'],
  ])('identityToken %j is accepted and described without its value', (identityToken, described) => {
    const parsed = registryPodSchema.parse({ ...pod, identityToken });
    expect(parsed.identityToken).toEqual(identityToken);
    expect(describeTokenRef(identityToken)).toBe(described);
  });

  it.each([
    [{ env: '1BAD' }],
    [{ value: 'short' }],
    [{ env: 'A', file: '/x' }],
    [{ secret: 'x' }],
  ])('identityToken %j is refused', (identityToken) => {
    expect(registryPodSchema.safeParse({ ...pod, identityToken }).success).toBe(false);
  });

  it('endpoints may carry an identity, which must be an identity name', () => {
    const ep = { addr: '127.0.0.1:7101', meshed: true, labels: { namespace: 'demo', service: 'books', deployment: 'books', pod: 'books-0', serviceaccount: 'books' } };
    expect(endpointSchema.safeParse(ep).success).toBe(true);
    expect(endpointSchema.safeParse({ ...ep, identity: 'books.demo.serviceaccount.identity.signalbox.cluster.local' }).success).toBe(true);
    expect(endpointSchema.safeParse({ ...ep, identity: 'books.demo' }).success).toBe(false);
  });
});
