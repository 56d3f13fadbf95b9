// A StatefulSet's pod end to end on the static registry: the real api resolves `db.demo` to it with
// `statefulset: db`, the caller's real proxy counts the calls with `dst_statefulset="db"` (and an empty
// `dst_deployment`), file_sd labels db's own proxy `statefulset="db"`, and `stat sts` reads both through a real
// Prometheus, while `stat deploy` does not take db for a deployment; `edges` has web → db as a Deployment to a
// StatefulSet.
import http from 'node:http';
import path from 'node:path';
import { eventually, freeAddr, freePort, makeRunDir, startControlPlane, startPrometheus, startProxy, type ManagedProcess, type RunningPrometheus } from '@signalbox/launch';
import { registrySchema, type Registry } from '@signalbox/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrometheusClient } from '../../src/metrics/prometheus.js';
import { createCallerFactory } from '../../src/trpc/init.js';
import { appRouter } from '../../src/trpc/router.js';
import { buildWorkspace } from '../support/build.js';
import { writeRegistry } from '../support/registry.js';

const processes: ManagedProcess[] = [];
let prometheus: RunningPrometheus | undefined;
let app: http.Server;
let webOutbound: string;
let dbAdmin: string;
let webAdmin: string;
let registry: Registry;

beforeAll(async () => {
  buildWorkspace('apps/api');
  buildWorkspace('apps/proxy');
  const dir = makeRunDir('signalbox-owner-kinds-');
  app = http.createServer((_req, res) => res.end('row\n'));
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  const dbApp = `127.0.0.1:${(app.address() as { port: number }).port}`;
  const proxy = async () => ({ inbound: await freeAddr(), outbound: await freeAddr(), admin: await freeAddr() });
  const db = await proxy();
  const web = await proxy();
  webOutbound = web.outbound;
  webAdmin = web.admin;
  dbAdmin = db.admin;
  const registryFile = path.join(dir, 'registry.yaml');
  registry = registrySchema.parse({
    namespaces: [
      {
        name: 'demo',
        pods: [
          { name: 'db-0', deployment: 'db', ownerKind: 'statefulset', serviceAccount: 'db', app: dbApp, proxy: db },
          { name: 'web-1', deployment: 'web', serviceAccount: 'web', app: await freeAddr(), proxy: web },
        ],
        services: [{ name: 'db', port: 7000, deployment: 'db' }],
      },
    ],
  });
  writeRegistry(registryFile, registry);
  const fileSdPath = path.join(dir, 'targets.json');
  const prometheusPort = await freePort();
  const prometheusUrl = `http://127.0.0.1:${prometheusPort}`;
  const apiAddr = await freeAddr();
  processes.push(await startControlPlane({ dir, listen: apiAddr, registryFile, prometheusUrl, fileSdPath }));
  prometheus = await startPrometheus({ dir: path.join(dir, 'prometheus'), fileSdPath, port: prometheusPort });
  for (const [name, p, appAddr] of [['db-0', db, dbApp], ['web-1', web, '127.0.0.1:9']] as const)
    processes.push(await startProxy({ dir, name, ...p, app: appAddr, controlPlaneUrl: `http://${apiAddr}` }));
});

afterAll(async () => {
  for (const p of processes.reverse()) await p.stop();
  await prometheus?.process.stop();
  await new Promise((resolve) => app?.close(resolve));
});

function callDb(): Promise<number> {
  const [host, port] = webOutbound.split(':') as [string, string];
  return new Promise((resolve, reject) => {
    const req = http.request({ host, port: Number(port), path: 'http://db.demo:7000/', headers: { host: 'db.demo:7000' }, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

async function scrape(admin: string): Promise<string> {
  return (await fetch(`http://${admin}/metrics`)).text();
}

describe('a StatefulSet-owned endpoint', () => {
  it('is labelled dst_statefulset by the caller’s proxy, and its own proxy statefulset by Prometheus: stat sts finds it', async () => {
    await eventually(async () => expect(await callDb()).toBe(200), { timeoutMs: 10_000 });
    const web = await scrape(webAdmin);
    const requests = web.split('\n').filter((l) => l.startsWith('request_total{direction="outbound"'));
    expect(requests).toHaveLength(1);
    expect(requests[0]).toContain('dst_namespace="demo",dst_service="db",dst_deployment="",dst_pod="db-0",dst_serviceaccount="db",dst_statefulset="db"}');

    const caller = createCallerFactory(appRouter)({ registry: () => registry, prometheus: createPrometheusClient({ url: prometheus?.url ?? '' }) });
    const row = await eventually(
      async () => {
        await callDb();
        const result = await caller.stat({ kind: 'statefulset', namespace: 'demo', window: '10s' });
        expect(result.rows.map((r) => r.name)).toEqual(['db']);
        expect(result.rows[0]?.rps).toBeGreaterThan(0);
        return result.rows[0];
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    expect(row).toMatchObject({ kind: 'statefulset', namespace: 'demo', name: 'db', meshedPods: 1, totalPods: 1, successRate: 1 });
    expect((await caller.stat({ kind: 'deployment', namespace: 'demo', window: '10s' })).rows.map((r) => r.name)).toEqual(['web']);
    expect(await scrape(dbAdmin)).toMatch(/request_total\{direction="inbound",/);
  });

  it('is an edge from the Deployment calling it, labelled by kind, with its own proxy’s overhead', async () => {
    const caller = createCallerFactory(appRouter)({ registry: () => registry, prometheus: createPrometheusClient({ url: prometheus?.url ?? '' }) });
    const edge = await eventually(
      async () => {
        await callDb();
        const { edges } = await caller.edges({ namespace: 'demo', window: '10s' });
        expect(edges.map((e) => [e.src, e.dst])).toEqual([[{ namespace: 'demo', kind: 'deployment', name: 'web' }, { namespace: 'demo', kind: 'statefulset', name: 'db' }]]);
        expect(edges[0]?.overheadMs?.p50).toEqual(expect.any(Number));
        return edges[0];
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    expect(edge).toMatchObject({ protocol: 'http', successRate: 1, secured: false, noTlsReason: 'not_provided_by_service_discovery' });
  });
});
