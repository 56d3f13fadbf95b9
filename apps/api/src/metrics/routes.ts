// The `routes` use case: the route queries fanned out to Prometheus, reduced to one row per route of the service's
// profile (from the registry) plus `[DEFAULT]`.
import { routeQueries, windowSeconds, type Registry, type RoutesResult } from '@signalbox/shared';
import type { PrometheusClient } from './prometheus.js';
import { routeRows } from './route-rows.js';

export interface RoutesRequest {
  readonly namespace: string;
  readonly service: string;
  readonly window: string;
  readonly fromDeployment?: string | undefined;
}

export async function routes(request: RoutesRequest, registry: Registry, prometheus: PrometheusClient): Promise<RoutesResult> {
  const seconds = windowSeconds(request.window);
  if (seconds === null) throw new Error(`bad window ${request.window}`); // routesInputSchema already refused it
  const q = routeQueries(request);
  const [effective, actual, latencyP50, latencyP95, latencyP99] = await Promise.all([
    prometheus.query(q.effective),
    prometheus.query(q.actual),
    prometheus.query(q.latencyP50),
    prometheus.query(q.latencyP95),
    prometheus.query(q.latencyP99),
  ]);
  const service = registry.namespaces.find((n) => n.name === request.namespace)?.services.find((s) => s.name === request.service);
  return {
    window: request.window,
    rows: routeRows({
      service: request.service,
      routes: service?.policy?.routes.map((r) => r.name) ?? [],
      windowSeconds: seconds,
      vectors: { effective, actual, latencyP50, latencyP95, latencyP99 },
    }),
  };
}
