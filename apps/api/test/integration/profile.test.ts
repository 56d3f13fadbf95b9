// Traffic policy from the registry file to the destination stream, against the built api: a v=2 stream gets the
// service's profile first and again within a second of an edit; a broken policy is refused with its file and path
// while the last good one stays in force; v=1 streams never see a profile.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { eventually, freeAddr, logTail, makeRunDir, startControlPlane, type ManagedProcess } from '@signalbox/launch';
import type { DestinationUpdate } from '@signalbox/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { buildWorkspace } from '../support/build.js';
import { openDestinationStream, type DestinationStream } from '../support/destination-stream.js';
import { writeRegistry, type RegistryInput } from '../support/registry.js';

let registryFile: string;
let apiAddr: string;
let api: ManagedProcess;
const streams: DestinationStream[] = [];

const registryWith = (policy: Record<string, unknown> | undefined): RegistryInput => ({
  namespaces: [
    {
      name: 'demo',
      pods: [{ name: 'books-1', deployment: 'books', app: '127.0.0.1:17001' }],
      services: [
        { name: 'books', port: 7001, deployment: 'books', ...(policy ? { policy } : {}) },
        { name: 'books-v2', port: 7011, deployment: 'books' },
      ],
    },
  ],
});

const retryGet = { routes: [{ name: 'GET /books', match: { method: 'GET', pathPrefix: '/books' }, retryable: true, timeout: '2s' }] };

async function open(version: 1 | 2): Promise<DestinationStream> {
  const s = await openDestinationStream(apiAddr, 'books.demo:7001', version);
  streams.push(s);
  return s;
}

beforeAll(async () => {
  buildWorkspace('apps/api');
  const dir = makeRunDir('signalbox-profile-');
  registryFile = path.join(dir, 'registry.yaml');
  writeRegistry(registryFile, registryWith(retryGet));
  apiAddr = await freeAddr();
  api = await startControlPlane({ dir, listen: apiAddr, registryFile, prometheusUrl: 'http://127.0.0.1:9', fileSdPath: path.join(dir, 'targets.json') });
});
afterAll(async () => {
  for (const s of streams) s.close();
  await api?.stop();
});

const kinds = (updates: DestinationUpdate[]) => updates.map((u) => u.type);

describe('profiles on the destination stream (v=2)', () => {
  it('sends the profile first, then the endpoints; v=1 gets endpoints only', async () => {
    const v2 = await open(2);
    const first = await v2.next();
    expect(first).toEqual({
      type: 'profile',
      profile: {
        fqn: 'books.demo.svc.cluster.local',
        routes: [{ name: 'GET /books', method: 'GET', pathPrefix: '/books', retryable: true, timeoutMs: 2000 }],
        retryBudget: { retryRatio: 0.2, minRetriesPerSecond: 10, ttlMs: 10_000 },
        dstOverrides: [],
      },
    });
    expect((await v2.next()).type).toBe('add');
    const v1 = await open(1);
    expect(kinds([await v1.next()])).toEqual(['add']);
  });

  it('pushes an edit within a second; a broken policy is refused by path and the last good one stays', async () => {
    const v2 = await open(2);
    await v2.next();
    await v2.next();

    const started = Date.now();
    writeRegistry(registryFile, registryWith({ ...retryGet, backends: [{ service: 'books', weight: 90 }, { service: 'books-v2', weight: 10 }] }));
    const pushed = await v2.next(1000);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(pushed.type === 'profile' && pushed.profile.dstOverrides).toEqual([
      { authority: 'books.demo:7001', weight: 90 },
      { authority: 'books-v2.demo:7011', weight: 10 },
    ]);

    writeFileSync(registryFile, stringify(registryWith({ routes: [{ name: 'bad', match: { pathRegex: '(' } }] })));
    await eventually(() =>
      expect(logTail(api.logFile, 50)).toContain(`registry ${registryFile}: namespaces[0].services[0].policy.routes[0].match.pathRegex: not a valid regular expression`),
    );
    const late = await open(2);
    const kept = await late.next();
    expect(kept.type === 'profile' && kept.profile.dstOverrides.length).toBe(2);

    writeRegistry(registryFile, registryWith(undefined));
    const cleared = await v2.next();
    expect(cleared.type === 'profile' && [cleared.profile.routes, cleared.profile.dstOverrides]).toEqual([[], []]);
  });
});
