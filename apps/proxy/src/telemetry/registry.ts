// One prom-client registry per proxy instance (so tests can run several proxies in one process).
import { Registry } from './prom.js';
import { HttpMetrics } from './http-metrics.js';
import { RouteMetrics } from './route-metrics.js';
import { TcpMetrics } from './tcp-metrics.js';

export interface Telemetry {
  readonly registry: Registry;
  readonly http: HttpMetrics;
  readonly tcp: TcpMetrics;
  readonly routes: RouteMetrics;
}

export function createTelemetry(): Telemetry {
  const registry = new Registry();
  return { registry, http: new HttpMetrics(registry), tcp: new TcpMetrics(registry), routes: new RouteMetrics(registry) };
}
