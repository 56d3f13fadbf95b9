// A small mesh for stat tests: one fake proxy (books-1, meshed), one unmeshed pod (web-1), the real api writing
// file_sd, and a real Prometheus scraping it every second. `stop()` stops all of it, in reverse order.
import path from 'node:path';
import { freeAddr, freePort, makeRunDir, startControlPlane, startPrometheus, type ManagedProcess, type RunningPrometheus } from '@signalbox/launch';
import { startFakeProxy, type FakeProxy } from './fake-proxy.js';
import { writeRegistry, type RegistryInput } from './registry.js';

export interface StatFixture {
  readonly dir: string;
  readonly apiAddr: string;
  readonly apiUrl: string;
  readonly api: ManagedProcess;
  readonly prometheus: RunningPrometheus;
  readonly proxy: FakeProxy;
  readonly registry: RegistryInput;
  stop(): Promise<void>;
}

export async function startStatFixture(): Promise<StatFixture> {
  const dir = makeRunDir('signalbox-stat-');
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s();
  };
  try {
    const proxy = await startFakeProxy();
    stops.push(() => proxy.close());
    const registry: RegistryInput = {
      namespaces: [
        {
          name: 'demo',
          pods: [
            { name: 'books-1', deployment: 'books', app: await freeAddr(), proxy: { inbound: await freeAddr(), outbound: await freeAddr(), admin: proxy.admin } },
            { name: 'web-1', deployment: 'web', app: await freeAddr() },
          ],
          services: [{ name: 'books', port: 7000, deployment: 'books' }],
        },
      ],
    };
    const registryFile = path.join(dir, 'registry.yaml');
    writeRegistry(registryFile, registry);
    const fileSdPath = path.join(dir, 'targets.json');
    // The api starts first, so the file_sd file exists when Prometheus first reads it.
    const prometheusPort = await freePort();
    const apiAddr = await freeAddr();
    const api = await startControlPlane({ dir, listen: apiAddr, registryFile, prometheusUrl: `http://127.0.0.1:${prometheusPort}`, fileSdPath });
    stops.push(() => api.stop());
    const prometheus = await startPrometheus({ dir: path.join(dir, 'prometheus'), fileSdPath, port: prometheusPort });
    stops.push(() => prometheus.process.stop());
    return { dir, apiAddr, apiUrl: `http://${apiAddr}`, api, prometheus, proxy, registry, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
