// `namespaces`: what discovery knows, for the dashboard's overview and the CLI.
import type { TRPCRouterRecord } from '@trpc/server';
import { namespaceSummarySchema, type NamespaceSummary, type Registry } from '@signalbox/shared';
import { z } from 'zod';
import { publicProcedure } from '../init.js';

export const namespacesRouter = {
  namespaces: publicProcedure
    .output(z.array(namespaceSummarySchema))
    .query(({ ctx }) => namespaceSummaries(ctx.registry())),
} satisfies TRPCRouterRecord;

/** Namespaces sorted by name, each with its deployments (sorted) and pod counts. */
export function namespaceSummaries(registry: Registry): NamespaceSummary[] {
  return registry.namespaces
    .map((ns) => ({
      name: ns.name,
      deployments: [...new Set(ns.pods.map((p) => p.deployment))].sort(),
      meshedPods: ns.pods.filter((p) => p.proxy !== undefined).length,
      totalPods: ns.pods.length,
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
