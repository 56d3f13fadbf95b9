// `routes`: per-route success, RPS and latency of one service, effective and actual (`linkerd viz routes`), for
// `signalbox routes` and the dashboard's Routes section.
import type { TRPCRouterRecord } from '@trpc/server';
import { routesInputSchema, routesResultSchema } from '@signalbox/shared';
import { routes } from '../../metrics/routes.js';
import { publicProcedure } from '../init.js';

export const routesRouter = {
  routes: publicProcedure
    .input(routesInputSchema)
    .output(routesResultSchema)
    .query(({ input, ctx }) => routes(input, ctx.registry(), ctx.prometheus)),
} satisfies TRPCRouterRecord;
