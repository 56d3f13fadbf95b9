// `signalbox check` on Kubernetes (as `linkerd check`): the API is reachable, we may do what the control plane is
// granted (SelfSubjectAccessReview: RBAC cannot grant what its author lacks), the control plane's pods are ready,
// install's ConfigMaps hold what inject reads back (trust anchors, cluster networks), and every injected pod's proxy is
// ready. Facts are gathered with @kubernetes/client-node; judging them is pure.
import { AuthorizationV1Api, CoreV1Api, VersionApi, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { kubeServer } from '@signalbox/api';
import { readTrustAnchors } from '../inject/trust-anchors.js';
import { controlPlaneRules } from '../install/control-plane.js';
import { readClusterNetworks } from '../kube/cluster-networks.js';
import { componentLabel, partOfLabel, proxyContainerName } from '../kube/mesh.js';
import type { CheckResult } from './evaluate.js';

export interface KubeFacts {
  readonly server: string;
  readonly namespace: string;
  readonly version: { readonly ok: true; readonly gitVersion: string } | { readonly ok: false; readonly error: string };
  readonly access: readonly { readonly verb: string; readonly group: string; readonly resource: string; readonly allowed: boolean; readonly error?: string }[];
  readonly controlPlanePods: readonly V1Pod[] | { readonly error: string };
  /** What inject reads from install's ConfigMaps: a summary, or why it cannot (inject would refuse the same way). */
  readonly installConfig: readonly { readonly name: string; readonly detail: string; readonly ok: boolean }[];
  readonly meshedPods: readonly V1Pod[] | { readonly error: string };
}

export const controlPlaneComponents = ['api', 'web', 'prometheus'] as const;

const podReady = (p: V1Pod) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
const podName = (p: V1Pod) => `${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? ''}`;

export function evaluateKubeChecks(f: KubeFacts): CheckResult[] {
  const results: CheckResult[] = [];
  results.push({
    name: 'Kubernetes API is reachable',
    ok: f.version.ok,
    detail: f.version.ok ? `${f.server} (${f.version.gitVersion})` : `${f.server}: ${f.version.error}`,
  });
  if (!f.version.ok) return results;
  for (const a of f.access)
    results.push({
      name: `can ${a.verb} ${a.group ? `${a.resource}.${a.group}` : a.resource}`,
      ok: a.allowed,
      detail: a.error ?? (a.allowed ? '' : 'not allowed (needed to grant it to the control plane)'),
    });
  if ('error' in f.controlPlanePods) results.push({ name: 'control plane pods are ready', ok: false, detail: f.controlPlanePods.error });
  else {
    const pods = f.controlPlanePods;
    for (const component of controlPlaneComponents) {
      const mine = pods.filter((p) => p.metadata?.labels?.[componentLabel] === component);
      const ready = mine.filter(podReady);
      results.push({
        name: `control plane ${component} is ready`,
        ok: ready.length > 0,
        detail: mine.length === 0 ? `no ${component} pod in namespace ${f.namespace} (signalbox install | kubectl apply -f -)` : `${ready.length}/${mine.length} pods ready`,
      });
    }
  }
  for (const c of f.installConfig) results.push({ name: `${c.name} are installed`, ok: c.ok, detail: c.detail });
  if ('error' in f.meshedPods) results.push({ name: 'data plane proxies are ready', ok: false, detail: f.meshedPods.error });
  else {
    const injected = f.meshedPods.filter((p) => p.spec?.containers.some((c) => c.name === proxyContainerName));
    const notReady = injected.filter((p) => !p.status?.containerStatuses?.some((c) => c.name === proxyContainerName && c.ready));
    results.push({
      name: 'data plane proxies are ready',
      ok: notReady.length === 0,
      detail: notReady.length === 0 ? `${injected.length} meshed pods` : `proxy not ready in ${notReady.map(podName).join(', ')}`,
    });
  }
  return results;
}

function reason(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  const body = (err as { body?: unknown }).body;
  if (typeof body === 'string')
    try {
      return `${String(code)}: ${(JSON.parse(body) as { message?: string }).message ?? body}`;
    } catch {
      /* not JSON */
    }
  const cause = (err as { cause?: { code?: string } }).cause?.code;
  return [typeof code === 'number' ? String(code) : cause, ((err as Error).message ?? String(err)).split('\n')[0]].filter(Boolean).join(': ');
}

export async function gatherKubeFacts(kc: KubeConfig, namespace: string): Promise<KubeFacts> {
  const base = { server: kubeServer(kc), namespace };
  let version: KubeFacts['version'];
  try {
    version = { ok: true, gitVersion: (await kc.makeApiClient(VersionApi).getCode()).gitVersion };
  } catch (err) {
    return { ...base, version: { ok: false, error: reason(err) }, access: [], controlPlanePods: [], installConfig: [], meshedPods: [] };
  }
  const authz = kc.makeApiClient(AuthorizationV1Api);
  const core = kc.makeApiClient(CoreV1Api);
  const access = await Promise.all(
    controlPlaneRules.flatMap((rule) =>
      rule.resources.flatMap((resource) =>
        rule.verbs.map(async (verb) => {
          const group = rule.apiGroups[0] ?? '';
          try {
            const review = await authz.createSelfSubjectAccessReview({
              body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: { verb, group, resource } } },
            });
            return { verb, group, resource, allowed: review.status?.allowed ?? false };
          } catch (err) {
            return { verb, group, resource, allowed: false, error: reason(err) };
          }
        }),
      ),
    ),
  );
  const list = async (run: () => Promise<{ items: V1Pod[] }>) => {
    try {
      return (await run()).items;
    } catch (err) {
      return { error: reason(err) };
    }
  };
  const installed = async (name: string, read: () => Promise<string>) =>
    read().then(
      (detail) => ({ name, ok: true, detail }),
      (err: Error) => ({ name, ok: false, detail: err.message }),
    );
  const [controlPlanePods, meshedPods, ...installConfig] = await Promise.all([
    list(() => core.listNamespacedPod({ namespace, labelSelector: `${partOfLabel}=${namespace}` })),
    list(() => core.listPodForAllNamespaces()),
    installed('trust anchors', async () => {
      const pem = await readTrustAnchors({ cluster: kc, namespace });
      return `${pem.match(/-----BEGIN CERTIFICATE-----/g)?.length ?? 0} certificate(s)`;
    }),
    installed('cluster networks', async () => (await readClusterNetworks(kc, namespace)).join(',')),
  ]);
  return { ...base, version, access, controlPlanePods, installConfig, meshedPods };
}
