// A bad registry at start-up stops the api at once (exit 1) with a message that names the file and the path.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { eventually, freeAddr, logTail, makeRunDir, repoRoot, startProcess } from '@signalbox/launch';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildWorkspace } from '../support/build.js';

beforeAll(() => buildWorkspace('apps/api'));

/** Runs the api to its exit; resolves with the exit code and its log once the log holds `expected`. */
async function runApi(registryText: string | null, expected: string[]): Promise<{ code: number | string; file: string }> {
  const dir = makeRunDir('signalbox-startup-');
  const file = path.join(dir, 'registry.yaml');
  if (registryText !== null) writeFileSync(file, registryText);
  const proc = startProcess({
    name: 'api',
    command: process.execPath,
    args: [path.join(repoRoot, 'apps/api/dist/main.js'), `--listen=${await freeAddr()}`, `--registry=${file}`],
    logFile: path.join(dir, 'api.log'),
  });
  try {
    const code = await proc.exited;
    // The log file is flushed a moment after the exit event.
    await eventually(() => expected.forEach((e) => expect(logTail(proc.logFile)).toContain(e.replace('$FILE', file))));
    return { code, file };
  } finally {
    await proc.stop();
  }
}

describe('api start-up with a bad registry', () => {
  it.each([
    [
      'a bad address',
      'namespaces:\n  - name: demo\n    pods:\n      - { name: books-1, deployment: books, app: "127.0.0.1:0" }\n',
      'namespaces[0].pods[0].app: expected "host:port" with a port from 1 to 65535',
    ],
    ['bad YAML', 'namespaces:\n  - name: demo\n   pods: [\n', ':3:'],
    ['an unknown key', 'namespace: []\n', '(top level): '],
  ])('exits 1 on %s, naming the file and where', async (_what, text, where) => {
    const { code } = await runApi(text, ['registry $FILE', where]);
    expect(code).toBe(1);
  });

  it('exits 1 when the file is missing', async () => {
    const { code } = await runApi(null, ['registry $FILE: cannot read: ENOENT']);
    expect(code).toBe(1);
  });
});
