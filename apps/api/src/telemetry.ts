// The control plane's own metrics (`/metrics`), prefixed `signalbox_` since Linkerd has no equivalents.
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';

export interface Telemetry {
  readonly registry: Registry;
  readonly destinationStreams: Gauge;
  readonly registryReloads: Counter<'result'>;
  /** Certify answers by result: `issued` or the refusal's code (SB_IDENTITY_…). */
  readonly certify: Counter<'result'>;
}

export function createTelemetry(): Telemetry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registryReloads = new Counter({
    name: 'signalbox_registry_reloads_total',
    help: 'Registry file reloads after an edit, by result (a failure keeps the last good registry).',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  // Both series exist from the start, so rate() and alerts see a 0 rather than nothing.
  registryReloads.labels('success').inc(0);
  registryReloads.labels('failure').inc(0);
  return {
    registry,
    registryReloads,
    certify: new Counter({
      name: 'signalbox_identity_certify_total',
      help: 'Certify requests answered by the identity service, by result (issued, or the refusal code).',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    destinationStreams: new Gauge({
      name: 'signalbox_destination_streams',
      help: 'Open destination streams (one per proxy and authority).',
      registers: [registry],
    }),
  };
}
