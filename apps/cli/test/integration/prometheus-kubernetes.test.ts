// The Prometheus scrape config `signalbox install` ships, checked by Prometheus itself. Debian's prometheus and
// promtool (2.42) are built without the Kubernetes service discovery ("field kubernetes_sd_configs not found"), so
// the test swaps each job's kubernetes_sd_configs for file_sd_configs whose targets carry the `__meta_kubernetes_*`
// labels kubernetes_sd gives a pod's container port, keeping the relabel rules as shipped: `promtool check config`
// validates them, and a real Prometheus applies them, so the resulting target labels are what viz-style queries see.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eventually, freePort, repoRoot, startProcess, type ManagedProcess } from '@signalbox/launch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { buildWorkspace } from '../../../api/test/support/build.js';

type ScrapeConfig = { job_name: string; kubernetes_sd_configs?: { role: string; namespaces?: { names: string[] } }[]; file_sd_configs?: unknown[]; relabel_configs: unknown[] };

let dir: string;
let shipped: { scrape_configs: ScrapeConfig[] };
let prometheus: ManagedProcess | undefined;
let url: string;

/** What kubernetes_sd (role: pod) labels one container port of one pod with. */
const podPort = (o: { ns?: string; pod: string; container: string; port: string; phase?: string; labels?: Record<string, string> }) => ({
  targets: [`127.0.0.1:${9}`],
  labels: {
    __meta_kubernetes_namespace: o.ns ?? 'demo',
    __meta_kubernetes_pod_name: o.pod,
    __meta_kubernetes_pod_container_name: o.container,
    __meta_kubernetes_pod_container_port_name: o.port,
    __meta_kubernetes_pod_phase: o.phase ?? 'Running',
    ...Object.fromEntries(Object.entries(o.labels ?? {}).map(([k, v]) => [`__meta_kubernetes_pod_label_${k.replace(/[^a-zA-Z0-9_]/g, '_')}`, v])),
  },
});

beforeAll(async () => {
  buildWorkspace('apps/cli');
  const out = execFileSync(process.execPath, [path.join(repoRoot, 'apps', 'cli', 'dist', 'main.js'), 'install'], { encoding: 'utf8' });
  const configMap = parseAllDocuments(out)
    .map((d) => d.toJS() as { kind: string; metadata: { name: string }; data?: Record<string, string> })
    .find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'signalbox-prometheus-config');
  shipped = parse(configMap?.data?.['prometheus.yml'] as string) as typeof shipped;
  dir = mkdtempSync(path.join(os.tmpdir(), 'signalbox-prom-k8s-'));
  const targets = path.join(dir, 'pods.json');
  writeFileSync(
    targets,
    JSON.stringify([
      podPort({ pod: 'books-5d8f-x1', container: 'signalbox-proxy', port: 'signalbox-admin', labels: { 'signalbox.io/proxy-deployment': 'books', 'pod-template-hash': '5d8f', app: 'books' } }),
      podPort({ pod: 'db-0', container: 'signalbox-proxy', port: 'signalbox-admin', labels: { 'signalbox.io/proxy-statefulset': 'db' } }),
      podPort({ pod: 'migrate-x', container: 'signalbox-proxy', port: 'signalbox-admin', labels: { 'signalbox.io/proxy-job': 'migrate' } }),
      // Not scraped: the app's own port, the proxy's inbound port, a finished pod.
      podPort({ pod: 'books-5d8f-x1', container: 'books', port: 'http', labels: { 'signalbox.io/proxy-deployment': 'books' } }),
      podPort({ pod: 'books-5d8f-x1', container: 'signalbox-proxy', port: 'signalbox-in', labels: { 'signalbox.io/proxy-deployment': 'books' } }),
      podPort({ pod: 'old-1', container: 'signalbox-proxy', port: 'signalbox-admin', phase: 'Succeeded', labels: { 'signalbox.io/proxy-deployment': 'old' } }),
      podPort({ ns: 'signalbox', pod: 'signalbox-api-1', container: 'api', port: 'http', labels: { 'signalbox.io/control-plane-component': 'api' } }),
    ]),
  );
  const local = {
    ...shipped,
    global: { scrape_interval: '1s', scrape_timeout: '900ms', evaluation_interval: '1s' },
    scrape_configs: shipped.scrape_configs.map(({ kubernetes_sd_configs: _k, ...job }) => ({ ...job, file_sd_configs: [{ files: [targets] }] })),
  };
  writeFileSync(path.join(dir, 'prometheus.yml'), stringify(local));
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  prometheus = startProcess({
    name: 'prometheus',
    command: 'prometheus',
    args: [`--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    logFile: path.join(dir, 'prometheus.log'),
  });
});

afterAll(async () => {
  await prometheus?.stop();
});

describe('Prometheus scrape config for Kubernetes', () => {
  it('discovers pods with kubernetes_sd (the proxy job across namespaces, the controller job in its own)', () => {
    const [proxy, controller] = shipped.scrape_configs;
    expect(proxy?.job_name).toBe('signalbox-proxy');
    expect(proxy?.kubernetes_sd_configs).toEqual([{ role: 'pod' }]);
    expect(controller?.kubernetes_sd_configs).toEqual([{ role: 'pod', namespaces: { names: ['signalbox'] } }]);
  });

  it('passes promtool check config (relabel rules as shipped)', () => {
    const out = execFileSync('promtool', ['check', 'config', path.join(dir, 'prometheus.yml')], { encoding: 'utf8' });
    expect(out).toMatch(/SUCCESS/);
    writeFileSync(path.join(dir, 'bad.yml'), stringify({ scrape_configs: [{ job_name: 'x', file_sd_configs: [{ files: ['x.json'] }], relabel_configs: [{ action: 'labelmapp', regex: '(.+)' }] }] }));
    expect(spawnSync('promtool', ['check', 'config', path.join(dir, 'bad.yml')]).status).not.toBe(0);
  });

  it('keeps only proxies’ signalbox-admin ports and labels them namespace, pod and owner kind, as viz does', async () => {
    type Target = { labels: Record<string, string>; discoveredLabels: Record<string, string> };
    const targets = await eventually(
      async () => {
        const body = (await (await fetch(`${url}/api/v1/targets`)).json()) as { data: { activeTargets: Target[]; droppedTargets: Target[] } };
        expect(body.data.activeTargets).toHaveLength(4);
        return body.data;
      },
      { timeoutMs: 20_000, intervalMs: 200 },
    );
    const byPod = new Map(targets.activeTargets.map((t) => [t.labels.pod, t.labels]));
    expect(byPod.get('books-5d8f-x1')).toEqual({ instance: '127.0.0.1:9', job: 'signalbox-proxy', namespace: 'demo', pod: 'books-5d8f-x1', deployment: 'books', pod_template_hash: '5d8f' });
    expect(byPod.get('db-0')).toMatchObject({ job: 'signalbox-proxy', namespace: 'demo', statefulset: 'db' });
    expect(byPod.get('migrate-x')).toMatchObject({ job: 'signalbox-proxy', k8s_job: 'migrate' });
    expect(byPod.get('signalbox-api-1')).toMatchObject({ job: 'signalbox-controller', namespace: 'signalbox' });
    // Each job sees every port: the proxy job drops the app's port, the inbound port, the finished pod and the
    // control plane's; the controller job keeps only the api.
    expect(targets.droppedTargets).toHaveLength(4 + 6);
  });
});
