// The API's root router: only composes the domain routers. Clients import `type AppRouter` from here
// (`@signalbox/api/router`), types only.
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { createTRPCRouter } from './init.js';
import { checkRouter } from './routers/check.js';
import { edgesRouter } from './routers/edges.js';
import { namespacesRouter } from './routers/namespaces.js';
import { resourcesRouter } from './routers/resources.js';
import { routesRouter } from './routers/routes.js';
import { statRouter } from './routers/stat.js';
import { timeseriesRouter } from './routers/timeseries.js';

export const appRouter = createTRPCRouter({
  ...statRouter,
  ...namespacesRouter,
  ...edgesRouter,
  ...timeseriesRouter,
  ...resourcesRouter,
  ...checkRouter,
  ...routesRouter,
});

export type AppRouter = typeof appRouter;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
