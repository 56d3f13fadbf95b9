// Network namespaces for the interception tests: shell helpers and the machine's prerequisites (Linux, root, `ip`,
// `iptables`, `setpriv`, the SO_ORIGINAL_DST addon), each refusal with the reason the test prints when it skips.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { proxyCommand, startProcess, type ManagedProcess } from '@signalbox/launch';
import { loadOriginalDst } from '../../src/intercept/original-dst.js';

const run = promisify(execFile);

export async function sh(cmd: string, args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await run(cmd, [...args], { timeout: 15_000 });
    return stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')}: ${(e.stderr || e.message).trim()}`, { cause: err });
  }
}

export const inNs = (ns: string, cmd: string, ...args: string[]) => sh('ip', ['netns', 'exec', ns, cmd, ...args]);

/** Runs a Node script in namespace `ns` as root (so its connections are redirected); its stdout back. */
export async function nodeInNs(ns: string, dir: string, name: string, source: string): Promise<string> {
  const file = path.join(dir, `${name}.mjs`);
  writeFileSync(file, source);
  return inNs(ns, process.execPath, file);
}

async function which(cmd: string): Promise<boolean> {
  return sh('sh', ['-c', `command -v ${cmd}`]).then(
    () => true,
    () => false,
  );
}

/** The Prometheus text of the admin (or any `/metrics`) listener on `port` of namespace `ns`'s loopback. */
export function metricsInNs(ns: string, dir: string, port: number): Promise<string> {
  return nodeInNs(ns, dir, `metrics-${port}`, `console.log(await (await fetch('http://127.0.0.1:${port}/metrics')).text());`);
}

/** Why this machine cannot run a netns test, or undefined when it can. */
export async function netnsPrerequisites(): Promise<string | undefined> {
  if (process.platform !== 'linux') return `not Linux (${process.platform})`;
  if (process.getuid?.() !== 0) return `not root (uid ${process.getuid?.()}): ip netns and iptables need CAP_NET_ADMIN`;
  for (const cmd of ['ip', 'iptables', 'setpriv'])
    if (!(await which(cmd))) return `${cmd} not installed (scripts/ensure-system.sh iproute2 iptables)`;
  const addon = loadOriginalDst();
  return addon.ok ? undefined : addon.reason;
}

/** The UID `signalbox inject` runs the proxy as, which its init container's OUTPUT rule exempts (REFERENCE §1.1). */
export const proxyUid = 2102;

/** A network namespace of one test's own, with lo up; what runs in it stops, and it goes, with `close`. */
export interface TestNetns {
  readonly name: string;
  run(cmd: string, ...args: string[]): Promise<string>;
  /** A Node script run to its end as root (its connections are redirected); its stdout. */
  node(name: string, source: string): Promise<string>;
  /** metricsInNs in this namespace. */
  metrics(port: number): Promise<string>;
  /** A long-running process inside the namespace, logging to `<dir>/<name>.log`. */
  start(name: string, args: readonly string[]): ManagedProcess;
  /** The built proxy as `proxyUid` (so its own connections are not redirected), with `flags`. */
  startProxy(flags: readonly string[]): ManagedProcess;
  close(): Promise<void>;
}

/** Creates the namespace, or says why this machine cannot (the test then skips, printing it). */
export async function createTestNetns(prefix: string, dir: string): Promise<TestNetns | string> {
  const missing = await netnsPrerequisites();
  if (missing) return missing;
  const name = `${prefix}-${process.pid}-${randomBytes(3).toString('hex')}`;
  try {
    await sh('ip', ['netns', 'add', name]);
  } catch (err) {
    return `cannot create a network namespace: ${(err as Error).message}`;
  }
  const processes: ManagedProcess[] = [];
  const netns: TestNetns = {
    name,
    run: (cmd, ...args) => inNs(name, cmd, ...args),
    node: (script, source) => nodeInNs(name, dir, script, source),
    metrics: (port) => metricsInNs(name, dir, port),
    start(label, args) {
      const p = startProcess({ name: label, command: 'ip', args: ['netns', 'exec', name, ...args], logFile: path.join(dir, `${label}.log`) });
      processes.push(p);
      return p;
    },
    startProxy: (flags) =>
      netns.start('proxy', [
        'setpriv', `--reuid=${proxyUid}`, `--regid=${proxyUid}`, '--clear-groups',
        process.execPath, ...proxyCommand(),
        ...flags,
      ]),
    async close() {
      await Promise.all(processes.map((p) => p.stop()));
      await sh('ip', ['netns', 'del', name]).catch((err: unknown) => console.warn(`${prefix}: ${String(err)}`));
    },
  };
  try {
    await netns.run('ip', 'link', 'set', 'lo', 'up');
  } catch (err) {
    await netns.close();
    return `cannot bring lo up in the namespace: ${(err as Error).message}`;
  }
  return netns;
}
