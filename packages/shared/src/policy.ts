// Traffic policy (Linkerd's ServiceProfile, REFERENCE §1.4–1.7, §1.9): what a service's owner writes under
// `policy:` in the registry, and the resolved `profile` the control plane pushes to proxies on the destination
// stream (v=2). Routes, retries and their budget, timeouts, response classes, failure accrual and traffic split.
import * as z from 'zod';
import { resourceNameSchema } from './resources.js';

// === Durations ===

const DURATION = /^(\d{1,7})(ms|s|m)$/;
const unitMs = { ms: 1, s: 1000, m: 60_000 } as const;

/** `500ms`, `2s`, `1m` → milliseconds; null when malformed. */
export function parseDurationMs(text: string): number | null {
  const m = DURATION.exec(text);
  return m ? Number(m[1]) * unitMs[m[2] as keyof typeof unitMs] : null;
}

/**
 * A duration as written in the registry (`250ms`, `10s`, `1m`), parsed to milliseconds. A bare number is
 * milliseconds already, so a parsed registry written back out parses the same.
 */
export const durationSchema = z.union([z.number().int().positive(), z.string()]).transform((text, ctx) => {
  if (typeof text === 'number') return text;
  const ms = parseDurationMs(text);
  if (ms === null || ms === 0) {
    ctx.addIssue({ code: 'custom', message: `duration "${text}" must look like 250ms, 10s or 1m (and not be zero)` });
    return z.NEVER;
  }
  return ms;
});

// === Status ranges and gRPC codes ===

/** An inclusive HTTP status range. */
export const statusRangeSchema = z.strictObject({ min: z.number().int().min(100).max(599), max: z.number().int().min(100).max(599) });
export type StatusRange = z.infer<typeof statusRangeSchema>;

/**
 * `5xx`, `gateway-error` (502–504), `503` or `500-504`, as Linkerd's `retry.linkerd.io/http` annotation takes them.
 * Returns null when malformed.
 */
export function parseStatusRange(text: string): StatusRange | null {
  if (text === 'gateway-error') return { min: 502, max: 504 };
  const xx = /^([1-5])xx$/.exec(text);
  if (xx) return { min: Number(xx[1]) * 100, max: Number(xx[1]) * 100 + 99 };
  const range = /^(\d{3})(?:-(\d{3}))?$/.exec(text);
  if (!range) return null;
  const min = Number(range[1]);
  const max = range[2] === undefined ? min : Number(range[2]);
  return min >= 100 && max <= 599 && min <= max ? { min, max } : null;
}

/** gRPC status names as Linkerd's `retry.linkerd.io/grpc` spells them, with their codes. */
export const grpcCodeNames = {
  ok: 0,
  cancelled: 1,
  unknown: 2,
  'invalid-argument': 3,
  'deadline-exceeded': 4,
  'not-found': 5,
  'already-exists': 6,
  'permission-denied': 7,
  'resource-exhausted': 8,
  'failed-precondition': 9,
  aborted: 10,
  'out-of-range': 11,
  unimplemented: 12,
  internal: 13,
  unavailable: 14,
  'data-loss': 15,
  unauthenticated: 16,
} as const;

const httpStatusSpecSchema = z.union([z.number().int().min(100).max(599), z.string(), statusRangeSchema]).transform((v, ctx) => {
  if (typeof v === 'object') return v;
  const range = parseStatusRange(String(v));
  if (!range) {
    ctx.addIssue({ code: 'custom', message: `"${v}" is not a status, a range (500-504), 5xx or gateway-error` });
    return z.NEVER;
  }
  return range;
});

const grpcCodeSpecSchema = z.union([z.number().int().min(0).max(16), z.string()]).transform((v, ctx) => {
  if (typeof v === 'number') return v;
  const code = (grpcCodeNames as Record<string, number>)[v];
  if (code === undefined) {
    ctx.addIssue({ code: 'custom', message: `"${v}" is not a gRPC status name (unavailable, internal, deadline-exceeded…)` });
    return z.NEVER;
  }
  return code;
});

// === Registry file: `policy:` under a service ===

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

export const routeMatchSchema = z
  .strictObject({
    /** Upper-case HTTP method; absent: any. */
    method: z.string().regex(/^[A-Z]+$/, 'an upper-case HTTP method').optional(),
    /** Must match the whole path (query excluded), as Linkerd's `pathRegex`. */
    pathRegex: z.string().min(1).refine(compiles, 'not a valid regular expression').optional(),
    pathPrefix: z.string().startsWith('/').optional(),
  })
  .refine((m) => m.pathRegex === undefined || m.pathPrefix === undefined, 'give pathRegex or pathPrefix, not both');

export const responseClassSchema = z.strictObject({
  /** Statuses this class covers: a status, a range (`500-504`) or `5xx`. */
  status: httpStatusSpecSchema,
  /** Whether responses of this class are failures (Linkerd's `isFailure`). */
  failure: z.boolean(),
});

export const routePolicySchema = z.strictObject({
  name: z.string().min(1).max(128),
  match: routeMatchSchema.default({}),
  /** Retry failed requests of this route (they must be idempotent); absent: never. */
  retryable: z.boolean().default(false),
  /** Which failures are retried; absent: responses classified as failures (HTTP), and none for gRPC codes. */
  retryOn: z
    .strictObject({
      http: z.array(httpStatusSpecSchema).optional(),
      grpc: z.array(grpcCodeSpecSchema).optional(),
    })
    .optional(),
  /** The whole request, retries and backoff included; 504 `timeout` after it. Absent: none (Linkerd: no default). */
  timeout: durationSchema.optional(),
  /** First matching class wins; a status no class covers is classified as usual (≥ 500 failure). */
  responseClasses: z.array(responseClassSchema).optional(),
});
export type RoutePolicy = z.infer<typeof routePolicySchema>;

/** Linkerd's default retry budget (profile_translator.go `defaultRetryBudget`). */
export const defaultRetryBudget = { retryRatio: 0.2, minRetriesPerSecond: 10, ttlMs: 10_000 } as const;
/** Linkerd's failure accrual defaults (circuit-breaking.md). */
export const defaultFailureAccrual = { consecutiveFailures: 7, minPenaltyMs: 1000, maxPenaltyMs: 60_000, jitterRatio: 0.5 } as const;
/** Request bodies larger than this are never buffered, so never retried (Linkerd's 64 KiB). */
export const maxRetryBodyBytes = 64 * 1024;

export const servicePolicySchema = z
  .strictObject({
    /** Ordered: the first route whose match holds names the request; none → `[DEFAULT]`. */
    routes: z.array(routePolicySchema).default([]),
    retryBudget: z
      .strictObject({
        /** Extra load retries may add: 0.2 = one retry per five requests. */
        retryRatio: z.number().min(0).max(100).default(defaultRetryBudget.retryRatio),
        /** Retries always allowed per second, whatever the ratio. */
        minRetriesPerSecond: z.number().int().min(0).max(100_000).default(defaultRetryBudget.minRetriesPerSecond),
        /** The window the ratio is computed over. */
        ttl: durationSchema.default(defaultRetryBudget.ttlMs),
      })
      .optional(),
    /** Eject endpoints after consecutive failures (HTTP 5xx, errors); present (even `{}`) turns it on. */
    failureAccrual: z
      .strictObject({
        consecutiveFailures: z.number().int().min(1).max(1000).default(defaultFailureAccrual.consecutiveFailures),
        minPenalty: durationSchema.default(defaultFailureAccrual.minPenaltyMs),
        maxPenalty: durationSchema.default(defaultFailureAccrual.maxPenaltyMs),
        jitterRatio: z.number().min(0).max(1).default(defaultFailureAccrual.jitterRatio),
      })
      .refine((f) => f.minPenalty <= f.maxPenalty, 'minPenalty must not exceed maxPenalty')
      .optional(),
    /**
     * Traffic split (Linkerd's `dstOverrides`): requests for this service go to these services by weight, each
     * resolved and balanced on its own. Absent: the service itself.
     */
    backends: z
      .array(
        z.strictObject({
          service: resourceNameSchema,
          /** Absent: the service's own namespace. */
          namespace: resourceNameSchema.optional(),
          /** Absent: that service's port. */
          port: z.number().int().min(1).max(65535).optional(),
          weight: z.number().int().min(0).max(1_000_000),
        }),
      )
      .min(1)
      .refine((b) => b.some((x) => x.weight > 0), 'at least one backend needs a weight above 0')
      .optional(),
  })
  .superRefine((p, ctx) => {
    const seen = new Set<string>();
    p.routes.forEach((r, i) => {
      if (seen.has(r.name)) ctx.addIssue({ code: 'custom', path: ['routes', i, 'name'], message: `duplicate route name "${r.name}"` });
      seen.add(r.name);
    });
  });
export type ServicePolicy = z.infer<typeof servicePolicySchema>;
export type ServicePolicyInput = z.input<typeof servicePolicySchema>;

// === Wire: the profile the control plane pushes (destination stream v=2) ===

export const profileRouteSchema = z.strictObject({
  name: z.string(),
  method: z.string().optional(),
  /** Anchored by the proxy (whole path). */
  pathRegex: z.string().optional(),
  pathPrefix: z.string().optional(),
  retryable: z.boolean(),
  /** HTTP statuses retried; absent: the route's failures. */
  retryStatuses: z.array(statusRangeSchema).optional(),
  retryGrpc: z.array(z.number().int().min(0).max(16)).optional(),
  timeoutMs: z.number().int().positive().optional(),
  responseClasses: z.array(z.strictObject({ status: statusRangeSchema, failure: z.boolean() })).optional(),
});
export type ProfileRoute = z.infer<typeof profileRouteSchema>;

export const profileSchema = z.strictObject({
  /** The service's fully qualified name, `books.demo.svc.cluster.local`. */
  fqn: z.string(),
  routes: z.array(profileRouteSchema),
  retryBudget: z.strictObject({
    retryRatio: z.number().min(0),
    minRetriesPerSecond: z.number().min(0),
    ttlMs: z.number().int().positive(),
  }),
  failureAccrual: z
    .strictObject({
      consecutiveFailures: z.number().int().min(1),
      minPenaltyMs: z.number().int().positive(),
      maxPenaltyMs: z.number().int().positive(),
      jitterRatio: z.number().min(0).max(1),
    })
    .optional(),
  /** Empty: the service itself. Else each backend's authority (`svc.ns:port`) and weight. */
  dstOverrides: z.array(z.strictObject({ authority: z.string(), weight: z.number().int().min(0) })),
});
export type Profile = z.infer<typeof profileSchema>;

/** The name unmatched requests are reported under (viz's `[DEFAULT]`); on the wire `rt_route` is empty. */
export const defaultRouteName = '[DEFAULT]';
