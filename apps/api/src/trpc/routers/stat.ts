// `stat`: the golden metrics table (`linkerd viz stat`), for the dashboard's tables and `signalbox stat`.
import type { TRPCRouterRecord } from '@trpc/server';
import { statInputSchema, statResultSchema } from '@signalbox/shared';
import { stat } from '../../metrics/stat.js';
import { publicProcedure } from '../init.js';

export const statRouter = {
  stat: publicProcedure
    .input(statInputSchema)
    .output(statResultSchema)
    .query(({ input, ctx }) => stat(input, ctx.registry(), ctx.prometheus)),
} satisfies TRPCRouterRecord;
