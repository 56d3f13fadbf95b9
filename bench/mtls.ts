// The cost of mTLS on a meshed pair: the same outbound → inbound pair as `signalbox pair (peer …)`, but both proxies
// certify with the real identity service (the api, per-run CA) and every request crosses the pair over TLS 1.3
// (`tls="true"`). Compared in the same run with the plaintext pairs. The control plane is started unpinned: it only
// serves discovery and certify, off the request path.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freeAddr, proxyCommand, startControlPlane, startProcess, stopAll, waitForHttp, type ManagedProcess } from '@signalbox/launch';
import { stringify } from 'yaml';

/** What run.ts's subjects look like (structurally): a name, a protocol, and how to start one. */
export interface MtlsSubject {
  readonly name: string;
  readonly protocol: 'http1' | 'h2c';
  start(): Promise<{ target: { url: string; host?: string }; pgids: readonly number[]; stop(): Promise<void> }>;
}

export interface MtlsContext {
  readonly dir: string;
  /** The backend's ports (nginx): HTTP/1.1, and h2c for the h2c client's pair. */
  readonly backendPort: number;
  readonly backendH2Port: number;
  /** The core the proxies are pinned to (the subject's). */
  readonly core: number;
  readonly proxyMain: string;
  /** Appended to the subjects' names (the `--baseline` build's are marked). */
  readonly mark?: string;
}

const token = (pod: string) => `bench-token-${pod}-0123456789abcdef`;

/**
 * HTTP/1.1 clients' pairs per peer protocol, and an h2c client's pair (its streams cross as HTTP/2 whatever the
 * peer protocol says).
 */
export function mtlsPairs(ctx: MtlsContext): MtlsSubject[] {
  const kinds = [
    { protocol: 'http1', peerProtocol: 'http1', label: 'peer http1', backend: ctx.backendPort },
    { protocol: 'http1', peerProtocol: 'http2', label: 'peer http2', backend: ctx.backendPort },
    { protocol: 'h2c', peerProtocol: 'auto', label: 'h2c', backend: ctx.backendH2Port },
  ] as const;
  return kinds.map(({ protocol, peerProtocol, label, backend }) => ({
    name: `signalbox pair mTLS (${label})${ctx.mark ?? ''}`,
    protocol,
    async start() {
      const dir = join(ctx.dir, `mtls-${label.replace(' ', '-')}`);
      const addrs = async () => ({ inbound: await freeAddr(), outbound: await freeAddr(), admin: await freeAddr() });
      const client = { name: 'client-0', deployment: 'client', serviceAccount: 'client', app: await freeAddr(), proxy: await addrs(), identityToken: { value: token('client-0') } };
      const server = { name: 'bench-0', deployment: 'bench', serviceAccount: 'bench', app: `127.0.0.1:${backend}`, proxy: await addrs(), identityToken: { value: token('bench-0') } };
      mkdirSync(dir, { recursive: true });
      const registryFile = join(dir, 'registry.yaml');
      writeFileSync(registryFile, stringify({ namespaces: [{ name: 'demo', pods: [client, server], services: [{ name: 'bench', port: 80, deployment: 'bench' }] }] }));
      const apiAddr = await freeAddr();
      const procs: ManagedProcess[] = [];
      try {
        procs.push(
          await startControlPlane({
            dir,
            listen: apiAddr,
            registryFile,
            prometheusUrl: 'http://127.0.0.1:9',
            fileSdPath: join(dir, 'file-sd.json'),
            extraArgs: [`--identity-dir=${join(dir, 'identity')}`],
          }),
        );
        const proxy = async (pod: typeof client, extra: string[]) => {
          const tokenFile = join(dir, `${pod.name}.token`);
          writeFileSync(tokenFile, token(pod.name), { mode: 0o600 });
          const p = startProcess({
            name: `mtls-${pod.name}`,
            command: 'taskset',
            args: [
              '-c',
              String(ctx.core),
              process.execPath,
              ...proxyCommand(ctx.proxyMain),
              `--inbound=${pod.proxy.inbound}`,
              `--outbound=${pod.proxy.outbound}`,
              `--admin=${pod.proxy.admin}`,
              `--app=${pod.app}`,
              `--control-plane=http://${apiAddr}`,
              `--identity-serviceaccount=${pod.serviceAccount}`,
              '--identity-namespace=demo',
              `--identity-token-file=${tokenFile}`,
              ...extra,
            ],
            logFile: join(dir, `${pod.name}.log`),
          });
          procs.push(p);
          // Ready only once it holds a certificate.
          await waitForHttp(`http://${pod.proxy.admin}/ready`, p);
          return p;
        };
        const serverProc = await proxy(server, []);
        const clientProc = await proxy(client, [`--peer-protocol=${peerProtocol}`]);
        return {
          target: { url: `http://${client.proxy.outbound}/`, host: 'bench.demo' },
          pgids: [clientProc.pid, serverProc.pid],
          stop: () => stopAll(procs, 3000),
        };
      } catch (err) {
        await stopAll(procs, 3000);
        throw err;
      }
    },
  }));
}
