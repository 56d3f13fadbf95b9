// Declared opaque ports reach the destination stream as protocol hints, against the built api: from the registry
// file (service and pod opaquePorts) and from Kubernetes (the fake API server: a Service's annotation and
// appProtocol, a pod's annotation, and an annotation added later). Only v=3 streams carry hints: an older proxy's
// strict schema would drop the whole update.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { freeAddr, makeRunDir, startControlPlane, type ManagedProcess } from '@signalbox/launch';
import type { DestinationGet, DestinationUpdate } from '@signalbox/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { buildWorkspace } from '../support/build.js';
import { openDestinationStream, type DestinationStream } from '../support/destination-stream.js';
import { startFakeKubeApi, type FakeKubeApi } from '../support/fake-kube-api.js';
import { startKubeControlPlane } from '../support/kube-control-plane.js';
import { endpointSlice, pod, service } from '../support/kube-objects.js';

const streams: DestinationStream[] = [];
const processes: ManagedProcess[] = [];
let fake: FakeKubeApi | undefined;

async function open(apiAddr: string, authority: string, version: DestinationGet['v'] = 3): Promise<DestinationStream> {
  const s = await openDestinationStream(apiAddr, authority, version);
  streams.push(s);
  return s;
}

/** The next endpoint or address update: v≥2 service streams send the profile first. */
async function nextUpdate(stream: DestinationStream): Promise<DestinationUpdate> {
  const update = await stream.next();
  return update.type === 'profile' ? stream.next() : update;
}

const hinted = (update: DestinationUpdate) => update.type === 'add' && update.endpoints.some((e) => 'protocolHint' in e);

/** The first answer of a new stream. */
const first = async (apiAddr: string, authority: string, version: DestinationGet['v'] = 3) => nextUpdate(await open(apiAddr, authority, version));

beforeAll(() => buildWorkspace('apps/api'));
afterAll(async () => {
  for (const s of streams) s.close();
  for (const p of processes) await p.stop();
  await fake?.close();
});

describe('from the registry file', () => {
  let apiAddr: string;
  beforeAll(async () => {
    const dir = makeRunDir('signalbox-opaque-registry-');
    const registryFile = path.join(dir, 'registry.yaml');
    writeFileSync(
      registryFile,
      stringify({
        namespaces: [
          {
            name: 'demo',
            pods: [
              { name: 'mysql-0', deployment: 'mysql', app: '127.0.0.1:17000' },
              { name: 'smtp-0', deployment: 'smtp', app: '127.0.0.2:2525', opaquePorts: ['2525'] },
            ],
            services: [
              { name: 'mysql', port: 7000, deployment: 'mysql', opaquePorts: ['7000'], clusterIPs: ['10.96.0.1'], ports: [{ port: 7000, targetPort: 17000 }] },
              { name: 'smtp', port: 25, deployment: 'smtp', ports: [{ port: 25, targetPort: 2525 }] },
            ],
          },
        ],
      }),
    );
    apiAddr = await freeAddr();
    processes.push(await startControlPlane({ dir, listen: apiAddr, registryFile, prometheusUrl: 'http://127.0.0.1:9', fileSdPath: path.join(dir, 'targets.json') }));
  });

  it('hints a declared service port, and a pod’s declared target port, on v=3 streams', async () => {
    const mysql = await first(apiAddr, 'mysql.demo:7000');
    expect(mysql).toMatchObject({ type: 'add', endpoints: [{ addr: '127.0.0.1:17000', protocolHint: 'opaque' }] });
    const smtp = await first(apiAddr, 'smtp.demo:25');
    expect(smtp).toMatchObject({ type: 'add', endpoints: [{ addr: '127.0.0.2:2525', protocolHint: 'opaque' }] });
    expect(await first(apiAddr, '10.96.0.1:7000')).toEqual({ type: 'address', service: 'mysql.demo.svc.cluster.local:7000', protocolHint: 'opaque' });
  });

  it('sends older streams the same updates without the hint', async () => {
    const add = await first(apiAddr, 'mysql.demo:7000', 2);
    expect(add.type === 'add' && add.endpoints[0]).toEqual({
      addr: '127.0.0.1:17000',
      meshed: false,
      labels: { namespace: 'demo', service: 'mysql', deployment: 'mysql', pod: 'mysql-0', serviceaccount: 'default' },
    });
    expect(await first(apiAddr, '10.96.0.1:7000', 2)).toEqual({ type: 'address', service: 'mysql.demo.svc.cluster.local:7000' });
  });
});

describe('from Kubernetes', () => {
  let apiAddr: string;
  const mysqlService = (annotations?: Record<string, string>) => {
    const svc = service({ name: 'mysql', ports: [{ name: 'sql', port: 7000, targetPort: 7000 }, { name: 'web', port: 8080, targetPort: 8080 }] });
    if (annotations) svc.metadata!.annotations = annotations;
    return svc;
  };
  beforeAll(async () => {
    fake = await startFakeKubeApi();
    fake.apply(pod({ name: 'mysql-0', ip: '10.1.0.7', owner: 'StatefulSet/mysql', appPort: 7000 }));
    fake.apply(mysqlService());
    fake.apply(endpointSlice({ service: 'mysql', endpoints: [{ pod: 'mysql-0', ip: '10.1.0.7' }], ports: [{ name: 'sql', port: 7000 }, { name: 'web', port: 8080 }] }));
    const smtpPod = pod({ name: 'smtp-0', ip: '10.1.0.8', owner: 'StatefulSet/smtp', appPort: 2525, meshed: false });
    smtpPod.metadata!.annotations = { 'config.signalbox.io/opaque-ports': '2525' };
    fake.apply(smtpPod);
    const smtp = service({ name: 'smtp', ports: [{ name: 'smtp', port: 25, targetPort: 2525 }, { name: 'sub', port: 587, targetPort: 587 }] });
    smtp.spec!.clusterIP = '10.96.0.25';
    smtp.spec!.ports![1]!.appProtocol = 'signalbox.io/opaque';
    fake.apply(smtp);
    fake.apply(endpointSlice({ service: 'smtp', endpoints: [{ pod: 'smtp-0', ip: '10.1.0.8' }], ports: [{ name: 'smtp', port: 2525 }, { name: 'sub', port: 587 }] }));
    const dir = makeRunDir('signalbox-opaque-kube-');
    const cp = await startKubeControlPlane(fake, dir);
    processes.push(cp.api);
    apiAddr = cp.addr;
  });

  it('hints a pod’s annotated port, a Service port whose appProtocol is opaque, and the pod’s own address', async () => {
    expect(await first(apiAddr, 'smtp.demo:25')).toMatchObject({ type: 'add', endpoints: [{ addr: '10.1.0.8:2525', protocolHint: 'opaque' }] });
    expect(await first(apiAddr, '10.96.0.25:25')).toEqual({ type: 'address', service: 'smtp.demo.svc.cluster.local:25', protocolHint: 'opaque' });
    expect(await first(apiAddr, '10.96.0.25:587')).toEqual({ type: 'address', service: 'smtp.demo.svc.cluster.local:587', protocolHint: 'opaque' });
    expect(await first(apiAddr, '10.1.0.8:2525')).toMatchObject({ type: 'address', endpoint: { addr: '10.1.0.8:2525', protocolHint: 'opaque' } });
  });

  it('follows the Service’s annotation when it is added: the open stream gets the hinted endpoint', async () => {
    const mysql = await open(apiAddr, 'mysql.demo:7000');
    const before = await nextUpdate(mysql);
    expect(before).toMatchObject({ type: 'add', endpoints: [{ addr: '10.1.0.7:4143' }] });
    expect(hinted(before)).toBe(false);
    fake!.apply(mysqlService({ 'config.signalbox.io/opaque-ports': '7000,3306' }));
    expect(await mysql.next()).toMatchObject({ type: 'add', endpoints: [{ addr: '10.1.0.7:4143', protocolHint: 'opaque' }] });
    // Its other port stays detected.
    const web = await first(apiAddr, 'mysql.demo:8080');
    expect(web).toMatchObject({ type: 'add', endpoints: [{ addr: '10.1.0.7:4143' }] });
    expect(hinted(web)).toBe(false);
  });
});
