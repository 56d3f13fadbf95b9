// The proxy as it ships (dist/bundle, apps/proxy/bundle.mjs) finds the files the bundler cannot inline: the native
// addons beside the package and prom-client's modules (required at run time). Every other integration test runs
// the bundle too (startProxy); this one checks what would otherwise degrade silently to a fallback.
import { readFileSync } from 'node:fs';
import { freeAddr, makeRunDir, startProxy, type ManagedProcess } from '@signalbox/launch';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadNativeRelay } from '../../src/tcp/native-relay.js';
import { request } from '../support/client.js';
import { startEchoServer, type EchoServer } from '../support/echo-server.js';
import { startFakeControlPlane, type FakeControlPlane } from '../support/fake-control-plane.js';

let cp: FakeControlPlane;
let app: EchoServer;
let proc: ManagedProcess;
const admin = await freeAddr();
const inbound = await freeAddr();

beforeAll(async () => {
  cp = await startFakeControlPlane(await freeAddr());
  app = await startEchoServer(await freeAddr());
  proc = await startProxy({ dir: makeRunDir('signalbox-bundle-test-'), name: 'proxy', inbound, outbound: await freeAddr(), admin, app: app.addr, controlPlaneUrl: cp.url });
});
afterAll(async () => {
  await proc.stop();
  await app.close();
  await cp.close();
});

it('uses the native TCP relay whenever this checkout built it', () => {
  const log = readFileSync(proc.logFile, 'utf8');
  const built = loadNativeRelay();
  expect(log).toContain(built.ok ? 'tcp relay: native' : 'tcp relay: js: ');
});

it('serves requests and exports their metrics through prom-client', async () => {
  expect((await request(inbound, 'http://bundle.test/x')).status).toBe(200);
  const metrics = await request(admin, 'http://admin/metrics', { absolute: false });
  expect(metrics.body.toString()).toMatch(/^request_total\{.*direction="inbound".*\} 1$/m);
});
