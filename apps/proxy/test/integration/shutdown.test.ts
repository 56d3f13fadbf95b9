// Graceful shutdown of a real proxy process: SIGTERM (or, when enabled, POST /shutdown from the pod) while a slow
// request is in flight lets it finish, then the process exits 0 and its listeners refuse connections.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { networkInterfaces } from 'node:os';
import { eventually, freeAddr, makeRunDir, proxyCommand, startProcess, startProxy, type ManagedProcess } from '@signalbox/launch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from '../support/client.js';
import { startEchoServer, type EchoServer } from '../support/echo-server.js';
import { startFakeControlPlane, type FakeControlPlane } from '../support/fake-control-plane.js';

let cp: FakeControlPlane;
let app: EchoServer;
let proc: ManagedProcess | undefined;

beforeAll(async () => {
  cp = await startFakeControlPlane(await freeAddr());
  app = await startEchoServer(await freeAddr());
});
afterAll(async () => {
  await proc?.stop();
  await app.close();
  await cp.close();
});

function refuses(addr: string): Promise<boolean> {
  const [host, port] = addr.split(':') as [string, string];
  return new Promise((resolve) => {
    const s = net.connect({ host, port: Number(port) });
    s.once('connect', () => (s.destroy(), resolve(false)));
    s.once('error', () => resolve(true));
  });
}

type Addrs = { readonly inbound: string; readonly outbound: string; readonly admin: string };

async function startTestProxy(extraArgs: readonly string[] = []): Promise<Addrs> {
  const addrs = { inbound: await freeAddr(), outbound: await freeAddr(), admin: await freeAddr() };
  proc = await startProxy({ dir: makeRunDir('signalbox-proxy-test-'), name: 'proxy', ...addrs, app: app.addr, controlPlaneUrl: cp.url, extraArgs });
  return addrs;
}

const shutdownUrl = 'http://admin/shutdown';

/** Ways to stop a proxy: the flags it needs, and how to ask. */
const stops: [string, readonly string[], (addrs: Addrs, p: ManagedProcess) => Promise<void>][] = [
  ['SIGTERM', [], async (_addrs, p) => void p.child.kill('SIGTERM')],
  [
    'POST /shutdown from the pod (--shutdown-endpoint)',
    ['--shutdown-endpoint'],
    async (addrs, p) => {
      expect((await request(addrs.admin, shutdownUrl, { absolute: false })).status).toBe(405);
      expect((await request(addrs.admin, shutdownUrl, { absolute: false, method: 'POST' })).status).toBe(202);
      await eventually(() => expect(readFileSync(p.logFile, 'utf8')).toMatch(/POST \/shutdown from 127\.0\.0\.1: draining/));
    },
  ],
];

describe('shutdown', () => {
  it.each(stops)('on %s: finishes the in-flight request, exits 0, then refuses', async (_how, flags, stop) => {
    const addrs = await startTestProxy(flags);
    const p = proc as ManagedProcess;
    const before = app.connections();
    const inFlight = request(addrs.inbound, 'http://books.demo/slow?ms=700', { absolute: false });
    // The request has reached the app once the app holds a connection from the proxy.
    await eventually(() => expect(app.connections()).toBeGreaterThan(before));
    await stop(addrs, p);
    const reply = await inFlight;
    expect(reply.status).toBe(200);
    expect(reply.body.toString()).toBe('slow done');
    expect(reply.headers.connection).toBe('close');
    expect(await p.exited).toBe(0);
    expect(await refuses(addrs.inbound)).toBe(true);
    expect(await refuses(addrs.admin)).toBe(true);
  });

  // A connection to the admin's loopback address from this machine's own non-loopback address: a caller from
  // outside the pod as the proxy sees one, with nothing listening beyond loopback.
  const outside = Object.values(networkInterfaces())
    .flat()
    .find((a) => a?.family === 'IPv4' && !a.internal)?.address;
  it.skipIf(outside === undefined)('refuses POST /shutdown from outside the pod with a 403 and keeps serving', async () => {
    const addrs = await startTestProxy(['--shutdown-endpoint']);
    const [host, port] = addrs.admin.split(':') as [string, string];
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request({ host, port: Number(port), method: 'POST', path: '/shutdown', localAddress: outside, agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(403);
    expect((await request(addrs.inbound, 'http://books.demo/still', { absolute: false })).status).toBe(200);
    await proc?.stop();
  });

  it('without --shutdown-endpoint, POST /shutdown is a 404 and the proxy keeps serving', async () => {
    const addrs = await startTestProxy();
    expect((await request(addrs.admin, shutdownUrl, { absolute: false, method: 'POST' })).status).toBe(404);
    expect((await request(addrs.inbound, 'http://books.demo/still', { absolute: false })).status).toBe(200);
    await proc?.stop();
  });

  it('exits 1 naming the flag on bad config', async () => {
    const dir = makeRunDir('signalbox-proxy-test-');
    const bad = startProcess({
      name: 'bad-proxy',
      command: process.execPath,
      args: [...proxyCommand(), '--inbound=nonsense'],
      logFile: `${dir}/bad.log`,
    });
    expect(await bad.exited).toBe(1);
    expect(readFileSync(`${dir}/bad.log`, 'utf8')).toContain('--inbound');
  });
});
