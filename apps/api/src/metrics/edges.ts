// The `edges` use case: the edge queries fanned out to Prometheus in parallel, reduced to one row per workload pair.
import { edgeQueries, windowSeconds, type EdgesResult } from '@signalbox/shared';
import { edgeRows } from './edge-rows.js';
import type { PrometheusClient } from './prometheus.js';

export interface EdgesRequest {
  readonly namespace?: string | undefined;
  readonly window: string;
}

export async function edges(request: EdgesRequest, prometheus: PrometheusClient): Promise<EdgesResult> {
  const seconds = windowSeconds(request.window);
  if (seconds === null) throw new Error(`bad window ${request.window}`); // edgesInputSchema already refused it
  const q = edgeQueries(request);
  const [responses, latencyP99, tcpConnections, tcpReadBytes, tcpWriteBytes] = await Promise.all([
    prometheus.query(q.responses),
    prometheus.query(q.latencyP99),
    prometheus.query(q.tcpConnections),
    prometheus.query(q.tcpReadBytes),
    prometheus.query(q.tcpWriteBytes),
  ]);
  return {
    window: request.window,
    edges: edgeRows({ windowSeconds: seconds, vectors: { responses, latencyP99, tcpConnections, tcpReadBytes, tcpWriteBytes } }),
  };
}
