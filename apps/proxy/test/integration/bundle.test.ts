// The proxy as it ships (dist/bundle, apps/proxy/bundle.mjs) loads what the bundler leaves outside: the native
// addons beside the package and prom-client's modules (CommonJS, required at run time). Most integration tests
// run the proxy in-process from its sources; the ones that start it as a process (startProxy) run the bundle, and
// this one reaches each of those run-time loads, which would otherwise fail only when first used.
import { readFileSync } from 'node:fs';
import { eventually, freeAddr, makeRunDir, startProxy, type ManagedProcess } from '@signalbox/launch';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadNativeRelay } from '../../src/tcp/native-relay.js';
import { request } from '../support/client.js';
import { startEchoServer, type EchoServer } from '../support/echo-server.js';
import { startFakeControlPlane, type FakeControlPlane } from '../support/fake-control-plane.js';
import { openTap } from '../support/tap-client.js';

let cp: FakeControlPlane;
let app: EchoServer;
let proc: ManagedProcess;
const token = 'bundle-test-tap-token-0123456789';
const admin = await freeAddr();
const inbound = await freeAddr();

beforeAll(async () => {
  cp = await startFakeControlPlane(await freeAddr());
  app = await startEchoServer(await freeAddr());
  proc = await startProxy({ dir: makeRunDir('signalbox-bundle-test-'), name: 'proxy', inbound, outbound: await freeAddr(), admin, app: app.addr, controlPlaneUrl: cp.url, extraArgs: [`--tap-token=${token}`] });
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

it('streams tap events to a WebSocket subscriber', async () => {
  const tap = await openTap(`ws://${admin}/tap`, { v: 1, maxRps: 100, extractHeaders: false }, token);
  try {
    await eventually(async () => {
      expect((await request(inbound, 'http://bundle.test/tapped')).status).toBe(200);
      expect(tap.events().some((e) => 'requestInit' in e && e.requestInit.path === '/tapped')).toBe(true);
    });
  } finally {
    tap.close();
  }
});
