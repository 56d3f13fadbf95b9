// Declared opaque ports → protocol hints on the destination stream: per service port (the registry's or a
// Service's annotation / appProtocol), per pod port (its annotation), on service endpoints and on address answers.
import { registrySchema, type AddressUpdate, type Registry } from '@signalbox/shared';
import { describe, expect, it } from 'vitest';
import { endpointSlice, pod, service } from '../../test/support/kube-objects.js';
import { addressIndex, sameAddress } from './address-index.js';
import { appProtocolIsOpaque, kubernetesRegistry } from './sources/kubernetes-model.js';
import { resolveAuthority, translate } from './translator.js';

const registry = registrySchema.parse({
  namespaces: [
    {
      name: 'demo',
      pods: [
        { name: 'mysql-0', deployment: 'mysql', app: '10.0.0.1:7000' },
        // Meshed, declaring its own port: the service says nothing of it.
        {
          name: 'smtp-0',
          deployment: 'smtp',
          app: '10.0.0.2:2525',
          opaquePorts: ['2500-2599'],
          proxy: { inbound: '10.0.0.2:4143', outbound: '10.0.0.2:4140', admin: '10.0.0.2:4191', intercept: true },
        },
        { name: 'web-0', deployment: 'web', app: '10.0.0.3:8080' },
      ],
      services: [
        { name: 'mysql', port: 7000, deployment: 'mysql', ports: [{ port: 7000 }, { port: 7001 }], opaquePorts: ['7000'], clusterIPs: ['10.96.0.1'] },
        { name: 'smtp', port: 25, deployment: 'smtp', ports: [{ port: 25, targetPort: 2525 }], clusterIPs: ['10.96.0.2'] },
        { name: 'web', port: 80, deployment: 'web', ports: [{ port: 80, targetPort: 8080 }], clusterIPs: ['10.96.0.3'] },
      ],
    },
  ],
});

const hints = (r: Registry, service: string, port: number) => {
  const res = resolveAuthority(r, { service, namespace: 'demo', port });
  return res.exists ? res.endpoints.map((e) => e.protocolHint) : 'no service';
};

describe('protocol hints from the registry', () => {
  it('marks a service’s endpoints opaque on its declared port only', () => {
    expect(hints(registry, 'mysql', 7000)).toEqual(['opaque']);
    expect(hints(registry, 'mysql', 7001)).toEqual([undefined]);
  });

  it('marks an endpoint opaque when its pod declares the target port, meshed or not', () => {
    expect(hints(registry, 'smtp', 25)).toEqual(['opaque']);
    expect(hints(registry, 'web', 80)).toEqual([undefined]);
  });

  it('answers a cluster IP with the hint of its service port, or of the pods behind it', () => {
    const index = addressIndex(registry);
    expect(index.lookup('10.96.0.1', 7000)).toEqual({ type: 'address', service: 'mysql.demo.svc.cluster.local:7000', protocolHint: 'opaque' });
    expect(index.lookup('10.96.0.1', 7001)).toEqual({ type: 'address', service: 'mysql.demo.svc.cluster.local:7001' });
    expect(index.lookup('10.96.0.2', 25).protocolHint).toBe('opaque');
    expect(index.lookup('10.96.0.3', 80).protocolHint).toBeUndefined();
  });

  it('answers a pod IP with an endpoint hinted by the pod’s own opaque ports', () => {
    const index = addressIndex(registry);
    expect(index.lookup('10.0.0.2', 2525).endpoint).toMatchObject({ addr: '10.0.0.2:2525', meshed: true, appPort: 2525, protocolHint: 'opaque' });
    expect(index.lookup('10.0.0.2', 8080).endpoint?.protocolHint).toBeUndefined();
    // The service's declaration is about the service port: the pod's IP alone says nothing.
    expect(index.lookup('10.0.0.1', 7000).endpoint?.protocolHint).toBeUndefined();
  });

  it('tells streams when a declaration comes or goes', () => {
    const undeclared = registrySchema.parse({
      namespaces: [{ ...registry.namespaces[0], services: registry.namespaces[0]?.services.map((s) => ({ ...s, opaquePorts: undefined })) }],
    });
    const before = resolveAuthority(undeclared, { service: 'mysql', namespace: 'demo', port: 7000 });
    const after = resolveAuthority(registry, { service: 'mysql', namespace: 'demo', port: 7000 });
    expect(translate(before, after)).toEqual([{ type: 'add', endpoints: [expect.objectContaining({ addr: '10.0.0.1:7000', protocolHint: 'opaque' })] }]);
    const was: AddressUpdate = addressIndex(undeclared).lookup('10.96.0.1', 7000);
    expect(sameAddress(was, addressIndex(registry).lookup('10.96.0.1', 7000))).toBe(false);
  });
});

describe('protocol hints from Kubernetes', () => {
  it.each([
    [undefined, false],
    ['http', false],
    ['HTTP', false],
    ['kubernetes.io/h2c', false],
    ['signalbox.io/opaque', true],
    ['linkerd.io/tcp', true],
    ['mysql', true],
  ])('appProtocol %s is opaque: %s', (appProtocol, opaque) => {
    expect(appProtocolIsOpaque(appProtocol)).toBe(opaque);
  });

  const mysql = service({ name: 'mysql', ports: [{ name: 'sql', port: 7000, targetPort: 7000 }, { name: 'admin', port: 7001, targetPort: 7001 }, { name: 'x', port: 7002, targetPort: 7002 }] });
  const model = (annotations: Record<string, string> | undefined, appProtocols: Record<string, string> = {}, podAnnotations?: Record<string, string>) => {
    const svc = structuredClone(mysql);
    if (annotations) svc.metadata!.annotations = annotations;
    for (const p of svc.spec!.ports!) if (p.name && appProtocols[p.name]) p.appProtocol = appProtocols[p.name];
    const p = pod({ name: 'mysql-0', ip: '10.0.0.1', owner: 'StatefulSet/mysql', appPort: 7000 });
    if (podAnnotations) p.metadata!.annotations = podAnnotations;
    return kubernetesRegistry({
      pods: [p],
      services: [svc],
      endpointSlices: [endpointSlice({ service: 'mysql', endpoints: [{ pod: 'mysql-0', ip: '10.0.0.1' }], ports: [{ name: 'sql', port: 7000 }, { name: 'admin', port: 7001 }, { name: 'x', port: 7002 }] })],
    });
  };

  it('reads the Service’s annotation, keeping only its own ports, and its appProtocols', () => {
    expect(model(undefined).namespaces[0]?.services[0]).not.toHaveProperty('opaquePorts');
    // A list copied from the pods: 3306 is no port of this service.
    expect(model({ 'config.signalbox.io/opaque-ports': '3306, 7000, nonsense' }).namespaces[0]?.services[0]?.opaquePorts).toEqual(['7000']);
    expect(model({ 'config.signalbox.io/opaque-ports': '7000-7001' }, { x: 'kubernetes.io/h2c' }).namespaces[0]?.services[0]?.opaquePorts).toEqual(['7000', '7001']);
    const byAppProtocol = model(undefined, { sql: 'signalbox.io/opaque', admin: 'http', x: 'mysql' });
    expect(byAppProtocol.namespaces[0]?.services[0]?.opaquePorts).toEqual(['7000', '7002']);
    expect(hints(byAppProtocol, 'mysql', 7000)).toEqual(['opaque']);
    expect(hints(byAppProtocol, 'mysql', 7001)).toEqual([undefined]);
  });

  it('reads a pod’s annotation as its opaque ports, an empty one replacing the default list with none', () => {
    const annotated = model(undefined, {}, { 'config.signalbox.io/opaque-ports': '7001,9000-9010' });
    expect(annotated.namespaces[0]?.pods[0]?.opaquePorts).toEqual(['7001', '9000-9010']);
    expect(hints(annotated, 'mysql', 7001)).toEqual(['opaque']);
    expect(hints(annotated, 'mysql', 7000)).toEqual([undefined]);
    expect(model(undefined, {}, { 'config.signalbox.io/opaque-ports': '' }).namespaces[0]?.pods[0]?.opaquePorts).toEqual([]);
    expect(model(undefined).namespaces[0]?.pods[0]).not.toHaveProperty('opaquePorts');
  });
});
