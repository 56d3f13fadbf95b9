// `edges`: workload → workload traffic over HTTP and TCP with its TLS state (`linkerd viz edges`, widened), for the
// topology graph and the detail page's inbound/outbound tables.
import type { TRPCRouterRecord } from '@trpc/server';
import { edgesInputSchema, edgesResultSchema } from '@signalbox/shared';
import { edges } from '../../metrics/edges.js';
import { publicProcedure } from '../init.js';

export const edgesRouter = {
  edges: publicProcedure
    .input(edgesInputSchema)
    .output(edgesResultSchema)
    .query(({ input, ctx }) => edges(input, ctx.prometheus, ctx.registry())),
} satisfies TRPCRouterRecord;
