import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Registry } from '@signalbox/shared';
import { describe, expect, it } from 'vitest';
import { fileSdTargets, writeFileSd } from './file-sd.js';

const registry: Registry = {
  namespaces: [
    {
      name: 'demo',
      pods: [
        { name: 'books-1', deployment: 'books', serviceAccount: 'default', app: '127.0.0.1:7001', proxy: { inbound: '127.0.0.1:7101', outbound: '127.0.0.1:7201', admin: '127.0.0.1:7301' } },
        { name: 'books-2', deployment: 'books', serviceAccount: 'default', app: '127.0.0.1:7002' },
      ],
      services: [],
    },
  ],
};

describe('file_sd', () => {
  it('lists the admin address of meshed pods only, with namespace/deployment/pod labels', () => {
    expect(fileSdTargets(registry)).toEqual([
      { targets: ['127.0.0.1:7301'], labels: { namespace: 'demo', deployment: 'books', pod: 'books-1' } },
    ]);
  });

  it('writes the file whole and leaves no temporary file behind', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'file-sd-'));
    const file = path.join(dir, 'targets.json');
    await writeFileSd(file, registry);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(fileSdTargets(registry));
    expect(readdirSync(dir)).toEqual(['targets.json']);
  });
});
