// What the tRPC API answers besides `stat`, and the error codes clients branch on (the dashboard's error states,
// the CLI's exit messages). tRPC carries them in `error.data.signalboxCode`.
import * as z from 'zod';

export const apiErrorCodes = {
  /** Prometheus could not be reached (connection refused, timeout): show "metrics unavailable", keep retrying. */
  prometheusUnavailable: 'PROMETHEUS_UNAVAILABLE',
  /** Prometheus answered with an error (bad query, overload). */
  prometheusError: 'PROMETHEUS_ERROR',
} as const;
export type ApiErrorCode = (typeof apiErrorCodes)[keyof typeof apiErrorCodes];

/** One namespace as discovery knows it, for the overview and the CLI's completion. */
export const namespaceSummarySchema = z.strictObject({
  name: z.string(),
  deployments: z.array(z.string()),
  meshedPods: z.number().int(),
  totalPods: z.number().int(),
});
export type NamespaceSummary = z.infer<typeof namespaceSummarySchema>;
