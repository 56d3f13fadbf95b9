// The identity service's HTTP endpoints on the api server: `POST /v1/identity/certify` (token + CSR → leaf + chain,
// Linkerd's Identity.Certify) and `GET /v1/identity/trust-anchors` (the PEM bundle proxies verify peers with).
import type http from 'node:http';
import {
  certifyPath,
  certifyRequestSchema,
  defaultCertLifetimeMs,
  identityErrorCodes,
  identityErrorStatus,
  trustAnchorsPath,
  type CertifyResponse,
  type IdentityErrorCode,
} from '@signalbox/shared';
import { issueLeaf, type Issuer } from './ca.js';
import { checkCsr } from './csr.js';
import type { RateLimiter } from './rate-limit.js';
import type { TokenValidator } from './validator.js';

export interface IdentityEndpointOptions {
  readonly issuer: Issuer;
  readonly validator: TokenValidator;
  readonly limiter: RateLimiter;
  readonly lifetimeMs?: number;
  readonly now?: () => Date;
  /** Issued certificates and refusals, one line each; never a token. */
  readonly log?: (message: string) => void;
  /** `issued` or the refusal's code, for a counter. */
  readonly onResult?: (result: 'issued' | IdentityErrorCode) => void;
}

export interface IdentityEndpoint {
  /** Answers requests under `/v1/identity/`; false for any other path (the caller answers those). */
  handle(req: http.IncomingMessage, res: http.ServerResponse, pathname: string): boolean;
}

const MAX_BODY = 64 * 1024;

class Refusal extends Error {
  constructor(
    readonly code: IdentityErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function createIdentityEndpoint({ issuer, validator, limiter, lifetimeMs = defaultCertLifetimeMs, now = () => new Date(), log = () => {}, onResult = () => {} }: IdentityEndpointOptions): IdentityEndpoint {
  async function certify(req: http.IncomingMessage, client: string): Promise<CertifyResponse> {
    const decision = limiter.take(client);
    if (!decision.allowed)
      throw Object.assign(new Refusal(identityErrorCodes.rateLimited, `too many certify requests (${decision.scope} limit); retry in ${Math.ceil(decision.retryAfterMs / 1000)} s`), {
        retryAfterMs: decision.retryAfterMs,
      });
    const text = await readBody(req);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new Refusal(identityErrorCodes.badRequest, 'the body is not JSON');
    }
    const parsed = certifyRequestSchema.safeParse(json);
    if (!parsed.success)
      // Issue paths and messages only: zod never echoes input values here, so the token cannot leak into the answer.
      throw new Refusal(identityErrorCodes.badRequest, parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; '));
    const { identity, token, csr } = parsed.data;

    const proof = await validator.validate(identity, token);
    if (!proof.ok) throw new Refusal(proof.reason === 'unknown-token' ? identityErrorCodes.unauthenticated : identityErrorCodes.nameMismatch, proof.message);

    const checked = await checkCsr(csr, identity);
    if (!checked.ok) throw new Refusal(checked.reason === 'name-mismatch' ? identityErrorCodes.nameMismatch : identityErrorCodes.badCsr, checked.message);

    const leaf = await issueLeaf(issuer, { identity, publicKey: checked.publicKey, now: now(), lifetimeMs });
    log(`certify: issued ${identity} to ${client}, serial ${leaf.serialNumber}, valid until ${leaf.notAfter.toISOString()}`);
    return {
      leafCertificate: leaf.toString('pem') + '\n',
      intermediateCertificates: [issuer.certPem],
      trustAnchors: issuer.trustAnchorsPem,
      validUntil: leaf.notAfter.toISOString(),
    };
  }

  return {
    handle(req, res, pathname) {
      if (pathname === trustAnchorsPath) {
        if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, identityErrorCodes.badRequest, 'use GET'), true;
        res.writeHead(200, { 'content-type': 'application/x-pem-file', 'cache-control': 'no-cache' }).end(req.method === 'HEAD' ? undefined : issuer.trustAnchorsPem);
        return true;
      }
      if (pathname !== certifyPath) return false;
      const client = req.socket.remoteAddress ?? 'unknown';
      if (req.method !== 'POST') {
        sendError(res, identityErrorCodes.badRequest, 'use POST with a JSON certify request');
        return true;
      }
      certify(req, client).then(
        (body) => {
          onResult('issued');
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        },
        (err: unknown) => {
          if (!(err instanceof Refusal)) {
            log(`certify: internal error for ${client}: ${(err as Error).message}`);
            res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: identityErrorCodes.badRequest, message: 'internal error' } }));
            return;
          }
          onResult(err.code);
          // A storm would flood the log with one line per request; the counter carries those.
          if (err.code !== identityErrorCodes.rateLimited) log(`certify: refused ${client} (${err.code}): ${err.message}`);
          const retryAfterMs = (err as Refusal & { retryAfterMs?: number }).retryAfterMs;
          if (retryAfterMs !== undefined) res.setHeader('retry-after', String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
          sendError(res, err.code, err.message);
          // An unread body (refused before reading it) would otherwise be parsed as the next request.
          if (!req.complete) res.once('finish', () => req.socket.destroySoon());
        },
      );
      return true;
    },
  };
}

function sendError(res: http.ServerResponse, code: IdentityErrorCode, message: string): void {
  res.writeHead(identityErrorStatus[code], { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code, message } }));
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Refusal(identityErrorCodes.badRequest, `the body exceeds ${MAX_BODY} bytes`));
        req.pause();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
