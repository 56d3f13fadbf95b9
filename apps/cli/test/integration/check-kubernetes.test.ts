// `signalbox check --kubeconfig` as built, against the fake API server: reachability, RBAC through
// SelfSubjectAccessReview, control plane pods ready, install's ConfigMaps readable as inject reads them, proxies injected
// and ready; exit 1 on any failure.
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { makeRunDir, repoRoot } from '@signalbox/launch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { buildWorkspace } from '../../../api/test/support/build.js';
import { startFakeKubeApi, type FakeKubeApi } from '../../../api/test/support/fake-kube-api.js';
import { pod } from '../../../api/test/support/kube-objects.js';

let fake: FakeKubeApi;
let kubeconfig: string;

interface Checks {
  ok: boolean;
  checks: { name: string; ok: boolean; detail: string }[];
}

/** spawnSync would block the fake server living in this process: run the CLI asynchronously. */
async function check(args: string[] = []): Promise<{ status: number | null; json: Checks }> {
  const child = spawn(process.execPath, [path.join(repoRoot, 'apps', 'cli', 'dist', 'main.js'), 'check', '-o', 'json', ...args], { env: { ...process.env, KUBECONFIG: '' } });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const status = await new Promise<number | null>((resolve) => child.once('close', resolve));
  return { status, json: JSON.parse(out) as Checks };
}

const controlPlanePod = (component: string, ready = true) => {
  const p = pod({ namespace: 'signalbox', name: `signalbox-${component}-1`, ip: '10.9.0.1', meshed: false, ready });
  p.metadata!.labels = { 'signalbox.io/control-plane-ns': 'signalbox', 'signalbox.io/control-plane-component': component };
  return p;
};
const meshed = (name: string, proxyReady: boolean) => {
  const p = pod({ name, ip: '10.1.0.1', owner: 'Deployment/books' });
  p.status!.containerStatuses = [
    { name: 'app', ready: true, restartCount: 0, image: 'a', imageID: '', started: true },
    { name: 'signalbox-proxy', ready: proxyReady, restartCount: 0, image: 'p', imageID: '', started: true },
  ];
  return p;
};

beforeAll(async () => {
  buildWorkspace('apps/cli');
  fake = await startFakeKubeApi();
  kubeconfig = fake.kubeconfig(makeRunDir('signalbox-check-'));
  for (const c of ['api', 'web', 'prometheus']) fake.apply(controlPlanePod(c));
  // install's own ConfigMaps, as `signalbox install | kubectl apply` leaves them.
  const install = spawnSync(process.execPath, [path.join(repoRoot, 'apps', 'cli', 'dist', 'main.js'), 'install'], { encoding: 'utf8' });
  expect(install.status, install.stderr).toBe(0);
  for (const d of parseAllDocuments(install.stdout).map((x) => x.toJS() as { kind: string })) if (d.kind === 'ConfigMap') fake.apply(d as never);
  fake.apply(meshed('books-1', true));
  fake.apply(pod({ name: 'plain-1', ip: '10.1.0.2', meshed: false }));
});

afterAll(() => fake?.close());

const byName = (c: Checks) => new Map(c.checks.map((x) => [x.name, x]));

describe('signalbox check --kubeconfig', () => {
  it('passes on a healthy mesh, without calling the Signalbox API', async () => {
    const { status, json } = await check([`--kubeconfig=${kubeconfig}`]);
    expect(json.checks.filter((c) => !c.ok)).toEqual([]);
    expect(status).toBe(0);
    const checks = byName(json);
    expect(checks.get('Kubernetes API is reachable')?.detail).toMatch(/v1\.31\.0-signalbox-fake/);
    expect([...checks.keys()]).toEqual(
      expect.arrayContaining(['can list pods', 'can watch endpointslices.discovery.k8s.io', 'can get replicasets.apps', 'can create tokenreviews.authentication.k8s.io', 'control plane api is ready', 'data plane proxies are ready']),
    );
    expect(checks.get('data plane proxies are ready')?.detail).toBe('1 meshed pods');
    expect(checks.get('trust anchors are installed')?.detail).toBe('1 certificate(s)');
    expect(checks.get('cluster networks are installed')?.detail).toBe('10.0.0.0/8,100.64.0.0/10,172.16.0.0/12,192.168.0.0/16,fd00::/8');
    expect(json.checks.some((c) => c.name === 'control plane is reachable')).toBe(false);
  });

  it('fails on missing RBAC, an unready control plane component, a broken install ConfigMap and an unready proxy', async () => {
    fake.denied.add('create authentication.k8s.io/tokenreviews');
    fake.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'signalbox', name: 'signalbox-config' }, data: { clusterNetworks: '10.0.0.0/33' } } as never);
    fake.apply(controlPlanePod('web', false));
    fake.apply(meshed('books-2', false));
    const { status, json } = await check([`--kubeconfig=${kubeconfig}`]);
    expect(status).toBe(1);
    const failed = json.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`);
    expect(failed).toEqual([
      'can create tokenreviews.authentication.k8s.io: not allowed (needed to grant it to the control plane)',
      'control plane web is ready: 0/1 pods ready',
      expect.stringMatching(/^cluster networks are installed: ConfigMap signalbox\/signalbox-config on http:\/\/127\.0\.0\.1:\d+: clusterNetworks "10\.0\.0\.0\/33" is not a comma list of CIDRs$/),
      'data plane proxies are ready: proxy not ready in demo/books-2',
    ]);
  });

  it('reports an unreachable API server once, and a wrong kubeconfig clearly', async () => {
    const gone = await startFakeKubeApi();
    const file = gone.kubeconfig(makeRunDir('signalbox-check-gone-'));
    await gone.close();
    const { status, json } = await check([`--kubeconfig=${file}`]);
    expect(status).toBe(1);
    expect(json.checks).toEqual([{ name: 'Kubernetes API is reachable', ok: false, detail: expect.stringMatching(/ECONNREFUSED/) }]);
    const missing = await check(['--kubeconfig=/nonexistent/kubeconfig']);
    expect(missing.json.checks[0]).toMatchObject({ ok: false, detail: expect.stringMatching(/kubeconfig \/nonexistent\/kubeconfig/) });
  });
});
