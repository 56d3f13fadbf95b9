// Golden metrics over time (`timeseries`) for one resource: the detail page's success-rate, RPS and latency charts.
// A relative window ("the last 10m") or an absolute range [start, end] in Unix seconds, sampled every `step`.
import * as z from 'zod';
import { MAX_WINDOW_SECONDS, windowSchema } from './promql/window.js';
import { resourceKindSchema, resourceNameSchema } from './resources.js';
import { latencySchema } from './stat.js';

/** Prometheus refuses more than 11 000 points per series; a chart needs far fewer. */
export const MAX_TIMESERIES_POINTS = 1000;

export const timeseriesInputSchema = z
  .strictObject({
    kind: resourceKindSchema,
    namespace: resourceNameSchema,
    name: resourceNameSchema,
    /** The range ending now; ignored when `start` and `end` are given. */
    window: windowSchema.default('10m'),
    /** Absolute range in Unix seconds; both or neither. */
    start: z.number().finite().nonnegative().optional(),
    end: z.number().finite().nonnegative().optional(),
    /** Seconds between points; chosen from the range when omitted. */
    step: z.number().finite().min(1).max(3600).optional(),
  })
  .superRefine((input, ctx) => {
    if ((input.start === undefined) !== (input.end === undefined))
      ctx.addIssue({ code: 'custom', path: ['start'], message: 'give both start and end, or neither' });
    else if (input.start !== undefined && input.end !== undefined) {
      if (input.end <= input.start) ctx.addIssue({ code: 'custom', path: ['end'], message: 'end must be after start' });
      else if (input.end - input.start > MAX_WINDOW_SECONDS)
        ctx.addIssue({ code: 'custom', path: ['end'], message: 'a range may span at most 7 days' });
    }
  });
export type TimeseriesInput = z.input<typeof timeseriesInputSchema>;

export const timeseriesPointSchema = z.strictObject({
  /** Unix seconds. */
  t: z.number(),
  /** null where the resource had no series at that time (a gap, not a zero). */
  rps: z.number().nullable(),
  successRate: z.number().min(0).max(1).nullable(),
  latencyMs: latencySchema,
});
export type TimeseriesPoint = z.infer<typeof timeseriesPointSchema>;

export const timeseriesResultSchema = z.strictObject({
  start: z.number(),
  end: z.number(),
  step: z.number(),
  /** The `rate()` interval behind each point, e.g. "20s". */
  rateInterval: z.string(),
  points: z.array(timeseriesPointSchema),
});
export type TimeseriesResult = z.infer<typeof timeseriesResultSchema>;
