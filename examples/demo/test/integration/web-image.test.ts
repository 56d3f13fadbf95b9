// The web image's runtime tree, built as deploy/docker/web.Dockerfile builds it (runtime-tree.mjs with the
// Dockerfile's own arguments) and started as the image starts it (its ENTRYPOINT script, from the tree's root,
// NODE_ENV=production), against a real control plane. No Docker engine runs here: this is the closest check that the
// traced tree holds everything the dashboard's server loads. Needs the dashboard built (`npm run build`).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { freeAddr, freePort, makeRunDir, repoRoot, startControlPlane, startProcess, waitForHttp, type ManagedProcess } from '@signalbox/launch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { dockerfileInstructions, entrypointScript, runtimeTreeArgs } from '../support/dockerfile.js';

const dockerfile = dockerfileInstructions(readFileSync(path.join(repoRoot, 'deploy/docker/web.Dockerfile'), 'utf8'));
const dir = makeRunDir('signalbox-web-image-');
const tree = path.join(dir, 'tree');
const processes: ManagedProcess[] = [];
let web: string;

beforeAll(async () => {
  const [, ...args] = runtimeTreeArgs(dockerfile) ?? [];
  execFileSync(process.execPath, ['deploy/docker/runtime-tree.mjs', tree, ...args], { cwd: repoRoot, stdio: 'inherit' });
  const api = await freeAddr();
  processes.push(
    await startControlPlane({
      dir,
      listen: api,
      registryFile: path.join(repoRoot, 'examples/demo/compose/registry.yaml'),
      prometheusUrl: `http://${await freeAddr()}`,
      fileSdPath: path.join(dir, 'file-sd.json'),
    }),
  );
  web = `127.0.0.1:${await freePort()}`;
  const proc = startProcess({
    name: 'web-image',
    command: process.execPath,
    args: [entrypointScript(dockerfile) ?? '', '-H', '127.0.0.1', '-p', web.split(':')[1] ?? ''],
    cwd: tree,
    env: { NODE_ENV: 'production', SIGNALBOX_API_URL: `http://${api}` },
    logFile: path.join(dir, 'web.log'),
  });
  processes.push(proc);
  await waitForHttp(`http://${web}/healthz`, proc, 60_000);
});
afterAll(async () => {
  for (const p of processes.reverse()) await p.stop();
  // The logs stay in the run directory; the tree is a copy of the build.
  rmSync(tree, { recursive: true, force: true });
});

/** Bytes under a directory, symlinks not followed (as the image's layer stores them). */
const treeBytes = (root: string): number =>
  readdirSync(root, { recursive: true, encoding: 'utf8' }).reduce((sum, f) => sum + (statSync(path.join(root, f), { throwIfNoEntry: false })?.size ?? 0), 0);

describe('the web image runtime tree, run outside Docker', () => {
  it('is small: no control plane, no image optimizer, none of next’s build-time compilers', () => {
    for (const absent of ['apps/api', 'node_modules/sharp', 'node_modules/@img', 'node_modules/typescript', 'node_modules/next/dist/compiled/webpack'])
      expect(existsSync(path.join(tree, absent)), absent).toBe(false);
    expect(readdirSync(path.join(tree, 'node_modules/@next'))).not.toContainEqual(expect.stringMatching(/^swc-/));
    expect(treeBytes(tree)).toBeLessThan(40e6);
  });

  it('answers /healthz and renders a page whose browser assets it serves', async () => {
    expect((await fetch(`http://${web}/healthz`)).status).toBe(200);
    const page = await fetch(`http://${web}/namespaces/demo`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<title>demo · Signalbox</title>');
    expect(html).toContain('<h1>Namespace <span class="resource-name">demo</span></h1>');
    const assets = [...html.matchAll(/(?:src|href)="(\/_next\/static\/[^"]+)"/g)].map((m) => m[1] ?? '');
    expect(assets.length).toBeGreaterThan(0);
    for (const asset of assets) expect((await fetch(`http://${web}${asset}`)).status, asset).toBe(200);
  });

  it('has the image optimizer off, so nothing asks for the sharp the tree leaves out', async () => {
    expect((await fetch(`http://${web}/_next/image?url=%2Ficon.svg&w=64&q=75`)).status).toBe(404);
  });

  it('forwards tRPC calls to the control plane', async () => {
    const res = await fetch(`http://${web}/api/trpc/namespaces`);
    expect(res.status).toBe(200);
    expect(JSON.stringify(await res.json())).toContain('"demo"');
  });

  it('relays tap to the control plane (ws and @signalbox/shared traced into the tree)', async () => {
    const ws = new WebSocket(`ws://${web}/api/tap`);
    ws.on('open', () => ws.send(JSON.stringify({ v: 1, target: { namespace: 'demo', kind: 'deployment', name: 'ghost' } })));
    const [code, reason] = await new Promise<[number, string]>((resolve) => ws.on('close', (c, r) => resolve([c, String(r)])));
    expect(code).toBe(1008);
    expect(reason).toMatch(/^SB_TAP_UNKNOWN_RESOURCE/);
  });
});
