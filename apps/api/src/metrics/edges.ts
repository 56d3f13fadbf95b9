// The `edges` use case: the edge queries fanned out to Prometheus in parallel, reduced to one row per workload pair.
import { edgeOverheadQueries, edgeQueries, windowSeconds, type EdgesResult, type Registry } from '@signalbox/shared';
import { withClientIds } from './edge-identity.js';
import { edgeRows } from './edge-rows.js';
import { splitShares, withSplits } from './edge-split.js';
import type { PrometheusClient } from './prometheus.js';

export interface EdgesRequest {
  readonly namespace?: string | undefined;
  readonly window: string;
}

/** `registry` names traffic splits (edges to split backends carry the configured share); absent: none. */
export async function edges(request: EdgesRequest, prometheus: PrometheusClient, registry?: Registry): Promise<EdgesResult> {
  const seconds = windowSeconds(request.window);
  if (seconds === null) throw new Error(`bad window ${request.window}`); // edgesInputSchema already refused it
  const q = edgeQueries(request);
  const o = edgeOverheadQueries(request);
  const [responses, latencyP99, tcpConnections, tcpReadBytes, tcpWriteBytes, outP50, outP99, inP50, inP99] = await Promise.all([
    prometheus.query(q.responses),
    prometheus.query(q.latencyP99),
    prometheus.query(q.tcpConnections),
    prometheus.query(q.tcpReadBytes),
    prometheus.query(q.tcpWriteBytes),
    prometheus.query(o.outbound.p50),
    prometheus.query(o.outbound.p99),
    prometheus.query(o.inbound.p50),
    prometheus.query(o.inbound.p99),
  ]);
  const rows = edgeRows({
    windowSeconds: seconds,
    vectors: { responses, latencyP99, tcpConnections, tcpReadBytes, tcpWriteBytes },
    overhead: { outboundP50: outP50, outboundP99: outP99, inboundP50: inP50, inboundP99: inP99 },
  });
  return {
    window: request.window,
    edges: registry ? withClientIds(withSplits(rows, splitShares(registry)), registry) : rows,
  };
}
