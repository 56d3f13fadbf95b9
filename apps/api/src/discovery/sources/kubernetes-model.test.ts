// The Kubernetes objects → registry model: owners, meshed, readiness from EndpointSlices, ports and selection.
import type { V1OwnerReference } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { endpointSlice, pod, podTemplateHash, service } from '../../../test/support/kube-objects.js';
import { kubernetesRegistry, podOwner, replicaSetToLookUp } from './kubernetes-model.js';
import { resolveAuthority } from '../translator.js';

describe('podOwner', () => {
  const rsOwners = new Map<string, V1OwnerReference | null>([
    ['demo/adopted', { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'u' }],
    ['demo/bare', null],
  ]);
  it.each([
    ['a Deployment’s pod, by the pod-template-hash convention', pod({ name: 'books-1', owner: 'Deployment/books' }), { kind: 'deployment', name: 'books' }],
    ['a StatefulSet’s pod', pod({ name: 'db-0', owner: 'StatefulSet/db' }), { kind: 'statefulset', name: 'db' }],
    ['a DaemonSet’s pod', pod({ name: 'agent-x', owner: 'DaemonSet/agent' }), { kind: 'daemonset', name: 'agent' }],
    ['a Job’s pod', pod({ name: 'migrate-x', owner: 'Job/migrate' }), { kind: 'job', name: 'migrate' }],
    ['a bare pod', pod({ name: 'debug' }), { kind: 'pod', name: 'debug' }],
    ['a ReplicaSet looked up: owned by a Deployment', pod({ name: 'w-1', owner: 'ReplicaSet/adopted' }), { kind: 'deployment', name: 'web' }],
    ['a ReplicaSet looked up: no owner', pod({ name: 'b-1', owner: 'ReplicaSet/bare' }), { kind: 'replicaset', name: 'bare' }],
    ['a ReplicaSet not (yet) looked up', pod({ name: 'c-1', owner: 'ReplicaSet/unknown' }), { kind: 'replicaset', name: 'unknown' }],
  ])('%s', (_what, p, expected) => {
    expect(podOwner(p, rsOwners)).toEqual(expected);
  });

  it('asks for a ReplicaSet lookup only when the name does not follow the convention', () => {
    expect(replicaSetToLookUp(pod({ name: 'books-1', owner: 'Deployment/books' }))).toBeUndefined();
    expect(replicaSetToLookUp(pod({ name: 'x', owner: 'ReplicaSet/bare' }))).toBe('demo/bare');
    expect(replicaSetToLookUp(pod({ name: 'x', owner: 'StatefulSet/db' }))).toBeUndefined();
    // A ReplicaSet named exactly like the hash would leave an empty Deployment name: look it up instead.
    const odd = pod({ name: 'x', owner: 'Deployment/books' });
    odd.metadata!.ownerReferences![0]!.name = `-${podTemplateHash}`;
    expect(replicaSetToLookUp(odd)).toBe(`demo/-${podTemplateHash}`);
  });
});

describe('kubernetesRegistry', () => {
  const objects = {
    pods: [
      pod({ name: 'books-1', ip: '10.0.0.1', owner: 'Deployment/books', serviceAccount: 'books' }),
      pod({ name: 'books-2', ip: '10.0.0.2', owner: 'Deployment/books', serviceAccount: 'books' }),
      pod({ name: 'db-0', ip: '10.0.0.3', owner: 'StatefulSet/db', meshed: false, appPort: 5432 }),
      pod({ name: 'pending', owner: 'Deployment/books' }),
      pod({ name: 'done', ip: '10.0.0.9', owner: 'Job/migrate', phase: 'Succeeded' }),
      pod({ namespace: 'other', name: 'web-1', ip: '10.0.1.1', owner: 'Deployment/web', ready: false }),
    ],
    services: [
      service({ name: 'books', ports: [{ name: 'http', port: 80, targetPort: 'http' }, { name: 'udp', port: 53, protocol: 'UDP' }, { name: 'admin', port: 9090, targetPort: 9091 }] }),
      service({ name: 'db', ports: [{ port: 5432 }] }),
      { ...service({ name: 'ext' }), spec: { type: 'ExternalName', externalName: 'example.org' } },
    ],
    endpointSlices: [
      endpointSlice({
        service: 'books',
        endpoints: [
          { pod: 'books-1', ip: '10.0.0.1' },
          { pod: 'books-2', ip: '10.0.0.2', ready: false },
        ],
        ports: [
          { name: 'http', port: 8080 },
          { name: 'admin', port: 9091 },
        ],
      }),
      endpointSlice({ service: 'db', endpoints: [{ pod: 'db-0', ip: '10.0.0.3' }], ports: [{ name: '', port: 5432 }] }),
    ],
  };

  it('builds the registry model: pods with owners, proxies and readiness; services with ports and their pods', () => {
    expect(kubernetesRegistry(objects)).toEqual({
      namespaces: [
        {
          name: 'demo',
          pods: [
            {
              name: 'books-1',
              deployment: 'books',
              serviceAccount: 'books',
              app: '10.0.0.1:8080',
              proxy: { inbound: '10.0.0.1:4143', outbound: '10.0.0.1:4140', admin: '10.0.0.1:4191' },
              ready: true,
            },
            {
              name: 'books-2',
              deployment: 'books',
              serviceAccount: 'books',
              app: '10.0.0.2:8080',
              proxy: { inbound: '10.0.0.2:4143', outbound: '10.0.0.2:4140', admin: '10.0.0.2:4191' },
              ready: false,
            },
            { name: 'db-0', deployment: 'db', ownerKind: 'statefulset', serviceAccount: 'default', app: '10.0.0.3:5432', ready: true },
          ],
          services: [
            {
              name: 'books',
              port: 80,
              deployment: 'books',
              ports: [
                { port: 80, targetPort: 8080 },
                { port: 9090, targetPort: 9091 },
              ],
              pods: ['books-1', 'books-2'],
            },
            { name: 'db', port: 5432, deployment: 'db', ports: [{ port: 5432, targetPort: 5432 }], pods: ['db-0'] },
          ],
        },
        {
          name: 'other',
          pods: [
            {
              name: 'web-1',
              deployment: 'web',
              serviceAccount: 'default',
              app: '10.0.1.1:8080',
              proxy: { inbound: '10.0.1.1:4143', outbound: '10.0.1.1:4140', admin: '10.0.1.1:4191' },
              ready: false,
            },
          ],
          services: [],
        },
      ],
    });
  });

  it('a service without slices yet keeps a numeric targetPort, and an unresolved named one is left to the pod', () => {
    const model = kubernetesRegistry({
      pods: [],
      services: [service({ name: 'a', ports: [{ name: 'x', port: 80, targetPort: 8080 }, { name: 'y', port: 81, targetPort: 'web' }] })],
      endpointSlices: [],
    });
    expect(model.namespaces[0]?.services[0]).toEqual({ name: 'a', port: 80, deployment: '', ports: [{ port: 80, targetPort: 8080 }, { port: 81 }], pods: [] });
  });

  it('keeps a service’s cluster IPs, both families, and none for a headless service', () => {
    const withIPs = (name: string, spec: { clusterIP?: string; clusterIPs?: string[] }) => {
      const s = service({ name });
      s.spec = { ...s.spec, ...spec };
      return s;
    };
    const model = kubernetesRegistry({
      pods: [],
      services: [
        withIPs('dual', { clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10', 'fd00::a'] }),
        withIPs('headless', { clusterIP: 'None', clusterIPs: ['None'] }),
        withIPs('old', { clusterIP: '10.96.0.11' }),
      ],
      endpointSlices: [],
    });
    expect(model.namespaces[0]?.services.map((s) => [s.name, s.clusterIPs])).toEqual([
      ['dual', ['10.96.0.10', 'fd00::a']],
      ['headless', undefined],
      ['old', ['10.96.0.11']],
    ]);
  });

  it('reads the proxy’s inbound port from its named container port', () => {
    const p = pod({ name: 'books-1', ip: '10.0.0.1', owner: 'Deployment/books' });
    p.spec!.containers[1]!.ports![1]!.containerPort = 14143;
    expect(kubernetesRegistry({ pods: [p], services: [], endpointSlices: [] }).namespaces[0]?.pods[0]?.proxy?.inbound).toBe('10.0.0.1:14143');
  });

  it('gives an injected proxy its tap listener from the named port, and none to a proxy without one', () => {
    const withTap = pod({ name: 'books-1', ip: '10.0.0.1', owner: 'Deployment/books' });
    withTap.spec!.containers[1]!.ports!.push({ name: 'signalbox-tap', containerPort: 4190 });
    const without = pod({ name: 'books-2', ip: '10.0.0.2', owner: 'Deployment/books' });
    const [first, second] = kubernetesRegistry({ pods: [withTap, without], services: [], endpointSlices: [] }).namespaces[0]?.pods ?? [];
    expect(first?.proxy?.tap).toBe('10.0.0.1:4190');
    expect(second?.proxy).toEqual({ inbound: '10.0.0.2:4143', outbound: '10.0.0.2:4140', admin: '10.0.0.2:4191' });
  });

  it('marks a pod whose init container redirects its inbound traffic: peers dial each Service port’s own target', () => {
    const injected = pod({ name: 'books-1', ip: '10.0.0.1', owner: 'Deployment/books' });
    injected.spec!.initContainers = [{ name: 'signalbox-init', image: 'proxy-init' }];
    const registry = kubernetesRegistry({
      pods: [injected, pod({ name: 'books-2', ip: '10.0.0.2', owner: 'Deployment/books' })],
      services: [service({ name: 'books', ports: [{ name: 'http', port: 80, targetPort: 8080 }, { name: 'admin', port: 9090, targetPort: 9091 }] })],
      endpointSlices: [
        endpointSlice({
          service: 'books',
          endpoints: [{ pod: 'books-1', ip: '10.0.0.1', ready: true }, { pod: 'books-2', ip: '10.0.0.2', ready: true }],
          ports: [{ name: 'http', port: 8080 }, { name: 'admin', port: 9091 }],
        }),
      ],
    });
    expect(registry.namespaces[0]?.pods.map((p) => p.proxy?.intercept)).toEqual([true, undefined]);
    const at = (port: number) => {
      const r = resolveAuthority(registry, { service: 'books', namespace: 'demo', port });
      return r.exists ? r.endpoints.map((e) => [e.addr, e.appPort]) : [];
    };
    // The redirected pod is dialled at the app port (its PREROUTING rule hands it to the proxy); the other at 4143.
    expect(at(80)).toEqual([['10.0.0.1:8080', 8080], ['10.0.0.2:4143', 8080]]);
    expect(at(9090)).toEqual([['10.0.0.1:9091', 9091], ['10.0.0.2:4143', 9091]]);
  });

  it('reads the ports inject left to the app (config.signalbox.io/skip-inbound-ports): those endpoints are unmeshed', () => {
    const skipping = pod({ name: 'books-1', ip: '10.0.0.1', owner: 'Deployment/books', serviceAccount: 'books' });
    skipping.spec!.initContainers = [{ name: 'signalbox-init', image: 'proxy-init' }];
    // A bad entry is ignored, as Linkerd's destination ignores it, not the whole list.
    skipping.metadata!.annotations = { 'config.signalbox.io/skip-inbound-ports': '9000-9100, smtp' };
    const registry = kubernetesRegistry({
      pods: [skipping],
      services: [service({ name: 'books', ports: [{ name: 'http', port: 80, targetPort: 8080 }, { name: 'admin', port: 9090, targetPort: 9091 }] })],
      endpointSlices: [endpointSlice({ service: 'books', endpoints: [{ pod: 'books-1', ip: '10.0.0.1' }], ports: [{ name: 'http', port: 8080 }, { name: 'admin', port: 9091 }] })],
    });
    expect(registry.namespaces[0]?.pods[0]?.proxy?.skipInboundPorts).toEqual(['9000-9100']);
    const at = (port: number) => {
      const r = resolveAuthority(registry, { service: 'books', namespace: 'demo', port });
      return r.exists ? r.endpoints.map((e) => [e.addr, e.meshed, e.identity]) : [];
    };
    expect(at(80)).toEqual([['10.0.0.1:8080', true, 'books.demo.serviceaccount.identity.signalbox.cluster.local']]);
    expect(at(9090)).toEqual([['10.0.0.1:9091', false, undefined]]);
  });

  it('is the same model whatever order the API lists objects in', () => {
    const reversed = { pods: [...objects.pods].reverse(), services: [...objects.services].reverse(), endpointSlices: [...objects.endpointSlices].reverse() };
    expect(kubernetesRegistry(reversed)).toEqual(kubernetesRegistry(objects));
  });
});
