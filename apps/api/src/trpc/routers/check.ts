// `check`: what `signalbox check` needs from the control plane: the CA's public certificates, the meshed proxies
// the registry names (with the identity each must hold), and whether Prometheus scrapes each one (`up`).
import type { TRPCRouterRecord } from '@trpc/server';
import { fileSdTargets } from '../../discovery/file-sd.js';
import { defaultTrustDomain, identityName, type Registry, type Vector } from '@signalbox/shared';
import { publicProcedure } from '../init.js';

export interface CheckProxy {
  readonly namespace: string;
  readonly pod: string;
  readonly deployment: string;
  /** The proxy's admin address (`/metrics`, `/identity`), also its Prometheus `instance`. */
  readonly admin: string;
  readonly identity: string;
}

export type CheckScrape =
  | { readonly reachable: true; readonly up: readonly { readonly instance: string; readonly up: boolean }[] }
  | { readonly reachable: false; readonly error: string };

export interface CheckStatus {
  /** Null when the control plane runs without an identity service. */
  readonly identity: { readonly trustDomain: string; readonly trustAnchorsPem: string; readonly issuerCertPem: string } | null;
  readonly proxies: readonly CheckProxy[];
  readonly prometheus: CheckScrape;
}

export const checkRouter = {
  checkStatus: publicProcedure.query(async ({ ctx }): Promise<CheckStatus> => {
    let prometheus: CheckScrape;
    try {
      prometheus = { reachable: true, up: scrapeHealth(await ctx.prometheus.query('up{job="signalbox-proxy"}')) };
    } catch (err) {
      prometheus = { reachable: false, error: (err as Error).message };
    }
    return {
      identity: ctx.identity ?? null,
      proxies: checkProxies(ctx.registry(), ctx.identity?.trustDomain ?? defaultTrustDomain),
      prometheus,
    };
  }),
} satisfies TRPCRouterRecord;

/** Every proxy Prometheus should scrape (the file_sd targets), with its expected identity. */
export function checkProxies(registry: Registry, trustDomain: string): CheckProxy[] {
  const serviceAccounts = new Map(registry.namespaces.flatMap((ns) => ns.pods.map((p) => [`${ns.name}/${p.name}`, p.serviceAccount] as const)));
  return fileSdTargets(registry).flatMap((group) =>
    group.targets.map((admin) => ({
      namespace: group.labels.namespace,
      pod: group.labels.pod,
      deployment: group.labels.deployment ?? '',
      admin,
      identity: identityName({ serviceAccount: serviceAccounts.get(`${group.labels.namespace}/${group.labels.pod}`) ?? 'default', namespace: group.labels.namespace, trustDomain }),
    })),
  );
}

export function scrapeHealth(vector: Vector): { instance: string; up: boolean }[] {
  return vector.map((s) => ({ instance: s.metric.instance ?? '', up: s.value[1] === '1' })).sort((a, b) => (a.instance < b.instance ? -1 : 1));
}
