// Inbound connection-level refusals, as Linkerd counts them: `inbound_tcp_authz_deny_total` (a port's policy
// refused the client: no mesh identity where one is required) and `inbound_tcp_errors_total{error}` (the
// connection failed before it could be served: an mTLS handshake refused or timed out, a bad transport header).
import { Counter, type Registry } from './prom.js';
import { labelNames as L, metricNames } from '@signalbox/shared';
import { endpointLabelNames, targetLabels, type MetricTarget } from './labels.js';

export interface PolicyMetrics {
  deny(target: MetricTarget): void;
  /** `error`: a stable code (`SB_TLS_UNAUTHORIZED`, `SB_TRANSPORT_HEADER`…). */
  error(target: MetricTarget, error: string): void;
}

export function createPolicyMetrics(registry: Registry): PolicyMetrics {
  const deny = new Counter({
    name: metricNames.inboundTcpAuthzDenyTotal,
    help: 'Total count of inbound connections refused by the port’s policy (identity required).',
    labelNames: endpointLabelNames,
    registers: [registry],
  });
  const errors = new Counter({
    name: metricNames.inboundTcpErrorsTotal,
    help: 'Total count of inbound connections that failed before being served (TLS handshake, transport header).',
    labelNames: [...endpointLabelNames, L.error],
    registers: [registry],
  });
  // Refusals are rare (and an attacker's), so labels are built per event rather than cached.
  return {
    deny: (target) => deny.inc(targetLabels(target)),
    error: (target, error) => errors.inc({ ...targetLabels(target), [L.error]: error }),
  };
}
