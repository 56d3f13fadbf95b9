// Network namespaces for the interception tests: shell helpers and the machine's prerequisites (Linux, root, `ip`,
// `iptables`, `setpriv`, the SO_ORIGINAL_DST addon), each refusal with the reason the test prints when it skips.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
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

/** Why this machine cannot run a netns test, or undefined when it can. */
export async function netnsPrerequisites(): Promise<string | undefined> {
  if (process.platform !== 'linux') return `not Linux (${process.platform})`;
  if (process.getuid?.() !== 0) return `not root (uid ${process.getuid?.()}): ip netns and iptables need CAP_NET_ADMIN`;
  for (const cmd of ['ip', 'iptables', 'setpriv'])
    if (!(await which(cmd))) return `${cmd} not installed (scripts/ensure-system.sh iproute2 iptables)`;
  const addon = loadOriginalDst();
  return addon.ok ? undefined : addon.reason;
}
