// Profile routes (Linkerd's ServiceProfile routes, REFERENCE §1.4–1.7): which route a request belongs to (first
// match wins; none → the default route, `[DEFAULT]` to viz), how the route classifies a response, and which
// responses it retries. Pure; compiled once per profile, matched per request.
import type { ProfileRoute, StatusRange } from '@signalbox/shared';
import { classify, type Classification } from './classify.js';

export interface Route {
  /** The `rt_route` label: the profile route's name, "" for the default route. */
  readonly name: string;
  readonly retryable: boolean;
  /** Covers the whole request: every attempt and the backoff between them. */
  readonly timeoutMs: number | undefined;
  matches(method: string, path: string): boolean;
  /** success | failure, by the route's response classes first, then Linkerd's defaults. */
  classify(status: number, grpc: number | undefined, error: string): Classification;
  /** Whether a retryable route retries this outcome (a proxy error before any response: `status` 0, `error` set). */
  retriesOn(status: number, grpc: number | undefined, error: string): boolean;
}

/** Unmatched requests: no retries, no timeout, default classification. */
export const defaultRoute: Route = {
  name: '',
  retryable: false,
  timeoutMs: undefined,
  matches: () => true,
  classify,
  retriesOn: () => false,
};

const inRange = (ranges: readonly StatusRange[], status: number) => ranges.some((r) => status >= r.min && status <= r.max);

export function compileRoute(r: ProfileRoute): Route {
  // Linkerd's pathRegex matches the whole path.
  const regex = r.pathRegex !== undefined ? new RegExp(`^(?:${r.pathRegex})$`) : undefined;
  const prefix = r.pathPrefix;
  const method = r.method;
  const classes = r.responseClasses;
  const routeClassify = (status: number, grpc: number | undefined, error: string): Classification => {
    if (!error && grpc === undefined && classes && status > 0)
      for (const c of classes) if (status >= c.status.min && status <= c.status.max) return c.failure ? 'failure' : 'success';
    return classify(status, grpc, error);
  };
  const grpcCodes = new Set(r.retryGrpc ?? []);
  const statuses = r.retryStatuses;
  return {
    name: r.name,
    retryable: r.retryable,
    timeoutMs: r.timeoutMs,
    matches(m, path) {
      if (method !== undefined && m !== method) return false;
      const q = path.indexOf('?');
      const p = q < 0 ? path : path.slice(0, q);
      if (regex) return regex.test(p);
      return prefix === undefined || p.startsWith(prefix);
    },
    classify: routeClassify,
    retriesOn(status, grpc, error) {
      if (!r.retryable) return false;
      // A proxy error before any response (connect refused, reset): the request may be sent again.
      if (status === 0 || error) return error !== '';
      if (grpc !== undefined && grpcCodes.size > 0) return grpcCodes.has(grpc);
      if (statuses) return inRange(statuses, status);
      return routeClassify(status, grpc, '') === 'failure';
    },
  };
}

export function compileRoutes(routes: readonly ProfileRoute[]): Route[] {
  return routes.map(compileRoute);
}

/** The first route that matches, else the default route. */
export function matchRoute(routes: readonly Route[], method: string, path: string): Route {
  for (const r of routes) if (r.matches(method, path)) return r;
  return defaultRoute;
}
