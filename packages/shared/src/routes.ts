// The per-route table (`routes`, as `linkerd viz routes svc/<name>`): what the tRPC procedure takes and returns,
// for the CLI and the dashboard's Routes section.
import * as z from 'zod';
import { windowSchema } from './promql/window.js';
import { resourceNameSchema } from './resources.js';
import { latencySchema } from './stat.js';

export const routesInputSchema = z.strictObject({
  namespace: resourceNameSchema,
  service: resourceNameSchema,
  window: windowSchema.default('1m'),
  /** Only calls from this deployment's proxies. */
  fromDeployment: resourceNameSchema.optional(),
});
export type RoutesInput = z.input<typeof routesInputSchema>;

const outcomeSchema = z.strictObject({
  /** null when nothing completed in the window ("-"). */
  successRate: z.number().min(0).max(1).nullable(),
  rps: z.number(),
});

export const routeRowSchema = z.strictObject({
  /** The profile route's name, or `[DEFAULT]` for requests no route matched. */
  route: z.string(),
  /** The service the route belongs to (the `dst` authority's name). */
  service: z.string(),
  /** As the client sees it, after retries (route_response_total). Linkerd's SUCCESS/RPS columns. */
  effective: outcomeSchema,
  /** Every attempt sent to endpoints, retries included (route_actual_response_total). */
  actual: outcomeSchema,
  latencyMs: latencySchema,
});
export type RouteRow = z.infer<typeof routeRowSchema>;

export const routesResultSchema = z.strictObject({
  window: z.string(),
  rows: z.array(routeRowSchema),
});
export type RoutesResult = z.infer<typeof routesResultSchema>;
