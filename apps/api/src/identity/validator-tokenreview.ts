// Proof of identity on Kubernetes: the proxy presents its pod's projected ServiceAccount token; the API server
// says whose it is (a TokenReview), and it must be the ServiceAccount and namespace of the identity asked for.
// Linkerd's controller/identity/validator.go does the same with audience `identity.l5d.io`.
import { AuthenticationV1Api, type KubeConfig, type V1TokenReview } from '@kubernetes/client-node';
import { defaultTrustDomain, parseIdentityName } from '@signalbox/shared';
import type { TokenValidation, TokenValidator } from './validator.js';

/** The audience `signalbox inject` binds the projected token to (its volume's `audience`). */
export const identityTokenAudience = 'identity.signalbox.io';

export interface TokenReviewValidatorOptions {
  readonly kc: KubeConfig;
  readonly trustDomain?: string;
  readonly audience?: string;
}

/** The API server could not answer (unreachable, RBAC): not the caller's fault, so not a 401/403. */
export class TokenReviewError extends Error {
  readonly code = 'SB_IDENTITY_TOKEN_REVIEW';
  constructor(message: string) {
    super(message);
    this.name = 'TokenReviewError';
  }
}

/**
 * The audiences a token claims, read without verifying it (the API server verifies): only to choose the review.
 * A token bound to our audience is reviewed with it (and the answer must confirm it); any other token (a legacy
 * ServiceAccount token, no audience of ours) is reviewed with none, the API server's default, as Linkerd falls back.
 */
export function tokenAudiences(token: string): string[] {
  const payload = token.split('.')[1];
  if (!payload) return [];
  try {
    const aud = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { aud?: unknown }).aud;
    return typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud.filter((a): a is string => typeof a === 'string') : [];
  } catch {
    return [];
  }
}

const SA_USER = /^system:serviceaccount:([^:]+):([^:]+)$/;

export function createTokenReviewValidator({ kc, trustDomain = defaultTrustDomain, audience = identityTokenAudience }: TokenReviewValidatorOptions): TokenValidator {
  const api = kc.makeApiClient(AuthenticationV1Api);
  return {
    async validate(identity, token) {
      const wanted = parseIdentityName(identity);
      if (!wanted || wanted.trustDomain !== trustDomain)
        return { ok: false, reason: 'wrong-identity', message: `${identity} is not an identity of trust domain ${trustDomain}` };
      const bound = tokenAudiences(token).includes(audience);
      let review: V1TokenReview;
      try {
        review = await api.createTokenReview({
          body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token, ...(bound ? { audiences: [audience] } : {}) } },
        });
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        throw new TokenReviewError(`TokenReview failed${typeof code === 'number' ? ` (${code})` : ''}: ${((err as Error).message ?? String(err)).split('\n')[0]}`);
      }
      return judge(review, identity, wanted, bound ? audience : undefined);
    },
  };
}

function judge(review: V1TokenReview, identity: string, wanted: { serviceAccount: string; namespace: string }, audience: string | undefined): TokenValidation {
  const status = review.status;
  if (!status?.authenticated)
    return { ok: false, reason: 'unknown-token', message: `the API server did not authenticate the token${status?.error ? `: ${status.error}` : ''}` };
  // An audience-unaware authenticator answers without status.audiences; one that is aware must name ours.
  if (audience !== undefined && status.audiences !== undefined && status.audiences.length > 0 && !status.audiences.includes(audience))
    return { ok: false, reason: 'unknown-token', message: `the token is not valid for audience ${audience}` };
  const m = SA_USER.exec(status.user?.username ?? '');
  if (!m) return { ok: false, reason: 'wrong-identity', message: `the token belongs to ${status.user?.username ?? 'nobody'}, not a ServiceAccount` };
  const [, namespace, serviceAccount] = m as unknown as [string, string, string];
  if (namespace !== wanted.namespace || serviceAccount !== wanted.serviceAccount)
    return { ok: false, reason: 'wrong-identity', message: `the token is ServiceAccount ${namespace}/${serviceAccount}'s; it does not prove ${identity}` };
  return { ok: true };
}
