// Prometheus HTTP API answers (/api/v1/query, /api/v1/query_range), parsed at the edge.
import * as z from 'zod';

/** Sample values arrive as strings, and "NaN" when a window held too few samples. */
const sampleSchema = z.tuple([z.number(), z.string()]);

export const vectorSchema = z.array(z.strictObject({ metric: z.record(z.string(), z.string()), value: sampleSchema }));
export type Vector = z.infer<typeof vectorSchema>;

export const matrixSchema = z.array(
  z.strictObject({ metric: z.record(z.string(), z.string()), values: z.array(sampleSchema) }),
);
export type Matrix = z.infer<typeof matrixSchema>;

export const prometheusResponseSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('success'),
    data: z.discriminatedUnion('resultType', [
      z.object({ resultType: z.literal('vector'), result: vectorSchema }),
      z.object({ resultType: z.literal('matrix'), result: matrixSchema }),
      z.object({ resultType: z.literal('scalar'), result: sampleSchema }),
      z.object({ resultType: z.literal('string'), result: sampleSchema }),
    ]),
    warnings: z.array(z.string()).optional(),
  }),
  z.object({ status: z.literal('error'), errorType: z.string(), error: z.string() }),
]);
export type PrometheusResponse = z.infer<typeof prometheusResponseSchema>;

/** A sample value as a number, or null for NaN/±Inf (no data rather than a number). */
export function sampleValue(value: string): number | null {
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}
