// Pure core of the profile half of the destination stream (Linkerd's profile_translator.go): a service's
// registry `policy` → the resolved Profile proxies apply (durations in ms, statuses as ranges, split backends as
// authorities). A service without a policy, or an unknown one, gets the default profile: no routes (everything is
// `[DEFAULT]`), the default retry budget, no failure accrual, no split.
import {
  defaultRetryBudget,
  type Profile,
  type ProfileRoute,
  type Registry,
  type RoutePolicy,
  type ServiceAuthority,
} from '@signalbox/shared';

export function resolveProfile(registry: Registry, authority: ServiceAuthority): Profile {
  const fqn = `${authority.service}.${authority.namespace}.svc.cluster.local`;
  const ns = registry.namespaces.find((n) => n.name === authority.namespace);
  const policy = ns?.services.find((s) => s.name === authority.service)?.policy;
  if (!policy) return { fqn, routes: [], retryBudget: { ...defaultRetryBudget }, dstOverrides: [] };
  const budget = policy.retryBudget;
  const accrual = policy.failureAccrual;
  return {
    fqn,
    routes: policy.routes.map(toProfileRoute),
    retryBudget: budget
      ? { retryRatio: budget.retryRatio, minRetriesPerSecond: budget.minRetriesPerSecond, ttlMs: budget.ttl }
      : { ...defaultRetryBudget },
    ...(accrual
      ? {
          failureAccrual: {
            consecutiveFailures: accrual.consecutiveFailures,
            minPenaltyMs: accrual.minPenalty,
            maxPenaltyMs: accrual.maxPenalty,
            jitterRatio: accrual.jitterRatio,
          },
        }
      : {}),
    dstOverrides: (policy.backends ?? []).map((b) => {
      const namespace = b.namespace ?? authority.namespace;
      // A backend's port: as given, else that service's own, else the port the client asked for.
      const port =
        b.port ??
        registry.namespaces.find((n) => n.name === namespace)?.services.find((s) => s.name === b.service)?.port ??
        authority.port;
      return { authority: `${b.service}.${namespace}:${port}`, weight: b.weight };
    }),
  };
}

function toProfileRoute(r: RoutePolicy): ProfileRoute {
  return {
    name: r.name,
    ...(r.match.method !== undefined ? { method: r.match.method } : {}),
    ...(r.match.pathRegex !== undefined ? { pathRegex: r.match.pathRegex } : {}),
    ...(r.match.pathPrefix !== undefined ? { pathPrefix: r.match.pathPrefix } : {}),
    retryable: r.retryable,
    ...(r.retryOn?.http ? { retryStatuses: r.retryOn.http } : {}),
    ...(r.retryOn?.grpc ? { retryGrpc: r.retryOn.grpc } : {}),
    ...(r.timeout !== undefined ? { timeoutMs: r.timeout } : {}),
    ...(r.responseClasses ? { responseClasses: r.responseClasses } : {}),
  };
}

/** Profiles compare by content: the stream sends one only when something a proxy would apply changed. */
export function sameProfile(a: Profile, b: Profile): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
