// `timeseries`: one resource's success rate, RPS and latency percentiles over time (Prometheus `query_range`),
// for the detail page's charts.
import type { TRPCRouterRecord } from '@trpc/server';
import { timeseriesInputSchema, timeseriesResultSchema } from '@signalbox/shared';
import { timeseries } from '../../metrics/timeseries.js';
import { publicProcedure } from '../init.js';

export const timeseriesRouter = {
  timeseries: publicProcedure
    .input(timeseriesInputSchema)
    .output(timeseriesResultSchema)
    .query(({ input, ctx }) => timeseries(input, ctx.prometheus)),
} satisfies TRPCRouterRecord;
