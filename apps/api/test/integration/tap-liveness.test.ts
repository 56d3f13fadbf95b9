// Tap liveness end to end: a real api (static registry, --tap-ping-interval short) taps a real proxy, the proxy is
// frozen with SIGSTOP (its socket stays open, as with a hung process or a half-open connection), and the client must
// hear that the pod stopped answering, through the same notice a proxy restart gives, while its stream stays open.
import path from 'node:path';
import { eventually, freeAddr, makeRunDir, startControlPlane, startProxy, type ManagedProcess } from '@signalbox/launch';
import { registrySchema } from '@signalbox/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from '../../../proxy/test/support/client.js';
import { startEchoServer, type EchoServer } from '../../../proxy/test/support/echo-server.js';
import { openTap, type TapClient } from '../../../proxy/test/support/tap-client.js';
import { buildWorkspace } from '../support/build.js';
import { writeRegistry } from '../support/registry.js';

const TOKEN = 'test-tap-token-0123456789';
const PING_MS = 200;
const processes: ManagedProcess[] = [];
let app: EchoServer;
let apiAddr: string;
let books: ManagedProcess;
let inbound: string;
let client: TapClient | undefined;

beforeAll(async () => {
  buildWorkspace('apps/api');
  buildWorkspace('apps/proxy');
  const dir = makeRunDir('signalbox-tap-liveness-');
  app = await startEchoServer(await freeAddr(), 'books-0');
  const proxy = { inbound: await freeAddr(), outbound: await freeAddr(), admin: await freeAddr() };
  inbound = proxy.inbound;
  const registryFile = path.join(dir, 'registry.yaml');
  writeRegistry(
    registryFile,
    registrySchema.parse({
      namespaces: [{ name: 'demo', pods: [{ name: 'books-0', deployment: 'books', serviceAccount: 'books', app: app.addr, proxy }], services: [] }],
    }),
  );
  apiAddr = await freeAddr();
  processes.push(
    await startControlPlane({
      dir,
      listen: apiAddr,
      registryFile,
      prometheusUrl: 'http://127.0.0.1:9',
      fileSdPath: path.join(dir, 'targets.json'),
      extraArgs: [`--tap-token=${TOKEN}`, `--tap-ping-interval=${PING_MS}ms`],
    }),
  );
  books = await startProxy({ dir, name: 'books-0', ...proxy, app: app.addr, controlPlaneUrl: `http://${apiAddr}`, extraArgs: [`--tap-token=${TOKEN}`] });
  processes.push(books);
});

afterAll(async () => {
  client?.ws.terminate();
  if (books && books.child.exitCode === null && books.child.signalCode === null) process.kill(books.pid, 'SIGCONT');
  for (const p of processes.reverse()) await p.stop();
  await app?.close();
});

describe('tap liveness', () => {
  it('tells the client a frozen proxy stopped answering, keeps the stream open, and resumes when it thaws', async () => {
    client = await openTap(`ws://${apiAddr}/v1/tap`, { v: 1, target: { namespace: 'demo', kind: 'deployment', name: 'books' } });
    const tapped = () => client!.events().filter((e) => 'requestInit' in e).length;
    // The subscription is in place once a request shows up in the stream.
    await eventually(
      async () => {
        await request(inbound, `http://${app.addr}/books`, { absolute: false });
        expect(tapped()).toBeGreaterThan(0);
      },
      { timeoutMs: 20_000, intervalMs: 100 },
    );
    process.kill(books.pid, 'SIGSTOP');
    try {
      await eventually(
        () =>
          expect(client!.messages).toContainEqual({
            type: 'error',
            code: 'SB_TAP_PROXY_UNAVAILABLE',
            message: expect.stringMatching(/stopped answering \(no pong within 200 ms\); retrying$/),
            pod: 'demo/books-0',
          }),
        // A few intervals; the bound is generous for a loaded machine, not a timing claim.
        { timeoutMs: 20 * PING_MS, intervalMs: 50 },
      );
      expect(client.ws.readyState).toBe(client.ws.OPEN);
    } finally {
      process.kill(books.pid, 'SIGCONT');
    }
    // Thawed, the proxy is tapped again through the usual reconnect.
    const before = tapped();
    await eventually(
      async () => {
        await request(inbound, `http://${app.addr}/books`, { absolute: false });
        expect(tapped()).toBeGreaterThan(before);
      },
      { timeoutMs: 20_000, intervalMs: 200 },
    );
  });
});
