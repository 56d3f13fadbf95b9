// `signalbox install | uninstall | inject` as built: every object they print is valid against the Kubernetes API
// schemas (and the validator is shown to bite), RBAC is least privilege, inject reads files, directories and stdin,
// and refuses invalid YAML with nothing on stdout. (Prometheus' scrape config: prometheus-kubernetes.test.ts.)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { identityDirPaths, initIdentityDir } from '@signalbox/api';
import { repoRoot } from '@signalbox/launch';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { buildWorkspace } from '../../../api/test/support/build.js';
import { defaultImageRegistry, imageDockerfiles } from '../../src/kube/mesh.js';
import { assertValidKubeObjects, kubeSchemaProblems } from '../support/kube-schema.js';

const cli = path.join(repoRoot, 'apps', 'cli', 'dist', 'main.js');
const fixtures = path.join(repoRoot, 'apps', 'cli', 'test', 'fixtures', 'workloads');

function run(args: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { input, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; [k: string]: unknown };
const docs = (yaml: string) => parseAllDocuments(yaml).map((d) => d.toJS() as Obj);
const find = (objects: Obj[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name) as Obj & Record<string, never>;

/** The anchors a user passes to inject: those of a CA made as install makes one. */
let anchors: string;

beforeAll(async () => {
  buildWorkspace('apps/cli');
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'signalbox-inject-ca-')), 'ca');
  await initIdentityDir(dir);
  anchors = identityDirPaths(dir).trustAnchorsFile;
});

describe('schema validation helper', () => {
  it('bites: an unknown field, a wrong type and a missing required field each fail', async () => {
    const deployment = (container: object) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'x' },
      spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [container] } } },
    });
    expect(await kubeSchemaProblems(deployment({ name: 'c', image: 'i' }))).toEqual([]);
    expect(await kubeSchemaProblems(deployment({ name: 'c', image: 'i', portz: [] }))).toEqual(['Deployment/x.spec.template.spec.containers[0].portz: unknown field (not in V1Container)']);
    expect((await kubeSchemaProblems(deployment({ name: 'c', ports: [{ containerPort: 'http' }] }))).join('\n')).toMatch(/containerPort.*(integer|number)/);
    expect((await kubeSchemaProblems(deployment({ image: 'i' }))).join('\n')).toMatch(/must have required property '?name'?/);
    expect(await kubeSchemaProblems({ apiVersion: 'v1', kind: 'Pdo', metadata: { name: 'x' } })).toEqual(['Pdo/x: no such kind in the Kubernetes API (v1)']);
    await expect(assertValidKubeObjects([deployment({ name: 'c', imagePullPolicy: 7 })])).rejects.toThrow(/imagePullPolicy/);
  });
});

describe('signalbox install', () => {
  let objects: Obj[];
  beforeAll(() => {
    const r = run(['install']);
    expect(r.status, r.stderr).toBe(0);
    objects = docs(r.stdout);
  });

  it('prints valid Kubernetes objects, namespace first', async () => {
    expect(objects[0]).toMatchObject({ kind: 'Namespace', metadata: { name: 'signalbox' } });
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(
      expect.arrayContaining([
        'ServiceAccount/signalbox-api',
        'ClusterRole/signalbox-api-signalbox',
        'ClusterRoleBinding/signalbox-api-signalbox',
        'Secret/signalbox-identity-issuer',
        'ConfigMap/signalbox-identity-trust-roots',
        'ConfigMap/signalbox-config',
        'Deployment/signalbox-api',
        'Service/signalbox-api',
        'Deployment/signalbox-web',
        'Service/signalbox-web',
        'Deployment/signalbox-prometheus',
        'ConfigMap/signalbox-prometheus-config',
      ]),
    );
    await assertValidKubeObjects(objects);
  });

  it('records the cluster networks for inject: Linkerd’s by default, --cluster-networks replacing them, a bad CIDR refused', async () => {
    expect(find(objects, 'ConfigMap', 'signalbox-config').data).toEqual({ clusterNetworks: '10.0.0.0/8,100.64.0.0/10,172.16.0.0/12,192.168.0.0/16,fd00::/8' });
    const r = run(['install', '--cluster-networks', '10.32.0.0/12, fd10::/64']);
    expect(r.status, r.stderr).toBe(0);
    const custom = docs(r.stdout);
    expect(find(custom, 'ConfigMap', 'signalbox-config').data).toEqual({ clusterNetworks: '10.32.0.0/12,fd10::/64' });
    await assertValidKubeObjects(custom);
    const bad = run(['install', '--cluster-networks', '10.0.0.0/40']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('is not a comma list of CIDRs');
  });

  it('grants the control plane read access to what discovery watches and create on tokenreviews, nothing more', () => {
    const rules = (find(objects, 'ClusterRole', 'signalbox-api-signalbox') as unknown as { rules: { apiGroups: string[]; resources: string[]; verbs: string[] }[] }).rules;
    for (const r of rules) expect(r.verbs.some((v) => ['create', 'update', 'patch', 'delete', '*'].includes(v)) ? r.resources : []).toEqual(r.resources.includes('tokenreviews') ? ['tokenreviews'] : []);
    expect(rules.find((r) => r.resources.includes('tokenreviews'))?.verbs).toEqual(['create']);
    expect(rules.flatMap((r) => r.resources)).toEqual(expect.arrayContaining(['pods', 'services', 'endpointslices', 'replicasets', 'deployments']));
    expect(JSON.stringify(rules)).not.toContain('"*"');
    expect(rules.flatMap((r) => r.resources)).not.toContain('secrets');
  });

  it('generates an issuer signed by the trust anchor it installs', async () => {
    const { X509Certificate } = await import('node:crypto');
    const secret = find(objects, 'Secret', 'signalbox-identity-issuer') as unknown as { stringData: Record<string, string> };
    const roots = find(objects, 'ConfigMap', 'signalbox-identity-trust-roots') as unknown as { data: Record<string, string> };
    const issuer = new X509Certificate(secret.stringData['tls.crt'] as string);
    const anchor = new X509Certificate(roots.data['ca-bundle.crt'] as string);
    expect(issuer.verify(anchor.publicKey)).toBe(true);
    expect(secret.stringData['tls.key']).toMatch(/BEGIN PRIVATE KEY/);
    expect(JSON.stringify(objects)).not.toMatch(/root\.signalbox[\s\S]*BEGIN PRIVATE KEY[\s\S]*BEGIN PRIVATE KEY/);
  });

  it('--ha: 3 replicas, required anti-affinity and PodDisruptionBudgets, still valid', async () => {
    const r = run(['install', '--ha', '--namespace', 'mesh']);
    expect(r.status, r.stderr).toBe(0);
    const ha = docs(r.stdout);
    await assertValidKubeObjects(ha);
    const api = find(ha, 'Deployment', 'signalbox-api') as unknown as { metadata: { namespace: string }; spec: { replicas: number; template: { spec: { affinity: unknown } } } };
    expect(api.metadata.namespace).toBe('mesh');
    expect(api.spec.replicas).toBe(3);
    expect(api.spec.template.spec.affinity).toMatchObject({ podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname' }] } });
    expect(ha.filter((o) => o.kind === 'PodDisruptionBudget').map((o) => o.metadata.name)).toEqual(['signalbox-api', 'signalbox-web']);
  });

  it('installs the user’s CA files, and refuses an anchor without its issuer', async () => {
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'signalbox-ca-')), 'ca');
    await initIdentityDir(dir);
    const files = identityDirPaths(dir);
    const r = run(['install', `--identity-trust-anchors-file=${files.trustAnchorsFile}`, `--identity-issuer-certificate-file=${files.issuerCertFile}`, `--identity-issuer-key-file=${files.issuerKeyFile}`]);
    expect(r.status, r.stderr).toBe(0);
    const roots = find(docs(r.stdout), 'ConfigMap', 'signalbox-identity-trust-roots') as unknown as { data: Record<string, string> };
    expect(roots.data['ca-bundle.crt']).toBe(readFileSync(files.trustAnchorsFile, 'utf8'));
    const partial = run(['install', `--identity-trust-anchors-file=${files.trustAnchorsFile}`]);
    expect(partial.status).toBe(1);
    expect(partial.stdout).toBe('');
    expect(partial.stderr).toMatch(/needs --identity-issuer-certificate-file and --identity-issuer-key-file/);
  });
});

describe('signalbox uninstall', () => {
  it('lists every object install creates (a kubectl-delete-ready List), cluster-scoped RBAC included', async () => {
    const r = run(['uninstall']);
    expect(r.status).toBe(0);
    const [list] = docs(r.stdout) as unknown as [{ kind: string; items: Obj[] }];
    expect(list.kind).toBe('List');
    const installed = docs(run(['install', '--ha']).stdout).map((o) => `${o.kind}/${o.metadata.name}`).sort();
    expect(list.items.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(installed);
    expect(list.items.at(-1)?.kind).toBe('Namespace');
    await assertValidKubeObjects(list.items.filter((o) => o.kind === 'Namespace' || o.kind === 'ServiceAccount'));
  });
});

describe('signalbox inject', () => {
  it('injects every workload of files and directories, leaves the rest as written, and the output is valid', async () => {
    const r = run(['inject', '--identity-trust-anchors-file', anchors, path.join(fixtures, 'app.yaml'), fixtures]);
    expect(r.status, r.stderr).toBe(0);
    const out = docs(r.stdout);
    await assertValidKubeObjects(out);
    expect(r.stdout).toContain('# keep me as I am\napiVersion: v1\nkind: ConfigMap');
    expect(r.stderr.trim().split('\n')).toEqual([
      'deployment/books injected',
      'deployment/books injected',
      'statefulset/db injected',
      'daemonset/agent injected',
      'replicaset/rs injected',
      'job/migrate injected',
      'cronjob/report injected',
      'pod/debug injected',
      'deployment/legacy disabled by annotation',
    ]);
    const books = find(out, 'Deployment', 'books') as unknown as { spec: { template: { metadata: { labels: Record<string, string> }; spec: { containers: Record<string, never>[]; initContainers: Record<string, never>[]; volumes: unknown[] } } } };
    const t = books.spec.template;
    expect(t.metadata.labels['signalbox.io/proxy-deployment']).toBe('books');
    const proxy = t.spec.containers[0] as unknown as { name: string; ports: { name: string; containerPort: number }[]; securityContext: Record<string, unknown>; readinessProbe: unknown; livenessProbe: unknown };
    expect(proxy.name).toBe('signalbox-proxy');
    expect(proxy.ports).toEqual([
      { name: 'signalbox-out', containerPort: 4140 },
      { name: 'signalbox-in', containerPort: 4143 },
      { name: 'signalbox-admin', containerPort: 4191 },
      { name: 'signalbox-tap', containerPort: 4190 },
    ]);
    expect((proxy as unknown as { env: { name: string; value?: string }[] }).env).toContainEqual({ name: 'SIGNALBOX_IDENTITY_TRUST_ANCHORS', value: readFileSync(anchors, 'utf8') });
    expect(proxy.securityContext).toMatchObject({ runAsUser: 2102, runAsNonRoot: true, readOnlyRootFilesystem: true });
    expect(proxy.readinessProbe).toMatchObject({ httpGet: { path: '/ready', port: 'signalbox-admin' } });
    expect(proxy.livenessProbe).toMatchObject({ httpGet: { path: '/live', port: 'signalbox-admin' } });
    expect(t.spec.volumes).toContainEqual({
      name: 'signalbox-identity-token',
      projected: { sources: [{ serviceAccountToken: { audience: 'identity.signalbox.io', expirationSeconds: 86400, path: 'token' } }] },
    });
    const init = t.spec.initContainers[0] as unknown as { name: string; securityContext: { capabilities: { add: string[] } } };
    expect(init.name).toBe('signalbox-init');
    expect(init.securityContext.capabilities.add).toEqual(['NET_ADMIN', 'NET_RAW']);
  });

  it('reads stdin, with --skip-outbound-ports, and injecting twice is injecting once', () => {
    const input = run(['inject', '--identity-trust-anchors-file', anchors, path.join(fixtures, 'app.yaml')]).stdout;
    const again = run(['inject', '--identity-trust-anchors-file', anchors, '-', '--skip-outbound-ports', '3306,5432'], input);
    expect(again.status).toBe(0);
    expect(again.stdout).toBe(input);
    expect(again.stderr).toContain('deployment/books already injected');
    const skipping = run(['inject', '--identity-trust-anchors-file', anchors, '--skip-outbound-ports', '3306,5432', '--skip-inbound-ports', '22'], readFileSync(path.join(fixtures, 'app.yaml'), 'utf8'));
    expect(skipping.status).toBe(0);
    expect(skipping.stdout).toContain('-A SIGNALBOX_OUTPUT -p tcp -m multiport --dports 3306,5432 -j RETURN');
    expect(skipping.stdout).toContain('-A SIGNALBOX_INBOUND -p tcp -m multiport --dports 4190,4191,22 -j RETURN');
  });

  it('gives the proxies the cluster networks: Linkerd’s by default, --cluster-networks replacing them, a bad CIDR refused', () => {
    const app = readFileSync(path.join(fixtures, 'app.yaml'), 'utf8');
    const env = (out: string) => /name: SIGNALBOX_CLUSTER_NETWORKS\n\s+value: (\S+)/.exec(out)?.[1];
    expect(env(run(['inject', '--identity-trust-anchors-file', anchors], app).stdout)).toBe('10.0.0.0/8,100.64.0.0/10,172.16.0.0/12,192.168.0.0/16,fd00::/8');
    expect(env(run(['inject', '--identity-trust-anchors-file', anchors, '--cluster-networks', '10.96.0.0/12, fd00:10::/64'], app).stdout)).toBe('10.96.0.0/12,fd00:10::/64');
    const bad = run(['inject', '--identity-trust-anchors-file', anchors, '--cluster-networks', '10.0.0.0/40'], app);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('is not a comma list of CIDRs');
  });

  it('refuses invalid YAML with the document number and reason: exit 1, nothing on stdout', () => {
    const r = run(['inject', '--identity-trust-anchors-file', anchors], 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: [oops\n');
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^signalbox inject: stdin: document 2: /);
    const bad = run(['inject', '--skip-inbound-ports', 'http'], '');
    expect(bad.status).toBe(2);
  });

  it('refuses to inject without trust anchors: no file, no cluster, or a file that is not PEM', () => {
    const pod = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: app, image: a}]}\n';
    const none = spawnSync(process.execPath, [cli, 'inject'], { input: pod, encoding: 'utf8', env: { ...process.env, KUBECONFIG: '', KUBERNETES_SERVICE_HOST: '', HOME: mkdtempSync(path.join(os.tmpdir(), 'no-kube-')) } });
    expect(none.status).toBe(1);
    expect(none.stdout).toBe('');
    expect(none.stderr).toMatch(/^signalbox inject: the proxies need the mesh's trust anchors: no Kubernetes API .*--identity-trust-anchors-file/);
    const notPem = run(['inject', '--identity-trust-anchors-file', path.join(fixtures, 'app.yaml')], pod);
    expect(notPem.status).toBe(1);
    expect(notPem.stderr).toMatch(/app\.yaml: not a PEM certificate/);
  });
});

describe('the images the manifests name', () => {
  it('are each built by a Dockerfile in this repository; the init image has the iptables its script runs', () => {
    const install = run(['install']);
    const inject = run(['inject', '--identity-trust-anchors-file', anchors, path.join(fixtures, 'app.yaml')]);
    expect(install.status, install.stderr).toBe(0);
    expect(inject.status, inject.stderr).toBe(0);
    const ours = [...`${install.stdout}\n${inject.stdout}`.matchAll(/image: (\S+)/g)]
      .map((m) => m[1] ?? '')
      .filter((i) => i.startsWith(`${defaultImageRegistry}/`));
    const names = [...new Set(ours.map((i) => i.slice(defaultImageRegistry.length + 1).split(':')[0] ?? ''))].sort();
    expect(names).toEqual(Object.keys(imageDockerfiles).sort());
    for (const file of Object.values(imageDockerfiles)) expect(existsSync(path.join(repoRoot, file)), file).toBe(true);
    const init = readFileSync(path.join(repoRoot, imageDockerfiles['proxy-init']), 'utf8');
    expect(init).toMatch(/apt-get install .*\biptables\b/);
    expect(init).toMatch(/^FROM debian:/m); // the init container's command is /bin/sh -c <script>
  });
});
