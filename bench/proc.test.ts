import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, expect, it } from 'vitest';
import { cpuTime, perCallUs, syscallRoundTripUs } from './proc.js';

const children: ChildProcess[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    process.kill(-(child.pid as number), 'SIGKILL');
    await once(child, 'exit');
  }
});

/**
 * A node leading a process group of its own: it runs `work` until it has used 400 ms of CPU (CPU, not wall time,
 * which a busy machine would stretch), says so, then idles until killed.
 */
async function groupThatDid(work: string): Promise<number> {
  const script = `const fs = require('node:fs'); const zero = fs.openSync('/dev/zero', 'r'); const buf = Buffer.allocUnsafe(1 << 20); let n = 0; const used = () => { const u = process.cpuUsage(); return u.user + u.system; }; while (used() < 400000) { ${work} } console.log('done'); setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['-e', script], { detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  await once(child.stdout as NodeJS.ReadableStream, 'data');
  return child.pid as number;
}

it("splits a group's CPU time into user and kernel time", async () => {
  const spinning = cpuTime([await groupThatDid('for (let i = 0; i < 1e6; i++) n += i;')]);
  // Reading /dev/zero: the kernel zero-fills 1 MiB per call, against a microsecond of JavaScript.
  const reading = cpuTime([await groupThatDid('fs.readSync(zero, buf);')]);
  expect(spinning.user + spinning.system).toBeGreaterThan(0.3); // /proc counts in clock ticks
  expect(spinning.system).toBeLessThan(spinning.user / 2);
  expect(reading.system).toBeGreaterThan(reading.user);
}, 10_000);

it('times a real system call, which costs several times more than reading a value Node keeps', () => {
  const kept = (calls: number) => perCallUs(() => process.pid, calls);
  // Each timed twice, the first time as the warm-up: the same loop, but for the call.
  syscallRoundTripUs(50_000);
  kept(50_000);
  expect(syscallRoundTripUs(50_000)).toBeGreaterThan(3 * kept(50_000));
});
