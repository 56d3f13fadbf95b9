// Linkerd's identity metrics on the proxy's registry: when the current certificate expires, and how many times it
// was renewed (linkerd/app/identity: `identity_cert_expiration_timestamp_seconds`, `identity_cert_refresh_count`).
import { Counter, Gauge, type Registry } from '../telemetry/prom.js';
import { metricNames } from '@signalbox/shared';

export interface IdentityMetrics {
  /** A new certificate is in use. */
  refreshed(notAfter: Date): void;
}

export function createIdentityMetrics(registry: Registry): IdentityMetrics {
  const expiration = new Gauge({
    name: metricNames.identityCertExpirationTimestampSeconds,
    help: 'Time when this proxy’s current mTLS identity certificate will expire (in seconds since the UNIX epoch)',
    registers: [registry],
  });
  const refreshCount = new Counter({
    name: metricNames.identityCertRefreshCount,
    help: 'The total number of times this proxy’s mTLS identity certificate has been refreshed by the Identity provider.',
    registers: [registry],
  });
  return {
    refreshed(notAfter) {
      expiration.set(notAfter.getTime() / 1000);
      refreshCount.inc();
    },
  };
}
