// The built CLI against the real api, Prometheus and a fake proxy: the table and JSON `signalbox stat` prints,
// and the messages and exit codes when the API or Prometheus is down.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { freeAddr, eventually, repoRoot } from '@signalbox/launch';
import { statResultSchema } from '@signalbox/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWorkspace } from '../../../api/test/support/build.js';
import { startStatFixture, type StatFixture } from '../../../api/test/support/stat-fixture.js';

let fixture: StatFixture;

beforeAll(async () => {
  buildWorkspace('apps/api');
  buildWorkspace('apps/cli');
  fixture = await startStatFixture();
});
afterAll(() => fixture?.stop());

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function signalbox(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(repoRoot, 'apps/cli/dist/main.js'), ...args], { env: { ...process.env, SIGNALBOX_API_URL: '' } }, (err, stdout, stderr) =>
      resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const HEADER = /^NAME +MESHED +SUCCESS +RPS +LATENCY_P50 +LATENCY_P95 +LATENCY_P99 +TCP_CONN$/;

describe('signalbox stat', () => {
  it('prints the linkerd viz stat table', async () => {
    const lines = await eventually(
      async () => {
        const run = await signalbox('stat', 'deploy', '-n', 'demo', '-t', '10s', '--api', fixture.apiUrl);
        expect(run).toMatchObject({ code: 0, stderr: '' });
        const out = run.stdout.trimEnd().split('\n');
        // Wait for enough scrapes that books has a success rate and latencies.
        expect(out[1]).toMatch(/^books +1\/1 +\d+\.\d\d% +\d+\.\drps +[\d.]+ms +[\d.]+ms +[\d.]+ms +2$/);
        return out;
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(HEADER);
    expect(lines[2]).toMatch(/^web +0\/1 +- +0\.0rps +- +- +- +0$/);
    const success = Number(/(\d+\.\d\d)%/.exec(lines[1] ?? '')?.[1]);
    expect(success).toBeGreaterThan(85);
    expect(success).toBeLessThan(95);
    // Columns line up: every cell starts where its header starts.
    const header = lines[0] ?? '';
    for (const column of ['MESHED', 'SUCCESS', 'RPS', 'LATENCY_P50', 'LATENCY_P95', 'LATENCY_P99', 'TCP_CONN'])
      for (const line of lines.slice(1)) {
        const start = header.indexOf(column);
        expect(`${line[start - 1]}${line[start]}`, `${column} in "${line}"`).toMatch(/^ \S$/);
      }
  });

  it('accepts kind/name, -A and -o json', async () => {
    const named = await signalbox('stat', 'po/books-1', '-n', 'demo', '-t', '10s', '--api', fixture.apiUrl);
    expect(named.stdout.trimEnd().split('\n').map((l) => l.split(/ +/)[0])).toEqual(['NAME', 'books-1']);

    const all = await signalbox('stat', 'deployments', '-A', '--api', fixture.apiUrl);
    expect(all.stdout.split('\n')[0]).toMatch(/^NAMESPACE +NAME +MESHED/);
    expect(all.stdout.split('\n')[1]).toMatch(/^demo +books +1\/1/);

    const json = await signalbox('stat', 'deploy', 'books', '-n', 'demo', '-o', 'json', '--api', fixture.apiUrl);
    expect(json.code).toBe(0);
    const result = statResultSchema.parse(JSON.parse(json.stdout));
    expect(result.window).toBe('1m');
    expect(result.rows.map((r) => r.name)).toEqual(['books']);
  });

  it('reads the API URL from SIGNALBOX_API_URL', async () => {
    const run = await new Promise<Run>((resolve) =>
      execFile(process.execPath, [path.join(repoRoot, 'apps/cli/dist/main.js'), 'stat', 'ns'], { env: { ...process.env, SIGNALBOX_API_URL: fixture.apiUrl } }, (err, stdout, stderr) =>
        resolve({ code: err ? Number(err.code) : 0, stdout, stderr }),
      ),
    );
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[1]).toMatch(/^demo +1\/2 /);
  });

  it('exits 2 on usage errors', async () => {
    for (const args of [['stat', 'nope'], ['stat', 'deploy', '-t', '1x'], ['stat', 'deploy', '-o', 'yaml'], ['stat']]) {
      const run = await signalbox(...args, '--api', fixture.apiUrl);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(/error/);
    }
  });

  it('says when the API cannot be reached', async () => {
    const closed = `http://${await freeAddr()}`;
    const run = await signalbox('stat', 'deploy', '-n', 'demo', '--api', closed);
    expect(run).toEqual({ code: 1, stdout: '', stderr: `cannot reach the Signalbox API at ${closed}: connect ECONNREFUSED ${closed.slice(7)}\n` });
  });

  it('says when metrics are unavailable', async () => {
    await fixture.prometheus.process.stop();
    const run = await signalbox('stat', 'deploy', '-n', 'demo', '--api', fixture.apiUrl);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^metrics are unavailable: the Signalbox API cannot reach Prometheus \(.*ECONNREFUSED.*\)\n$/);
  });
});
