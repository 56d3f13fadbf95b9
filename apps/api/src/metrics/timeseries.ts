// The `timeseries` use case: four range queries for one resource, in parallel, reduced to chart points.
import { timeseriesQueries, type ResourceKind, type TimeseriesResult } from '@signalbox/shared';
import type { PrometheusClient } from './prometheus.js';
import { planRange, timeseriesPoints, type RangeRequest } from './timeseries-points.js';

export interface TimeseriesRequest extends RangeRequest {
  readonly kind: ResourceKind;
  readonly namespace: string;
  readonly name: string;
}

export async function timeseries(
  request: TimeseriesRequest,
  prometheus: PrometheusClient,
  nowSeconds: number = Date.now() / 1000,
): Promise<TimeseriesResult> {
  const plan = planRange(request, nowSeconds);
  const q = timeseriesQueries({ ...request, rateInterval: plan.rateInterval });
  const range = { start: plan.start, end: plan.end, step: plan.step };
  const [responses, latencyP50, latencyP95, latencyP99] = await Promise.all([
    prometheus.queryRange(q.responses, range),
    prometheus.queryRange(q.latencyP50, range),
    prometheus.queryRange(q.latencyP95, range),
    prometheus.queryRange(q.latencyP99, range),
  ]);
  return { ...plan, points: timeseriesPoints(plan, { responses, latencyP50, latencyP95, latencyP99 }) };
}
