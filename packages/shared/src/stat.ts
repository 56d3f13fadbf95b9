// The golden-metrics table (`stat`): what the tRPC `stat` procedure takes and returns, for the CLI and dashboard.
import * as z from 'zod';
import { resourceKindSchema, resourceNameSchema } from './resources.js';
import { windowSchema } from './promql/window.js';

export const statInputSchema = z.strictObject({
  kind: resourceKindSchema,
  /** Omitted: every namespace. */
  namespace: resourceNameSchema.optional(),
  /** Omitted: every resource of the kind. */
  name: resourceNameSchema.optional(),
  window: windowSchema.default('1m'),
});
export type StatInput = z.input<typeof statInputSchema>;

export const latencySchema = z.strictObject({
  p50: z.number().nullable(),
  p95: z.number().nullable(),
  p99: z.number().nullable(),
});

/** The mesh's own share of the latency (signalbox_proxy_overhead_ms), ms; null when there is no data. */
export const overheadSchema = z.strictObject({
  p50: z.number().nullable(),
  p99: z.number().nullable(),
});
export type Overhead = z.infer<typeof overheadSchema>;

export const statRowSchema = z.strictObject({
  kind: resourceKindSchema,
  namespace: z.string(),
  name: z.string(),
  meshedPods: z.number().int(),
  totalPods: z.number().int(),
  /** null when no request completed in the window (Linkerd prints "-"). */
  successRate: z.number().min(0).max(1).nullable(),
  /** Completed requests per second over the window. */
  rps: z.number(),
  /** Milliseconds; null when Prometheus answers NaN (too few samples). */
  latencyMs: latencySchema,
  /** Time the proxies themselves add: this workload's own (inbound), or the clients' for a service (outbound). */
  overheadMs: overheadSchema.optional(),
  tcpConnections: z.number(),
  /** TCP bytes per second over the window, read from / written to the peer (Linkerd's `-o wide` columns). */
  readBytesPerSec: z.number(),
  writeBytesPerSec: z.number(),
});
export type StatRow = z.infer<typeof statRowSchema>;

export const statResultSchema = z.strictObject({
  window: z.string(),
  rows: z.array(statRowSchema),
});
export type StatResult = z.infer<typeof statResultSchema>;

/** Linkerd viz colours: < 90 % poor, < 95 % warning, else good; null has no colour. */
export type SuccessRateLevel = 'poor' | 'warning' | 'good' | 'none';
export function successRateLevel(rate: number | null): SuccessRateLevel {
  if (rate === null) return 'none';
  if (rate < 0.9) return 'poor';
  if (rate < 0.95) return 'warning';
  return 'good';
}
