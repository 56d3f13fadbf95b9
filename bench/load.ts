// The load generators, run on the load core: wrk for HTTP/1.1 at maximum load (keep-alive), h2load for h2c at
// maximum load and for both protocols at a fixed rate (`--rps` per client, per-request times in its log file).
import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface LoadResult {
  readonly requests: number;
  readonly seconds: number;
  readonly rps: number;
  /** Latency percentiles, ms. */
  readonly p50: number;
  readonly p99: number;
  /** Requests that failed (socket errors, non-2xx). */
  readonly errors: number;
}

export interface Target {
  readonly url: string;
  /** Host header to send (the logical authority, for the outbound proxy). */
  readonly host?: string;
}

/** wrk, one thread, `connections` keep-alive connections, as fast as the target answers. */
export async function wrkMax(core: number, target: Target, seconds: number, connections = 50): Promise<LoadResult> {
  const args = ['-c', String(core), 'wrk', '-t1', `-c${connections}`, `-d${seconds}s`, '--latency'];
  if (target.host) args.push('-H', `Host: ${target.host}`);
  args.push(target.url);
  const { stdout } = await run('taskset', args, { maxBuffer: 1 << 20, timeout: (seconds + 30) * 1000, killSignal: 'SIGKILL' });
  const requests = Number(/(\d+) requests in ([\d.]+)(\w+)/.exec(stdout)?.[1] ?? 0);
  const secs = duration(/requests in ([\d.]+\w+)/.exec(stdout)?.[1] ?? '0s');
  const errs = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1] ?? 0);
  const errors = non2xx + (errs ? errs.slice(1).reduce((a, b) => a + Number(b), 0) : 0);
  return {
    requests,
    seconds: secs,
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1] ?? 0),
    p50: latency(/\s50%\s+([\d.]+\w+)/.exec(stdout)?.[1]),
    p99: latency(/\s99%\s+([\d.]+\w+)/.exec(stdout)?.[1]),
    errors,
  };
}

/**
 * h2load for `seconds`: `h2` (prior knowledge) or `--h1`; `rps` per client fixes the rate (else as fast as
 * possible with `streams` concurrent streams per client). Percentiles come from the per-request log.
 */
export async function h2load(
  core: number,
  target: Target,
  options: { seconds: number; clients: number; streams?: number; rps?: number; h1?: boolean; logFile: string },
): Promise<LoadResult> {
  const args = ['-c', String(core), 'h2load', `-c${options.clients}`, `-D${options.seconds}`, '--warm-up-time=1'];
  args.push(`-m${options.streams ?? 1}`, `--log-file=${options.logFile}`);
  if (options.rps) args.push(`--rps=${options.rps}`);
  if (options.h1) args.push('--h1');
  // h2load adds its own Host from the URL; ':authority' replaces it (and is Host under --h1).
  if (target.host) args.push('-H', `:authority: ${target.host}`);
  args.push(target.url);
  rmSync(options.logFile, { force: true });
  const { stdout } = await run('taskset', args, {
    maxBuffer: 1 << 20,
    timeout: (options.seconds + 30) * 1000,
    killSignal: 'SIGKILL',
  });
  const m = /requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored/.exec(stdout);
  const codes = /status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx/.exec(stdout);
  const times: number[] = [];
  for (const line of readFileSync(options.logFile, 'utf8').split('\n')) {
    const [, , micros] = line.split('\t');
    if (micros !== undefined) times.push(Number(micros) / 1000);
  }
  times.sort((a, b) => a - b);
  const done = Number(m?.[3] ?? times.length);
  return {
    requests: done,
    seconds: options.seconds,
    rps: Number(/finished in [\d.]+\w+, ([\d.]+) req\/s/.exec(stdout)?.[1] ?? 0),
    p50: percentile(times, 0.5),
    p99: percentile(times, 0.99),
    // `failed` includes `errored`. Not the log's statuses: h2load writes status 0 for the
    // requests in flight when the warm-up ends (every one succeeded, by the summary), which read as errors before.
    errors: Number(m?.[5] ?? 0) + (codes ? Number(codes[2]) + Number(codes[3]) + Number(codes[4]) : 0),
  };
}

function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

function latency(s: string | undefined): number {
  if (!s) return NaN;
  const m = /([\d.]+)(us|ms|s)/.exec(s);
  if (!m) return NaN;
  const v = Number(m[1]);
  return m[2] === 'us' ? v / 1000 : m[2] === 's' ? v * 1000 : v;
}

function duration(s: string): number {
  const m = /([\d.]+)(ms|s|m)/.exec(s);
  if (!m) return 0;
  const v = Number(m[1]);
  return m[2] === 'ms' ? v / 1000 : m[2] === 'm' ? v * 60 : v;
}
