// `signalbox inject --kubeconfig` against the fake API server: it reads the trust anchors and the cluster networks
// from the ConfigMaps that `signalbox install` printed (applied to the fake), writes them into the sidecar, and the
// output is valid. A pod of the injected template, as the API would serve it, is then discovered with its mTLS tap
// listener, so a tap of its deployment goes to podIP:4190, and with the inbound ports inject skipped served unmeshed.
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { V1Pod, V1PodTemplateSpec } from '@kubernetes/client-node';
import { makeRunDir, repoRoot } from '@signalbox/launch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { kubernetesRegistry } from '../../../api/src/discovery/sources/kubernetes-model.js';
import { resolveAuthority } from '../../../api/src/discovery/translator.js';
import { tapTargets } from '../../../api/src/tap/targets.js';
import { buildWorkspace } from '../../../api/test/support/build.js';
import { startFakeKubeApi, type FakeKubeApi } from '../../../api/test/support/fake-kube-api.js';
import { assertValidKubeObjects } from '../support/kube-schema.js';

const cli = path.join(repoRoot, 'apps', 'cli', 'dist', 'main.js');
let fake: FakeKubeApi;
let kubeconfig: string;
let installedAnchors: string;

/** spawnSync would block the fake server living in this process: run the CLI asynchronously. */
async function run(args: string[], input = ''): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, KUBECONFIG: '' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(input);
  const status = await new Promise<number | null>((resolve) => child.once('close', resolve));
  return { status, stdout, stderr };
}

type Obj = { kind: string; metadata: { name: string }; data?: Record<string, string>; spec?: { template?: V1PodTemplateSpec } };
const docs = (yaml: string) => parseAllDocuments(yaml).map((d) => d.toJS() as Obj);

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata: {name: books, namespace: demo}
spec:
  selector: {matchLabels: {app: books}}
  template:
    metadata: {labels: {app: books}}
    spec:
      serviceAccountName: books
      containers: [{name: app, image: example/books:1, ports: [{containerPort: 7000}]}]
`;

beforeAll(async () => {
  buildWorkspace('apps/cli');
  fake = await startFakeKubeApi();
  kubeconfig = fake.kubeconfig(makeRunDir('signalbox-inject-kube-'));
  const installed = await run(['install', '--cluster-networks', '10.32.0.0/12,fd10::/64']);
  expect(installed.status, installed.stderr).toBe(0);
  const configMap = (name: string) => docs(installed.stdout).find((o) => o.kind === 'ConfigMap' && o.metadata.name === name);
  const roots = configMap('signalbox-identity-trust-roots');
  installedAnchors = roots?.data?.['ca-bundle.crt'] as string;
  fake.apply(roots as never);
  fake.apply(configMap('signalbox-config') as never);
});

const envOf = (yaml: string, name: string) =>
  (docs(yaml)[0]?.spec?.template as V1PodTemplateSpec).spec?.containers.find((c) => c.name === 'signalbox-proxy')?.env?.find((e) => e.name === name)?.value;
afterAll(() => fake?.close());

describe('signalbox inject on a cluster', () => {
  it('gives the sidecar the trust anchors install created, read from the cluster; the pod is discovered with its tap listener', async () => {
    const r = await run(['inject', '--kubeconfig', kubeconfig, '-'], deployment);
    expect(r.status, r.stderr).toBe(0);
    const out = docs(r.stdout);
    await assertValidKubeObjects(out);
    const template = out[0]?.spec?.template as V1PodTemplateSpec;
    const proxy = template.spec?.containers.find((c) => c.name === 'signalbox-proxy');
    expect(proxy?.env).toContainEqual({ name: 'SIGNALBOX_IDENTITY_TRUST_ANCHORS', value: installedAnchors });
    expect(fake.requests.some((q) => q.path === '/api/v1/namespaces/signalbox/configmaps/signalbox-identity-trust-roots')).toBe(true);

    const pod = (name: string, ip: string): V1Pod => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { ...template.metadata, name, namespace: 'demo', labels: { ...template.metadata?.labels, 'pod-template-hash': '7f9c' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'books-7f9c', uid: 'u', controller: true }] },
      spec: template.spec,
      status: { phase: 'Running', podIP: ip, conditions: [{ type: 'Ready', status: 'True' }] },
    });
    const registry = kubernetesRegistry({ pods: [pod('books-a', '10.1.0.7'), pod('books-b', '10.1.0.8')], services: [], endpointSlices: [] });
    const targets = tapTargets(registry, { v: 1, target: { namespace: 'demo', kind: 'deployment', name: 'books' }, maxRps: 100, extractHeaders: false });
    expect(targets.ok && targets.pods.map((p) => p.tap)).toEqual(['10.1.0.7:4190', '10.1.0.8:4190']);
  });

  it('records --skip-inbound-ports where discovery reads it: a pod of the template is served unmeshed on that port only', async () => {
    const r = await run(['inject', '--kubeconfig', kubeconfig, '--skip-inbound-ports', '7001-7002', '-'], deployment);
    expect(r.status, r.stderr).toBe(0);
    const out = docs(r.stdout);
    await assertValidKubeObjects(out);
    const template = out[0]?.spec?.template as V1PodTemplateSpec;
    const pod: V1Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { ...template.metadata, name: 'books-a', namespace: 'demo' },
      spec: template.spec,
      status: { phase: 'Running', podIP: '10.1.0.7', conditions: [{ type: 'Ready', status: 'True' }] },
    };
    const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'books', namespace: 'demo' }, spec: { ports: [{ name: 'http', port: 80, targetPort: 7000 }, { name: 'raw', port: 81, targetPort: 7001 }] } };
    const slice = {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'books-x', namespace: 'demo', labels: { 'kubernetes.io/service-name': 'books' } },
      addressType: 'IPv4',
      endpoints: [{ addresses: ['10.1.0.7'], targetRef: { kind: 'Pod', name: 'books-a', namespace: 'demo' } }],
      ports: [{ name: 'http', port: 7000 }, { name: 'raw', port: 7001 }],
    };
    const registry = kubernetesRegistry({ pods: [pod], services: [service], endpointSlices: [slice] });
    const at = (port: number) => {
      const resolved = resolveAuthority(registry, { service: 'books', namespace: 'demo', port });
      return resolved.exists ? resolved.endpoints.map((e) => [e.addr, e.meshed]) : [];
    };
    expect(at(80)).toEqual([['10.1.0.7:7000', true]]);
    expect(at(81)).toEqual([['10.1.0.7:7001', false]]);
  });

  it('gives the sidecar the cluster networks install recorded, unless --cluster-networks names others', async () => {
    const configReads = () => fake.requests.filter((q) => q.path === '/api/v1/namespaces/signalbox/configmaps/signalbox-config').length;
    const before = configReads();
    const r = await run(['inject', '--kubeconfig', kubeconfig, '-'], deployment);
    expect(r.status, r.stderr).toBe(0);
    expect(envOf(r.stdout, 'SIGNALBOX_CLUSTER_NETWORKS')).toBe('10.32.0.0/12,fd10::/64');
    expect(configReads()).toBe(before + 1);
    const given = await run(['inject', '--kubeconfig', kubeconfig, '--cluster-networks', '192.168.0.0/16', '-'], deployment);
    expect(given.status, given.stderr).toBe(0);
    expect(envOf(given.stdout, 'SIGNALBOX_CLUSTER_NETWORKS')).toBe('192.168.0.0/16');
    expect(configReads()).toBe(before + 1);
  });

  it('refuses to guess the cluster networks when install’s config is missing or holds no CIDRs', async () => {
    fake.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'other', name: 'signalbox-identity-trust-roots' }, data: { 'ca-bundle.crt': installedAnchors } } as never);
    const missing = await run(['inject', '--kubeconfig', kubeconfig, '--namespace', 'other', '-'], deployment);
    expect(missing.status).toBe(1);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toMatch(/cluster networks: ConfigMap other\/signalbox-config on http:\/\/127\.0\.0\.1:\d+: .*--cluster-networks/);
    fake.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'other', name: 'signalbox-config' }, data: { clusterNetworks: '10.0.0.0/33' } } as never);
    const bad = await run(['inject', '--kubeconfig', kubeconfig, '--namespace', 'other', '-'], deployment);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('clusterNetworks "10.0.0.0/33" is not a comma list of CIDRs');
  });

  it('names the ConfigMap it could not read', async () => {
    const r = await run(['inject', '--kubeconfig', kubeconfig, '--namespace', 'elsewhere', '-'], deployment);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/trust anchors: ConfigMap elsewhere\/signalbox-identity-trust-roots on http:\/\/127\.0\.0\.1:\d+: .*--identity-trust-anchors-file/);
  });
});
