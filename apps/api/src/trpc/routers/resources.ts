// `resource`: one resource as discovery knows it (pods, meshed status, workloads and services), for the detail
// page's header. Registry only: it answers while Prometheus is down.
import { TRPCError, type TRPCRouterRecord } from '@trpc/server';
import { resourceDetailSchema, resourceInputSchema } from '@signalbox/shared';
import { resourceDetail } from '../../metrics/resources.js';
import { publicProcedure } from '../init.js';

export const resourcesRouter = {
  resource: publicProcedure
    .input(resourceInputSchema)
    .output(resourceDetailSchema)
    .query(({ input, ctx }) => {
      const detail = resourceDetail(ctx.registry(), input.kind, input.namespace, input.name);
      if (!detail) throw new TRPCError({ code: 'NOT_FOUND', message: `${input.kind} ${input.namespace}/${input.name} is not in the registry` });
      return detail;
    }),
} satisfies TRPCRouterRecord;
