// `--rounds=N` measures every subject N times, round after round, so each round's subjects share that round's
// conditions, and folds each subject's rounds into one row: the median of every measurement, so that one noisy round
// on a shared machine does not decide a target by itself. Memory is the highest peak of any round (a peak that
// happened once still happened) and errors are summed.
import type { LoadResult } from './load.js';

/** What one run measures of a subject (run.ts's rows add which subject, and how many processes it is). */
export interface Measured {
  readonly max: LoadResult;
  readonly fixed: LoadResult;
  /** µs of subject CPU per request at max load (NaN for direct). */
  readonly cpuUs: number;
  /** The part of it spent in the kernel (0–1): loopback I/O, which a slow or busy host makes dearer. */
  readonly kernelShare: number;
  readonly rssMb: number;
  /** Peak RssAnon over warm-up and both runs: the part of RSS that is this process's own (see proc.ts). */
  readonly privateMb: number;
  /** The highest peak RSS of any one of the subject's processes: the per-proxy target. */
  readonly proxyPeakMb: number;
}

/** The median (the mean of the middle two for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  if (sorted.length === 0) return NaN;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** One subject's rounds as one row (its other fields from the first round). */
export function foldRounds<T extends Measured>(rounds: readonly T[]): T {
  const first = rounds[0];
  if (first === undefined) throw new Error('foldRounds: no rounds');
  return {
    ...first,
    max: foldLoad(rounds.map((r) => r.max)),
    fixed: foldLoad(rounds.map((r) => r.fixed)),
    cpuUs: median(rounds.map((r) => r.cpuUs)),
    kernelShare: median(rounds.map((r) => r.kernelShare)),
    rssMb: Math.max(...rounds.map((r) => r.rssMb)),
    privateMb: Math.max(...rounds.map((r) => r.privateMb)),
    proxyPeakMb: Math.max(...rounds.map((r) => r.proxyPeakMb)),
  };
}

function foldLoad(results: readonly LoadResult[]): LoadResult {
  const of = (pick: (r: LoadResult) => number) => median(results.map(pick));
  return {
    requests: of((r) => r.requests),
    seconds: of((r) => r.seconds),
    rps: of((r) => r.rps),
    p50: of((r) => r.p50),
    p99: of((r) => r.p99),
    errors: results.reduce((sum, r) => sum + r.errors, 0),
  };
}
