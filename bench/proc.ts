// What the kernel says a process group used: CPU time (utime + stime of every process in the group, all threads
// included) and peak resident memory (VmHWM), read from /proc. Linux only, like the bench.
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

/** CPU seconds (user + system) used so far by the processes of these groups. */
export function cpuSeconds(pgids: readonly number[]): number {
  let ticks = 0;
  for (const g of pgids)
    for (const pid of groupPids(g)) {
      const f = statFields(pid);
      if (f) ticks += Number(f[11]) + Number(f[12]);
    }
  return ticks / clockTicks;
}

/** Sum over the groups' processes of their peak resident set (VmHWM), in MB. */
export function peakRssMb(pgids: readonly number[]): number {
  let kb = 0;
  for (const g of pgids)
    for (const pid of groupPids(g)) {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
        if (m) kb += Number(m[1]);
      } catch {
        // exited meanwhile
      }
    }
  return kb / 1024;
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
