// Latency-aware balancing through a real proxy: two backends of one service, one answering at once and one after
// a delay; P2C over peak-EWMA × pending sends the clear majority to the fast one. Asserts an ordering, not a time.
import http from 'node:http';
import { freeAddr } from '@signalbox/launch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningProxy } from '../../src/app/proxy.js';
import { request } from '../support/client.js';
import { endpoint, startFakeControlPlane, type FakeControlPlane } from '../support/fake-control-plane.js';
import { startInProcessProxy } from '../support/mesh.js';

interface Backend {
  readonly addr: string;
  close(): Promise<void>;
}

async function backend(name: string, delayMs: number): Promise<Backend> {
  const addr = await freeAddr();
  const server = http.createServer((_req, res) => {
    setTimeout(() => res.end(name), delayMs);
  });
  const [host, port] = addr.split(':') as [string, string];
  await new Promise<void>((r) => server.listen(Number(port), host, () => r()));
  return {
    addr,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

let cp: FakeControlPlane;
let fast: Backend;
let slow: Backend;
let proxy: RunningProxy;

beforeAll(async () => {
  cp = await startFakeControlPlane(await freeAddr());
  fast = await backend('fast', 0);
  slow = await backend('slow', 50);
  cp.endpoints('lb.demo:80', [
    { ...endpoint(fast.addr, 'lb-fast', 'lb'), meshed: false },
    { ...endpoint(slow.addr, 'lb-slow', 'lb'), meshed: false },
  ]);
  proxy = await startInProcessProxy({ app: await freeAddr(), controlPlane: cp.url });
});
afterAll(async () => {
  await proxy.shutdown();
  await fast.close();
  await slow.close();
  await cp.close();
});

describe('P2C + peak-EWMA', () => {
  it('sends most requests to the faster of two endpoints', async () => {
    const served: Record<'fast' | 'slow', number> = { fast: 0, slow: 0 };
    const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
    let next = 0;
    const worker = async () => {
      while (next++ < 160) {
        const reply = await request(proxy.outboundAddr, 'http://lb.demo/', { agent });
        expect(reply.status).toBe(200);
        served[reply.body.toString() as 'fast' | 'slow']++;
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    agent.destroy();
    expect(served.fast + served.slow).toBe(160);
    expect(served.fast).toBeGreaterThan(2 * served.slow);
  });
});
