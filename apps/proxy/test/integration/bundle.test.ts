// The proxy as it ships (dist/bundle, apps/proxy/bundle.mjs) loads what the bundler leaves outside: the native
// addons beside the package and prom-client's modules (CommonJS, required at run time). Most integration tests
// run the proxy in-process from its sources; the ones that start it as a process (startProxy) run the bundle, and
// this one reaches each of those run-time loads, which would otherwise fail only when first used.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { eventually, freeAddr, makeRunDir, startProxy, type ManagedProcess } from '@signalbox/launch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadNativeRelay } from '../../src/tcp/native-relay.js';
import { request } from '../support/client.js';
import { startEchoServer, type EchoServer } from '../support/echo-server.js';
import { endpoint, startFakeControlPlane, type FakeControlPlane } from '../support/fake-control-plane.js';
import { strangerIssuer, testMaterial } from '../support/identity.js';
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

// What a proxy does not use stays unloaded, each a few hundred KB of heap and of the node binary's pages per proxy:
// Node's ESM loader (the bundle is CommonJS), node:cluster with child_process (Server#listen's, bind.ts), the
// promise-based fs, node:http (admin/http.ts), node:perf_hooks (clock.ts), and without an identity or a tap token
// TLS and crypto; HTTP/2 until a connection speaks it. Nor does it compile parsers from strings (zod-jitless.ts).
it('loads only the built-in modules a plaintext HTTP/1 proxy uses, and makes no functions from strings', async () => {
  const dir = makeRunDir('signalbox-bundle-modules-');
  const list = path.join(dir, 'modules.txt');
  const stringCode = path.join(dir, 'string-code.txt');
  const preload = (file: string) => `--require=${path.join(import.meta.dirname, '../support', file)}`;
  const addr = await freeAddr();
  const adminAddr = await freeAddr();
  const outboundAddr = await freeAddr();
  const plain = await startProxy({
    dir,
    name: 'proxy',
    inbound: addr,
    outbound: outboundAddr,
    admin: adminAddr,
    app: app.addr,
    controlPlaneUrl: cp.url,
    env: { NODE_OPTIONS: `${preload('module-list.cjs')} ${preload('string-code.cjs')}`, SIGNALBOX_MODULE_LIST: list, SIGNALBOX_STRING_CODE: stringCode },
  });
  try {
    expect((await request(addr, 'http://bundle.test/modules')).status).toBe(200);
    // Through discovery too: its answers are zod-parsed, as the flags were at start.
    cp.endpoints('modules.demo:80', [{ ...endpoint(app.addr, 'modules-0', 'modules'), meshed: false }]);
    expect((await request(outboundAddr, 'http://modules.demo/discovered')).status).toBe(200);
    expect((await request(adminAddr, 'http://admin/metrics', { absolute: false })).status).toBe(200);
  } finally {
    await plain.stop();
  }
  const loaded = readFileSync(list, 'utf8')
    .split('\n')
    .filter((m) => m.startsWith('NativeModule '))
    .map((m) => m.slice('NativeModule '.length));
  expect(loaded).toContain('net');
  const unused = ['internal/modules/esm/translators', 'internal/modules/esm/module_job', 'cluster', 'child_process', 'dgram', 'fs/promises', 'http', 'https', 'perf_hooks', 'tls', 'crypto', 'http2'];
  expect(loaded.filter((m) => unused.includes(m))).toEqual([]);
  expect(readFileSync(stringCode, 'utf8')).toBe('0');
});

// The #! line's --use-openssl-ca: the proxy's own TLS never uses a public CA (mTLS trusts only the mesh's anchors),
// and parsing Node's bundled list cost a process's first TLS context ~1 MB. What is left to trust publicly is an https
// control plane, and that is the system's store, as OpenSSL reads it: SSL_CERT_FILE here.
describe('an https control plane', () => {
  const proxyBehindHttpsControlPlane = async (env: Record<string, string>) => {
    const ca = await strangerIssuer();
    const server = await testMaterial(ca, 'localhost');
    const dir = makeRunDir('signalbox-bundle-https-cp-');
    const caFile = path.join(dir, 'ca.pem');
    writeFileSync(caFile, ca.trustAnchorsPem);
    const cp = await startFakeControlPlane(await freeAddr(), { tls: { keyPem: server.keyPem, certPem: server.leafPem + server.chainPem.join(''), name: 'localhost' } });
    cp.endpoints('web.demo:80', [{ ...endpoint(app.addr, 'web-0', 'web'), meshed: false }]);
    const outbound = await freeAddr();
    const running = await startProxy({
      dir,
      name: 'proxy',
      inbound: await freeAddr(),
      outbound,
      admin: await freeAddr(),
      app: app.addr,
      controlPlaneUrl: cp.url,
      extraArgs: ['--failfast-timeout=1000'],
      env: { SSL_CERT_FILE: caFile, ...env },
    });
    const stop = async () => {
      await running.stop();
      await cp.close();
    };
    return { cp, outbound, running, stop };
  };

  it('is trusted when the system store (SSL_CERT_FILE) holds its CA', async () => {
    const { cp, outbound, stop } = await proxyBehindHttpsControlPlane({});
    try {
      expect(cp.url).toMatch(/^https:/);
      const reply = await request(outbound, 'http://web.demo/through-https');
      expect(reply.status).toBe(200);
    } finally {
      await stop();
    }
  });

  it('is refused, and logged, when the store does not', async () => {
    const other = makeRunDir('signalbox-bundle-https-cp-other-');
    writeFileSync(path.join(other, 'ca.pem'), (await strangerIssuer()).trustAnchorsPem);
    const { outbound, running, stop } = await proxyBehindHttpsControlPlane({ SSL_CERT_FILE: path.join(other, 'ca.pem') });
    try {
      const reply = await request(outbound, 'http://web.demo/refused');
      expect(reply.status).toBe(503);
      expect(readFileSync(running.logFile, 'utf8')).toMatch(/destination stream for web\.demo:80: .*(certificate|issuer)/);
    } finally {
      await stop();
    }
  });
});
