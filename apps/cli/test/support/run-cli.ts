// Runs the built CLI (apps/cli/dist) for commands that stream until interrupted, as `tap` and `top` do.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '@signalbox/launch';

/** Runs `signalbox <args>` until it printed `lines` lines, then stops it with SIGINT (as Ctrl-C would). */
export function runCliUntil(args: readonly string[], lines: number, env: Readonly<Record<string, string>> = {}): Promise<{ out: string[]; code: number | null }> {
  const child = spawn(process.execPath, [path.join(repoRoot, 'apps/cli/dist/main.js'), ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  let stderr = '';
  let interrupted = false;
  child.stdout.on('data', (d: Buffer) => {
    text += d.toString();
    // Once only: a second Ctrl-C is the user insisting, and the CLI then dies by the signal as any CLI does.
    if (!interrupted && text.split('\n').length > lines) {
      interrupted = true;
      child.kill('SIGINT');
    }
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`signalbox ${args.join(' ')}: no ${lines} lines; stderr: ${stderr}`));
    }, 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ out: text.split('\n').filter(Boolean), code });
    });
  });
}
