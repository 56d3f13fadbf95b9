// Identity: the names workloads prove (Linkerd's `<sa>.<ns>.serviceaccount.identity.<linkerd-ns>.<trust-domain>`),
// the certify protocol a proxy speaks to the control plane, and what a proxy's admin shows about its certificate.
import * as z from 'zod';
import { resourceNameSchema } from './resources.js';

// === Names ===

export const defaultTrustDomain = 'cluster.local';

/** Where the control plane lives in the name, as `linkerd` does in Linkerd's. */
const MESH = 'signalbox';
const INFIX = `.serviceaccount.identity.${MESH}.`;

const LABEL = /^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?$/;

/** A DNS name of lowercase labels: `cluster.local`, `example.org`. */
export const trustDomainSchema = z
  .string()
  .min(1)
  .max(180)
  .refine((s) => s.split('.').every((l) => LABEL.test(l)), 'must be lowercase DNS labels separated by dots');

export interface IdentityParts {
  readonly serviceAccount: string;
  readonly namespace: string;
  readonly trustDomain: string;
}

/** `books.demo.serviceaccount.identity.signalbox.cluster.local`: what a pod of serviceaccount `books` in `demo` proves. */
export function identityName({ serviceAccount, namespace, trustDomain = defaultTrustDomain }: Omit<IdentityParts, 'trustDomain'> & { trustDomain?: string }): string {
  return `${serviceAccount}.${namespace}${INFIX}${trustDomain}`;
}

/** The control plane's namespace in identity names (Linkerd's `linkerd`): its own workloads' identities live there. */
export const controlPlaneNamespace = 'signalbox';

/**
 * The identity of the control plane's tap service, the only client a proxy lets subscribe to tap when identity is
 * on (Linkerd's `LINKERD2_PROXY_TAP_SVC_NAME`): `tap.signalbox.serviceaccount.identity.signalbox.<trust-domain>`.
 */
export function tapServiceIdentity(trustDomain: string = defaultTrustDomain): string {
  return identityName({ serviceAccount: 'tap', namespace: controlPlaneNamespace, trustDomain });
}

/** The inverse of `identityName`; null for anything else (also names a DNS resolver would accept but we never issue). */
export function parseIdentityName(name: string): IdentityParts | null {
  if (name.length > 253) return null;
  const at = name.indexOf(INFIX);
  if (at < 0) return null;
  const head = name.slice(0, at).split('.');
  const trustDomain = name.slice(at + INFIX.length);
  if (head.length !== 2) return null;
  const [serviceAccount, namespace] = head as [string, string];
  if (!resourceNameSchema.safeParse(serviceAccount).success || !resourceNameSchema.safeParse(namespace).success) return null;
  if (!trustDomainSchema.safeParse(trustDomain).success) return null;
  return { serviceAccount, namespace, trustDomain };
}

export const identityNameSchema = z.string().refine((s) => parseIdentityName(s) !== null, 'not a Signalbox identity name');

// === Registry: where a pod's proof of identity comes from ===

/**
 * A pod's identity token, by reference: an environment variable or file (read by whoever needs the value: the
 * control plane to check it, the pod's proxy to present it) or, for tests and throwaway setups, the value itself.
 * Token values are never logged.
 */
export const identityTokenRefSchema = z.union([
  z.strictObject({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name') }),
  z.strictObject({ file: z.string().min(1) }),
  z.strictObject({ value: z.string().min(16, 'must be at least 16 characters') }),
]);
export type IdentityTokenRef = z.infer<typeof identityTokenRefSchema>;

/** How a reference reads in logs and errors: never the value. */
export function describeTokenRef(ref: IdentityTokenRef): string {
  if ('env' in ref) return `env ${ref.env}`;
  if ('file' in ref) return `file ${ref.file}`;
  return 'inline value';
}

// === Certify (proxy → control plane) ===

export const certifyPath = '/v1/identity/certify';
export const trustAnchorsPath = '/v1/identity/trust-anchors';

/** Leaf lifetime and clock skew allowance, as Linkerd's issuer defaults (`issuanceLifetime: 24h`, `clockSkewAllowance: 20s`). */
export const defaultCertLifetimeMs = 24 * 60 * 60 * 1000;
export const clockSkewAllowanceMs = 20_000;

const pemCsr = /^-----BEGIN CERTIFICATE REQUEST-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE REQUEST-----\r?\n?$/;
const pemCert = /^-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----\r?\n?$/;
const pemCertBundle = /^(?:-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----\r?\n?)+$/;

export const certifyRequestSchema = z.strictObject({
  v: z.literal(1),
  identity: identityNameSchema,
  token: z.string().min(1).max(8192),
  csr: z.string().max(16_384).regex(pemCsr, 'must be one PEM CERTIFICATE REQUEST'),
});
export type CertifyRequest = z.infer<typeof certifyRequestSchema>;

export const certificatePemSchema = z.string().max(16_384).regex(pemCert, 'must be one PEM CERTIFICATE');
export const certificateBundlePemSchema = z.string().max(65_536).regex(pemCertBundle, 'must be PEM CERTIFICATEs');

export const certifyResponseSchema = z.strictObject({
  leafCertificate: certificatePemSchema,
  /** Issuer first, up to (not including) the trust anchor. */
  intermediateCertificates: z.array(certificatePemSchema).max(8),
  /** The trust anchor bundle, for proxies not given one at start. */
  trustAnchors: certificateBundlePemSchema.optional(),
  validUntil: z.iso.datetime(),
});
export type CertifyResponse = z.infer<typeof certifyResponseSchema>;

/** Stable codes of certify refusals; the HTTP status is fixed per code. */
export const identityErrorCodes = {
  badRequest: 'SB_IDENTITY_BAD_REQUEST',
  badCsr: 'SB_IDENTITY_BAD_CSR',
  unauthenticated: 'SB_IDENTITY_UNAUTHENTICATED',
  nameMismatch: 'SB_IDENTITY_NAME_MISMATCH',
  rateLimited: 'SB_IDENTITY_RATE_LIMITED',
  disabled: 'SB_IDENTITY_DISABLED',
} as const;
export type IdentityErrorCode = (typeof identityErrorCodes)[keyof typeof identityErrorCodes];

export const identityErrorStatus: Record<IdentityErrorCode, number> = {
  SB_IDENTITY_BAD_REQUEST: 400,
  SB_IDENTITY_BAD_CSR: 400,
  SB_IDENTITY_UNAUTHENTICATED: 401,
  SB_IDENTITY_NAME_MISMATCH: 403,
  SB_IDENTITY_RATE_LIMITED: 429,
  SB_IDENTITY_DISABLED: 404,
};

export const identityErrorSchema = z.strictObject({
  error: z.strictObject({
    code: z.enum(Object.values(identityErrorCodes) as [IdentityErrorCode, ...IdentityErrorCode[]]),
    message: z.string(),
  }),
});
export type IdentityErrorBody = z.infer<typeof identityErrorSchema>;

// === Proxy admin `/identity` ===

export const proxyIdentityPath = '/identity';

/** What a proxy shows about its certificate: public material only, never the key. */
export const proxyIdentityStatusSchema = z.strictObject({
  identity: identityNameSchema,
  /** False until the first certificate arrived. */
  ready: z.boolean(),
  notAfter: z.iso.datetime().nullable(),
  /** Leaf first, then intermediates; empty before the first certificate. */
  chain: z.array(certificatePemSchema),
  refreshCount: z.number().int().min(0),
  lastError: z.string().nullable(),
});
export type ProxyIdentityStatus = z.infer<typeof proxyIdentityStatusSchema>;
