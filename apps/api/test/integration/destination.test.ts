// The destination stream and registry reloads, against the built api as a child process: the first message at
// once, diffs on edits, a broken edit ignored (and counted) while the last good registry keeps serving, file_sd
// following the registry, and streams ended on SIGTERM with exit code 0.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { eventually, freeAddr, logTail, makeRunDir, startControlPlane, type ManagedProcess } from '@signalbox/launch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { buildWorkspace } from '../support/build.js';
import { openDestinationStream, type DestinationStream } from '../support/destination-stream.js';
import { replaceFile, writeRegistry, type RegistryInput } from '../support/registry.js';

type Pod = NonNullable<RegistryInput['namespaces'][number]['pods']>[number];

let dir: string;
let registryFile: string;
let fileSdPath: string;
let apiAddr: string;
let api: ManagedProcess;
const streams: DestinationStream[] = [];
let pods: Record<'books1' | 'books2' | 'books3', Pod>;

const registryWith = (bookPods: Pod[], withService = true): RegistryInput => ({
  namespaces: [
    {
      name: 'demo',
      pods: bookPods,
      services: withService ? [{ name: 'books', port: 7000, deployment: 'books' }] : [],
    },
  ],
});

async function meshedPod(name: string): Promise<Pod> {
  return { name, deployment: 'books', app: await freeAddr(), proxy: { inbound: await freeAddr(), outbound: await freeAddr(), admin: await freeAddr() } };
}

async function open(authority = 'books.demo:7000'): Promise<DestinationStream> {
  const stream = await openDestinationStream(apiAddr, authority);
  streams.push(stream);
  return stream;
}

const fileSd = () => JSON.parse(readFileSync(fileSdPath, 'utf8')) as { targets: string[]; labels: Record<string, string> }[];
const metrics = async () => (await fetch(`http://${apiAddr}/metrics`)).text();

beforeAll(async () => {
  buildWorkspace('apps/api');
  dir = makeRunDir('signalbox-destination-');
  registryFile = path.join(dir, 'registry.yaml');
  fileSdPath = path.join(dir, 'targets.json');
  pods = { books1: await meshedPod('books-1'), books2: { name: 'books-2', deployment: 'books', app: await freeAddr() }, books3: await meshedPod('books-3') };
  writeRegistry(registryFile, registryWith([pods.books1, pods.books2]));
  apiAddr = await freeAddr();
  // Nothing listens on this Prometheus: discovery must not need it.
  api = await startControlPlane({ dir, listen: apiAddr, registryFile, prometheusUrl: 'http://127.0.0.1:9', fileSdPath });
});

afterAll(async () => {
  for (const s of streams) s.close();
  await api?.stop();
});

describe('destination stream', () => {
  it('sends the current endpoints first: proxy inbound when meshed, app when not', async () => {
    const stream = await open();
    expect(await stream.next()).toEqual({
      type: 'add',
      endpoints: [
        {
          addr: pods.books1.proxy?.inbound,
          meshed: true,
          labels: { namespace: 'demo', service: 'books', deployment: 'books', pod: 'books-1', serviceaccount: 'default' },
          identity: 'default.demo.serviceaccount.identity.signalbox.cluster.local',
          appPort: Number(pods.books1.app.split(':')[1]),
        },
        { addr: pods.books2.app, meshed: false, labels: { namespace: 'demo', service: 'books', deployment: 'books', pod: 'books-2', serviceaccount: 'default' } },
      ],
    });
    await eventually(async () => expect(await metrics()).toMatch(/^signalbox_destination_streams 1$/m));
  });

  it('answers noEndpoints{exists:false} for an unknown service or port', async () => {
    expect(await (await open('nope.demo:7000')).next()).toEqual({ type: 'noEndpoints', exists: false });
    expect(await (await open('books.demo.svc.cluster.local:7001')).next()).toEqual({ type: 'noEndpoints', exists: false });
  });

  it.each([
    ['?authority=books.demo:7000', /v: /],
    ['?v=4&authority=books.demo:7000', /v: /],
    ['?v=1', /authority: /],
    ['?v=1&authority=not-an-authority', /authority "not-an-authority"/],
    ['?v=1&authority=localhost:7000', /is not "service.namespace\[:port\]" or "ip:port"/],
  ])('refuses %s with 400', async (query, message) => {
    const res = await fetch(`http://${apiAddr}/v1/destination${query}`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(message);
  });

  it('writes file_sd targets for meshed pods', () => {
    expect(fileSd()).toEqual([{ targets: [pods.books1.proxy?.admin], labels: { namespace: 'demo', deployment: 'books', pod: 'books-1' } }]);
  });

  it('follows registry edits with diffs, keeps the last good registry on a broken edit, then applies the fix', async () => {
    const stream = await open();
    await stream.next();

    // An in-place write adds a pod.
    writeRegistry(registryFile, registryWith([pods.books1, pods.books2, pods.books3]));
    expect(await stream.next()).toEqual({ type: 'add', endpoints: [expect.objectContaining({ addr: pods.books3.proxy?.inbound, meshed: true })] });
    await eventually(() => expect(fileSd().map((g) => g.labels.pod)).toEqual(['books-1', 'books-3']));

    // An editor-style save (rename over the file) removes one.
    replaceFile(registryFile, stringify(registryWith([pods.books2, pods.books3])));
    expect(await stream.next()).toEqual({ type: 'remove', addrs: [pods.books1.proxy?.inbound] });
    await eventually(() => expect(fileSd().map((g) => g.labels.pod)).toEqual(['books-3']));

    // A broken edit: logged with the file and the path in it, counted, and otherwise ignored.
    writeFileSync(registryFile, stringify(registryWith([{ ...pods.books2, app: 'nowhere' }, pods.books3])));
    await eventually(async () => expect(await metrics()).toMatch(/^signalbox_registry_reloads_total\{result="failure"\} 1$/m));
    expect(logTail(api.logFile, 50)).toContain(`registry ${registryFile}: namespaces[0].pods[0].app: expected "host:port"`);
    expect((await fetch(`http://${apiAddr}/ready`)).status).toBe(200);
    const late = await open();
    expect(await late.next()).toEqual({
      type: 'add',
      endpoints: [expect.objectContaining({ addr: pods.books2.app }), expect.objectContaining({ addr: pods.books3.proxy?.inbound })],
    });
    expect(fileSd().map((g) => g.labels.pod)).toEqual(['books-3']);

    // The fix applies: every pod gone, then the service itself.
    writeRegistry(registryFile, registryWith([]));
    expect(await stream.next()).toEqual({ type: 'noEndpoints', exists: true });
    expect(await late.next()).toEqual({ type: 'noEndpoints', exists: true });
    writeRegistry(registryFile, registryWith([], false));
    expect(await stream.next()).toEqual({ type: 'noEndpoints', exists: false });
    await eventually(() => expect(fileSd()).toEqual([]));
    expect(await metrics()).toMatch(/^signalbox_registry_reloads_total\{result="success"\} 4$/m);
  });

  it('answers an ip:port stream with what the address is, and again when the registry changes it', async () => {
    const withClusterIP = (clusterIPs?: string[]): RegistryInput => ({
      namespaces: [{ name: 'demo', pods: [pods.books1], services: [{ name: 'books', port: 7000, deployment: 'books', ...(clusterIPs ? { clusterIPs } : {}) }] }],
    });
    // Opened while the registry (the last test's) has neither the pod nor the service.
    const pod = await open(pods.books1.app);
    const cluster = await open('10.96.0.10:7000');
    expect(await pod.next()).toEqual({ type: 'address' });
    expect(await cluster.next()).toEqual({ type: 'address' });
    writeRegistry(registryFile, withClusterIP());
    expect(await pod.next()).toEqual({
      type: 'address',
      endpoint: {
        addr: pods.books1.proxy?.inbound,
        meshed: true,
        labels: { namespace: 'demo', service: '', deployment: 'books', pod: 'books-1', serviceaccount: 'default' },
        identity: 'default.demo.serviceaccount.identity.signalbox.cluster.local',
        appPort: Number(pods.books1.app.split(':')[1]),
      },
    });
    // Giving the service its cluster IP: only the stream whose answer changed hears of it.
    writeRegistry(registryFile, withClusterIP(['10.96.0.10']));
    expect(await cluster.next()).toEqual({ type: 'address', service: 'books.demo.svc.cluster.local:7000' });
    writeRegistry(registryFile, registryWith([], false));
    expect(await cluster.next()).toEqual({ type: 'address' });
    expect(await pod.next()).toEqual({ type: 'address' });
  });

  it('ends streams and exits 0 on SIGTERM', async () => {
    const stream = await open();
    await stream.next();
    await api.stop();
    await stream.ended;
    expect(await api.exited).toBe(0);
  });
});
