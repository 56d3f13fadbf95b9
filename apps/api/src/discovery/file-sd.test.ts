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

  it('names a pod’s owner under its kind’s label, as Prometheus relabels signalbox.io/proxy-<kind> on Kubernetes', () => {
    const proxy = (n: number) => ({ inbound: `127.0.0.1:${n}1`, outbound: `127.0.0.1:${n}2`, admin: `127.0.0.1:${n}3` });
    const owned: Registry = {
      namespaces: [
        {
          name: 'demo',
          pods: [
            { name: 'db-0', deployment: 'db', ownerKind: 'statefulset', serviceAccount: 'default', app: '127.0.0.1:7001', proxy: proxy(700) },
            { name: 'agent-x', deployment: 'agent', ownerKind: 'daemonset', serviceAccount: 'default', app: '127.0.0.1:7002', proxy: proxy(701) },
            { name: 'migrate-1', deployment: 'migrate', ownerKind: 'job', serviceAccount: 'default', app: '127.0.0.1:7003', proxy: proxy(702) },
            { name: 'debug', deployment: 'debug', ownerKind: 'pod', serviceAccount: 'default', app: '127.0.0.1:7004', proxy: proxy(703) },
          ],
          services: [],
        },
      ],
    };
    expect(fileSdTargets(owned).map((g) => g.labels)).toEqual([
      { namespace: 'demo', statefulset: 'db', pod: 'db-0' },
      { namespace: 'demo', daemonset: 'agent', pod: 'agent-x' },
      { namespace: 'demo', k8s_job: 'migrate', pod: 'migrate-1' },
      { namespace: 'demo', pod: 'debug' },
    ]);
  });

  it('emits one target per shared (per-host) proxy, labelled with its host instead of a pod', () => {
    const proxy = (inbound: string) => ({ inbound, outbound: '10.0.0.5:4140', admin: '10.0.0.5:4191' });
    const shared: Registry = {
      namespaces: [
        {
          name: 'demo',
          pods: [
            { name: 'books-1', deployment: 'books', serviceAccount: 'default', app: '10.0.0.5:7001', proxy: proxy('10.0.0.5:7101') },
            { name: 'authors-1', deployment: 'authors', serviceAccount: 'default', app: '10.0.0.5:7002', proxy: proxy('10.0.0.5:7102') },
            { name: 'web-1', deployment: 'web', serviceAccount: 'default', app: '127.0.0.1:7003', proxy: { inbound: '127.0.0.1:7103', outbound: '127.0.0.1:7203', admin: '127.0.0.1:7303' } },
          ],
          services: [],
        },
        {
          name: 'other',
          pods: [{ name: 'books-2', deployment: 'books', serviceAccount: 'default', app: '10.0.0.5:7004', proxy: proxy('10.0.0.5:7104') }],
          services: [],
        },
      ],
    };
    expect(fileSdTargets(shared)).toEqual([
      { targets: ['10.0.0.5:4191'], labels: { namespace: '', deployment: '', pod: '', host: '10.0.0.5' } },
      { targets: ['127.0.0.1:7303'], labels: { namespace: 'demo', deployment: 'web', pod: 'web-1' } },
    ]);
    const oneNamespace: Registry = { namespaces: [shared.namespaces[0] as Registry['namespaces'][number]] };
    expect(fileSdTargets(oneNamespace)[0]).toEqual({ targets: ['10.0.0.5:4191'], labels: { namespace: 'demo', deployment: '', pod: '', host: '10.0.0.5' } });
  });

  it('writes the file whole and leaves no temporary file behind', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'file-sd-'));
    const file = path.join(dir, 'targets.json');
    await writeFileSd(file, registry);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(fileSdTargets(registry));
    expect(readdirSync(dir)).toEqual(['targets.json']);
  });
});
