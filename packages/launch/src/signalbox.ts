// Starts Signalbox's own processes from their built entry points (dist/), with the flags each documents.
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startProcess, type ManagedProcess } from './process.js';
import { waitForHttp } from './wait.js';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

const entry = (app: string) => path.join(repoRoot, 'apps', app, 'dist', 'main.js');

/** The proxy as it ships: apps/proxy/bundle.mjs's bundle of its dist/ (what every launcher and image runs). */
export const proxyEntry = path.join(repoRoot, 'apps', 'proxy', 'dist', 'bundle', 'main.js');

/** The node flags an entry names on its `#!/usr/bin/env -S node …` line (the proxy's: apps/proxy/src/main.ts). */
export function nodeFlagsOf(entry: string): string[] {
  const first = readFileSync(entry, 'utf8').split('\n', 1)[0] ?? '';
  const flags = /^#!\/usr\/bin\/env -S node\s+(.*)$/.exec(first)?.[1];
  return flags ? flags.trim().split(/\s+/) : [];
}

/** Node's arguments to run a proxy build (`entry`) as its `#!` line would, with the node running this process. */
export function proxyCommand(entry = proxyEntry): string[] {
  return [...nodeFlagsOf(entry), entry];
}

/** A fresh directory for one run's registry, logs and Prometheus data. */
export function makeRunDir(prefix = 'signalbox-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface ControlPlaneOptions {
  readonly dir: string;
  readonly listen: string;
  readonly registryFile: string;
  readonly prometheusUrl: string;
  readonly fileSdPath: string;
  readonly name?: string;
  readonly extraArgs?: readonly string[];
}

export async function startControlPlane(options: ControlPlaneOptions): Promise<ManagedProcess> {
  const proc = startProcess({
    name: options.name ?? 'api',
    command: process.execPath,
    args: [
      entry('api'),
      `--listen=${options.listen}`,
      `--registry=${options.registryFile}`,
      `--prometheus-url=${options.prometheusUrl}`,
      `--file-sd=${options.fileSdPath}`,
      ...(options.extraArgs ?? []),
    ],
    logFile: path.join(options.dir, `${options.name ?? 'api'}.log`),
  });
  await waitForHttp(`http://${options.listen}/ready`, proc);
  return proc;
}

export interface ProxyOptions {
  readonly dir: string;
  readonly name: string;
  readonly inbound: string;
  readonly outbound: string;
  readonly admin: string;
  /** The proxy's mTLS tap listener (`--tap-listen`, identity on); absent: tap is on the admin listener. */
  readonly tap?: string;
  readonly app: string;
  readonly controlPlaneUrl: string;
  /**
   * The registry pod's `opaquePorts` (ports or ranges), as `--opaque-ports`: they replace the proxy's default list,
   * as inject's SIGNALBOX_OPAQUE_PORTS does in Kubernetes. Absent: the default list.
   */
  readonly opaquePorts?: readonly string[];
  readonly extraArgs?: readonly string[];
  /** Added to (or replacing) this process's environment. */
  readonly env?: Readonly<Record<string, string>>;
}

export async function startProxy(options: ProxyOptions): Promise<ManagedProcess> {
  const proc = startProcess({
    name: options.name,
    command: process.execPath,
    args: [
      ...proxyCommand(),
      `--inbound=${options.inbound}`,
      `--outbound=${options.outbound}`,
      `--admin=${options.admin}`,
      ...(options.tap ? [`--tap-listen=${options.tap}`] : []),
      `--app=${options.app}`,
      `--control-plane=${options.controlPlaneUrl}`,
      ...(options.opaquePorts ? [`--opaque-ports=${options.opaquePorts.join(',')}`] : []),
      ...(options.extraArgs ?? []),
    ],
    logFile: path.join(options.dir, `${options.name}.log`),
    ...(options.env ? { env: options.env } : {}),
  });
  await waitForHttp(`http://${options.admin}/ready`, proc);
  return proc;
}

export interface WebOptions {
  readonly dir: string;
  readonly host: string;
  readonly port: number;
  readonly apiUrl: string;
  /** The API's `--tap-auth-token`, when it has one: the dashboard's tap relay presents it (the browser never does). */
  readonly tapAuthToken?: string;
}

/**
 * The dashboard's production server (apps/web/dist/server/main.js: Next's request handler plus the `/api/tap`
 * WebSocket relay to the API), run by Node directly so no npx wrapper outlives it.
 */
export async function startWeb(options: WebOptions): Promise<ManagedProcess> {
  const proc = startProcess({
    name: 'web',
    command: process.execPath,
    args: [path.join(repoRoot, 'apps', 'web', 'dist', 'server', 'main.js'), '-H', options.host, '-p', String(options.port)],
    env: {
      SIGNALBOX_API_URL: options.apiUrl,
      NEXT_TELEMETRY_DISABLED: '1',
      ...(options.tapAuthToken ? { SIGNALBOX_TAP_AUTH_TOKEN: options.tapAuthToken } : {}),
    },
    logFile: path.join(options.dir, 'web.log'),
  });
  await waitForHttp(`http://${options.host}:${options.port}/healthz`, proc, 60_000);
  return proc;
}
