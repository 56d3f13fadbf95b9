// `signalbox check`: is the mesh healthy? Control plane, trust anchor and issuer, Prometheus scraping every proxy,
// and every proxy's certificate (from its admin `/identity`). ✔/✖ per check, exit 1 on any failure, `-o json`.
import { proxyIdentityPath, proxyIdentityStatusSchema, type ProxyIdentityStatus } from '@signalbox/shared';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { KubeConfigError, loadKubeConfig, type CheckStatus } from '@signalbox/api';
import { createApiClient } from '../api-client.js';
import { evaluateChecks, formatChecks, type CheckFacts, type CheckResult } from '../check/evaluate.js';
import { evaluateKubeChecks, gatherKubeFacts } from '../check/kubernetes.js';
import { defaultNamespace } from '../kube/mesh.js';

interface CheckOptions {
  api: string;
  output: 'table' | 'json';
  expiryWarningDays: number;
  kubeconfig?: string;
  namespace: string;
}

export function addCheckCommand(program: Command): void {
  program
    .command('check')
    .description('Check the control plane, the identity CA, Prometheus and every proxy’s certificate')
    .option('--expiry-warning-days <days>', 'fail when the trust anchor or issuer expires within this many days', parseDays, 60)
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table'))
    .addOption(new Option('--api <url>', 'Signalbox API URL').env('SIGNALBOX_API_URL').default('http://127.0.0.1:8085'))
    .option('--kubeconfig <file>', 'check the mesh on Kubernetes too (default when in a pod or KUBECONFIG is set)')
    .option('--namespace <ns>', 'the control plane’s namespace on Kubernetes', defaultNamespace)
    .action(async (options: CheckOptions, command: Command) => {
      const results: CheckResult[] = [];
      // On Kubernetes the API is usually not on this machine: its checks run only when --api is given.
      const kube = options.kubeconfig ?? (process.env.KUBERNETES_SERVICE_HOST || process.env.KUBECONFIG ? '' : undefined);
      if (kube !== undefined) {
        try {
          results.push(...evaluateKubeChecks(await gatherKubeFacts(loadKubeConfig(kube || undefined), options.namespace)));
        } catch (err) {
          if (!(err instanceof KubeConfigError)) throw err;
          results.push({ name: 'Kubernetes API is reachable', ok: false, detail: err.message });
        }
      }
      if (kube === undefined || command.getOptionValueSource('api') !== 'default') results.push(...evaluateChecks(await gather(options)));
      process.stdout.write(options.output === 'json' ? `${JSON.stringify({ ok: results.every((r) => r.ok), checks: results }, null, 2)}\n` : formatChecks(results));
      if (results.some((r) => !r.ok)) process.exitCode = 1;
    });
}

async function gather({ api, expiryWarningDays }: CheckOptions): Promise<CheckFacts> {
  const base = { now: new Date(), caExpiryWarningMs: expiryWarningDays * 86_400_000, proxies: new Map() };
  try {
    const res = await fetch(new URL('/ready', api), { signal: AbortSignal.timeout(5000) });
    await res.arrayBuffer();
    if (!res.ok) return { ...base, api: { ok: false, error: `${api}/ready answered ${res.status}` }, status: null };
  } catch (err) {
    return { ...base, api: { ok: false, error: `cannot reach ${api}: ${reason(err)}` }, status: null };
  }
  let status: CheckStatus;
  try {
    status = await createApiClient(api).checkStatus.query();
  } catch (err) {
    return { ...base, api: { ok: false, error: `checkStatus failed: ${reason(err)}` }, status: null };
  }
  const proxies = new Map<string, ProxyIdentityStatus | { error: string }>(
    await Promise.all(status.proxies.map(async (p) => [p.admin, await proxyIdentity(p.admin)] as const)),
  );
  return { ...base, api: { ok: true }, status, proxies };
}

async function proxyIdentity(admin: string): Promise<ProxyIdentityStatus | { error: string }> {
  try {
    const res = await fetch(`http://${admin}${proxyIdentityPath}`, { signal: AbortSignal.timeout(5000) });
    if (res.status === 404) return { error: `${admin}${proxyIdentityPath}: 404 (the proxy runs without identity)` };
    if (!res.ok) return { error: `${admin}${proxyIdentityPath} answered ${res.status}` };
    const parsed = proxyIdentityStatusSchema.safeParse(await res.json());
    return parsed.success ? parsed.data : { error: `${admin}${proxyIdentityPath}: unexpected answer` };
  } catch (err) {
    return { error: `cannot reach ${admin}: ${reason(err)}` };
  }
}

function reason(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code || cause?.message || (err as Error).message;
}

function parseDays(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number of days');
  return n;
}
