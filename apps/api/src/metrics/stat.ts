// The `stat` use case: the golden-metric queries fanned out to Prometheus in parallel, reduced to one row per
// resource the registry knows. Shared by the tRPC procedure; never call a caller from a procedure.
import { statOverheadQueries, statQueries, windowSeconds, type Registry, type StatResult, type ResourceKind } from '@signalbox/shared';
import type { PrometheusClient } from './prometheus.js';
import { knownResources } from './resources.js';
import { statRows } from './rows.js';

export interface StatRequest {
  readonly kind: ResourceKind;
  readonly namespace?: string | undefined;
  readonly name?: string | undefined;
  readonly window: string;
}

export async function stat(request: StatRequest, registry: Registry, prometheus: PrometheusClient): Promise<StatResult> {
  const seconds = windowSeconds(request.window);
  if (seconds === null) throw new Error(`bad window ${request.window}`); // statInputSchema already refused it
  const queries = statQueries(request);
  const overhead = statOverheadQueries(request);
  const [responses, latencyP50, latencyP95, latencyP99, tcpConnections, tcpReadBytes, tcpWriteBytes, overheadP50, overheadP99] = await Promise.all([
    prometheus.query(queries.responses),
    prometheus.query(queries.latencyP50),
    prometheus.query(queries.latencyP95),
    prometheus.query(queries.latencyP99),
    prometheus.query(queries.tcpConnections),
    prometheus.query(queries.tcpReadBytes),
    prometheus.query(queries.tcpWriteBytes),
    prometheus.query(overhead.p50),
    prometheus.query(overhead.p99),
  ]);
  const rows = statRows({
    kind: request.kind,
    windowSeconds: seconds,
    resources: knownResources(registry, request),
    vectors: { responses, latencyP50, latencyP95, latencyP99, tcpConnections, tcpReadBytes, tcpWriteBytes, overheadP50, overheadP99 },
  });
  return { window: request.window, rows };
}
