// The proxy's side of certify: one POST to the control plane's identity service, the answer parsed with the shared
// schema; every failure is a CertifyError with a stable code (the refusal's, or unavailable / bad-response).
import {
  certifyPath,
  certifyResponseSchema,
  identityErrorSchema,
  trustAnchorsPath,
  type CertifyRequest,
  type CertifyResponse,
  type IdentityErrorCode,
} from '@signalbox/shared';
import { controlPlaneRequest, failureCause, readText, type ControlPlaneRequest } from '../control-plane-http.js';

export type CertifyErrorCode = IdentityErrorCode | 'SB_IDENTITY_UNAVAILABLE' | 'SB_IDENTITY_BAD_RESPONSE';

export class CertifyError extends Error {
  constructor(
    readonly code: CertifyErrorCode,
    message: string,
    /** HTTP status, when the service answered. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'CertifyError';
  }
}

export interface CertifyClient {
  certify(request: CertifyRequest): Promise<CertifyResponse>;
  /** The trust anchor bundle (PEM), for a proxy started without one. */
  trustAnchors(): Promise<string>;
}

export interface CertifyClientOptions {
  /** The control plane's base URL, e.g. `http://127.0.0.1:8085`. */
  readonly url: string;
  readonly timeoutMs?: number;
}

export function createCertifyClient({ url, timeoutMs = 10_000 }: CertifyClientOptions): CertifyClient {
  const call = async (path: string, init: ControlPlaneRequest): Promise<{ status: number; text: string }> => {
    try {
      const res = await controlPlaneRequest(new URL(path, url), { ...init, signal: AbortSignal.timeout(timeoutMs) });
      return { status: res.statusCode, text: await readText(res) };
    } catch (err) {
      throw new CertifyError('SB_IDENTITY_UNAVAILABLE', `identity service at ${url} unreachable: ${failureCause(err)}`);
    }
  };
  return {
    async certify(request) {
      const { status, text } = await call(certifyPath, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) });
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw new CertifyError(status >= 500 ? 'SB_IDENTITY_UNAVAILABLE' : 'SB_IDENTITY_BAD_RESPONSE', `identity service answered ${status} without JSON`, status);
      }
      if (status === 200) {
        const parsed = certifyResponseSchema.safeParse(json);
        if (!parsed.success) throw new CertifyError('SB_IDENTITY_BAD_RESPONSE', 'identity service answered an unexpected shape', status);
        return parsed.data;
      }
      const refusal = identityErrorSchema.safeParse(json);
      if (refusal.success) throw new CertifyError(refusal.data.error.code, refusal.data.error.message, status);
      throw new CertifyError(status >= 500 ? 'SB_IDENTITY_UNAVAILABLE' : 'SB_IDENTITY_BAD_RESPONSE', `identity service answered ${status}`, status);
    },
    async trustAnchors() {
      const { status, text } = await call(trustAnchorsPath, { method: 'GET' });
      if (status !== 200) throw new CertifyError(status >= 500 ? 'SB_IDENTITY_UNAVAILABLE' : 'SB_IDENTITY_DISABLED', `trust anchors: identity service answered ${status}`, status);
      return text;
    },
  };
}
