// What the kernel says a process group used: CPU time (utime and stime of every process in the group, all threads
// included), peak resident memory (VmHWM) and peak private memory (RssAnon, sampled), read from /proc. Linux only,
// like the bench.
import { readdirSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const clockTicks = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** Pids whose process group is `pgid` (a started process leads its own group; nginx forks its worker into it). */
export function groupPids(pgid: number): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = statFields(Number(name));
    if (stat && Number(stat[2]) === pgid) pids.push(Number(name));
  }
  return pids;
}

/** CPU seconds: in user space, and in the kernel on the process's behalf. */
export interface CpuTime {
  readonly user: number;
  readonly system: number;
}

/** The CPU time the processes of these groups have used so far. */
export function cpuTime(pgids: readonly number[]): CpuTime {
  let user = 0;
  let system = 0;
  for (const g of pgids)
    for (const pid of groupPids(g)) {
      const f = statFields(pid);
      if (!f) continue;
      user += Number(f[11]);
      system += Number(f[12]);
    }
  return { user: user / clockTicks, system: system / clockTicks };
}

/** Per group, the sum over its processes of their peak resident set (VmHWM), in MB. */
export function peakRssMb(pgids: readonly number[]): number[] {
  return pgids.map((g) => groupPids(g).reduce((kb, pid) => kb + statusKb(pid, 'VmHWM'), 0) / 1024);
}

/**
 * Samples the groups' private memory (RssAnon summed over their processes: heap, stacks, anything not backed by a
 * file) until `stop()`, which returns the peak in MB. RSS also counts the file-backed pages of the executable and
 * its libraries (~34 MB for node), shared by every process running it on a host; RssAnon is what each one adds.
 */
export function samplePrivateMemory(pgids: readonly number[], everyMs = 250): { stop(): number } {
  // Resolved once: the groups' processes are up by now, and a /proc scan per sample would take CPU from the subject.
  const pids = pgids.flatMap(groupPids);
  let peakKb = 0;
  const sample = () => {
    let kb = 0;
    for (const pid of pids) kb += statusKb(pid, 'RssAnon');
    peakKb = Math.max(peakKb, kb);
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return peakKb / 1024;
    },
  };
}

/** One `<field>: N kB` line of /proc/<pid>/status (0 when the process exited meanwhile). */
function statusKb(pid: number, field: string): number {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Fields of /proc/<pid>/stat after the command name: [0] = state, [2] = pgrp, [11] = utime, [12] = stime. */
function statFields(pid: number): string[] | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return s.slice(s.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/**
 * One system call's round trip from Node, in µs: `process.ppid` makes a getppid(2) each time (`process.pid` is read
 * once). A virtual machine that keeps kernel page tables apart (PTI) on a CPU without PCID also flushes the TLB on
 * every call; a proxy at the floor of 4 calls per request pays that more than one doing more work per call.
 */
export function syscallRoundTripUs(calls = 200_000): number {
  return perCallUs(() => process.ppid, calls);
}

/** µs per call of `read`, called `calls` times; what it returns is summed so that no call can be left out. */
export function perCallUs(read: () => number, calls: number): number {
  let sum = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) sum += read();
  const ns = Number(process.hrtime.bigint() - start);
  if (sum <= 0) throw new Error('the timed call returned nothing');
  return ns / calls / 1000;
}

/** The kernel's own line on its Meltdown mitigation ("Mitigation: PTI", "Not affected"), or undefined. */
export function meltdownMitigation(): string | undefined {
  try {
    return readFileSync('/sys/devices/system/cpu/vulnerabilities/meltdown', 'utf8').trim();
  } catch {
    return undefined;
  }
}
