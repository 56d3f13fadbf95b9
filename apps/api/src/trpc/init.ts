// tRPC for the dashboard and the CLI: 1. context, 2. initialisation (error shape), 3. procedures.
// The one file to read before adding a router.
import { initTRPC, TRPCError } from '@trpc/server';
import type { Registry } from '@signalbox/shared';
import { PrometheusQueryError, PrometheusUnavailableError, SignalboxApiError } from '../metrics/errors.js';
import type { PrometheusClient } from '../metrics/prometheus.js';

// === 1. CONTEXT ===

/**
 * The inner context: no HTTP objects, so tests build one and call procedures through
 * `createCallerFactory(appRouter)(ctx)`. `registry()` reads the last good registry at call time (it reloads).
 */
export interface Context {
  readonly registry: () => Registry;
  readonly prometheus: PrometheusClient;
  /** The identity service's public side, for `checkStatus`; absent when it is off. */
  readonly identity?: { readonly trustDomain: string; readonly trustAnchorsPem: string; readonly issuerCertPem: string };
}

// === 2. INITIALISATION ===

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    // Clients branch on this stable code (apiErrorCodes), not on the human message.
    const signalboxCode = error.cause instanceof SignalboxApiError ? error.cause.code : null;
    // Server stacks are for the server's log, not for browsers and terminals.
    const { stack: _stack, ...data } = shape.data;
    return { ...shape, data: { ...data, signalboxCode } };
  },
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

// === 3. PROCEDURES ===

/** Maps the Prometheus edge's coded errors to tRPC codes, keeping the original as `cause`. */
const prometheusErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    if (cause instanceof PrometheusUnavailableError)
      throw new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: cause.message, cause });
    if (cause instanceof PrometheusQueryError) throw new TRPCError({ code: 'BAD_GATEWAY', message: cause.message, cause });
  }
  return result;
});

export const publicProcedure = t.procedure.use(prometheusErrors);
