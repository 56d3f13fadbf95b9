// Assembles the identity service from config: load (or first generate) the CA, the registry's token validator and
// the rate limiter, behind the certify endpoint. main.ts calls this once at start-up.
import type { Registry } from '@signalbox/shared';
import type { IdentityConfig } from '../config.js';
import { identityDirPaths, initIdentityDir, loadIssuer, type Issuer } from './ca.js';
import { defaultCertifyLimits, createRateLimiter, type RateLimiterOptions } from './rate-limit.js';
import { createIdentityEndpoint, type IdentityEndpoint, type IdentityEndpointOptions } from './server.js';
import { createStaticTokenValidator, type TokenValidator } from './validator.js';

export interface IdentityService {
  readonly issuer: Issuer;
  readonly endpoint: IdentityEndpoint;
  readonly trustDomain: string;
}

export interface IdentityServiceOptions {
  readonly config: IdentityConfig;
  readonly registry: () => Registry;
  readonly log: (message: string) => void;
  readonly onResult?: IdentityEndpointOptions['onResult'];
  readonly limits?: Pick<RateLimiterOptions, 'perClient' | 'global'>;
  readonly now?: () => Date;
  /** How tokens are checked; default: the registry's per-pod tokens (Kubernetes passes a TokenReview validator). */
  readonly validator?: TokenValidator;
}

export async function createIdentityService({ config, registry, log, onResult, limits = defaultCertifyLimits, now, validator }: IdentityServiceOptions): Promise<IdentityService> {
  let files;
  if ('dir' in config.ca) {
    const init = await initIdentityDir(config.ca.dir, { trustDomain: config.trustDomain });
    if (init.created) log(`identity: generated a trust anchor and issuer in ${config.ca.dir}`);
    files = identityDirPaths(config.ca.dir);
  } else files = config.ca;
  const issuer = await loadIssuer(files, { warn: (m) => log(`identity: warning: ${m}`) });
  log(`identity: issuer ${issuer.cert.subject} valid until ${issuer.cert.notAfter.toISOString()}, trust domain ${config.trustDomain}`);
  const endpoint = createIdentityEndpoint({
    issuer,
    validator: validator ?? createStaticTokenValidator({ registry, trustDomain: config.trustDomain, warn: (m) => log(`identity: ${m}`) }),
    limiter: createRateLimiter(limits),
    lifetimeMs: config.certLifetimeMs,
    log,
    ...(onResult ? { onResult } : {}),
    ...(now ? { now } : {}),
  });
  return { issuer, endpoint, trustDomain: config.trustDomain };
}
