// Child processes that are always stopped: each runs in its own process group, stopped by group id (never by
// name), so whatever it forks goes with it. Output goes to a log file whose tail is shown when a start fails.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';

export interface StartOptions {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** stdout and stderr are appended here. */
  readonly logFile: string;
}

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Resolves with the exit code (or the signal's name) when the process has exited. */
  readonly exited: Promise<number | string>;
  readonly child: ChildProcess;
  /** SIGTERM to the group, then SIGKILL after `graceMs`; resolves once the process has exited. */
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<ManagedProcess>();

// A crashing parent must not leave servers behind: the next test or demo would find its ports taken.
process.once('exit', () => {
  for (const p of running) signalGroup(p.pid, 'SIGKILL');
});

export function startProcess(options: StartOptions): ManagedProcess {
  const log = createWriteStream(options.logFile, { flags: 'a' });
  const child = spawn(options.command, [...options.args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  if (child.pid === undefined) throw new Error(`${options.name}: could not start ${options.command}`);
  const pid = child.pid;
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(managed);
      resolve(code ?? signal ?? 'unknown');
    });
    child.once('error', (err) => {
      running.delete(managed);
      resolve(err.message);
    });
  });
  // Close the log once both pipes drained, so the last lines of a crash are in it.
  void Promise.all([onceClosed(child.stdout), onceClosed(child.stderr)]).then(() => log.end());

  const managed: ManagedProcess = {
    name: options.name,
    pid,
    logFile: options.logFile,
    exited,
    child,
    async stop(graceMs = 5000) {
      if (!running.has(managed)) return;
      signalGroup(pid, 'SIGTERM');
      const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
      // Whatever the leader left in its group goes too.
      signalGroup(pid, 'SIGKILL');
    },
  };
  running.add(managed);
  return managed;
}

/** Stops processes in reverse start order, so clients go before the servers they use. */
export async function stopAll(processes: readonly ManagedProcess[], graceMs?: number): Promise<void> {
  for (const p of [...processes].reverse()) await p.stop(graceMs);
}

export function logTail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

function onceClosed(stream: NodeJS.ReadableStream | null): Promise<void> {
  return new Promise((resolve) => (stream ? stream.once('close', resolve) : resolve()));
}
