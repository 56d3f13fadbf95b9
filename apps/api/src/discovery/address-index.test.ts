// An intercepted ip:port → the service whose cluster IP it is, the pod whose address it is, or nothing.
import { registrySchema, type AddressUpdate } from '@signalbox/shared';
import { describe, expect, it } from 'vitest';
import { addressIndex, sameAddress } from './address-index.js';

const registry = registrySchema.parse({
  namespaces: [
    {
      name: 'demo',
      pods: [
        {
          name: 'books-1',
          deployment: 'books',
          serviceAccount: 'books',
          app: '10.0.0.1:8080',
          proxy: { inbound: '10.0.0.1:4143', outbound: '10.0.0.1:4140', admin: '10.0.0.1:4191', tap: '10.0.0.1:4190' },
        },
        { name: 'db-0', deployment: 'db', ownerKind: 'statefulset', app: '10.0.0.3:5432' },
        // One machine: two pods on one IP, told apart by port.
        { name: 'a', deployment: 'a', app: '127.0.0.1:7001' },
        { name: 'b', deployment: 'b', app: '127.0.0.1:7002' },
      ],
      services: [
        { name: 'books', port: 80, deployment: 'books', ports: [{ port: 80, targetPort: 8080 }, { port: 9090, targetPort: 9091 }], clusterIPs: ['10.96.0.10', 'FD00::A'] },
        { name: 'db', port: 5432, deployment: 'db' },
      ],
    },
  ],
});

describe('addressIndex', () => {
  const index = addressIndex(registry, 'example.org');
  it.each([
    ['a cluster IP on a service port', '10.96.0.10', 80, { type: 'address', service: 'books.demo.svc.cluster.local:80' }],
    ['the same service on its other port', '10.96.0.10', 9090, { type: 'address', service: 'books.demo.svc.cluster.local:9090' }],
    ['its IPv6 cluster IP, whatever the case', 'fd00::a', 80, { type: 'address', service: 'books.demo.svc.cluster.local:80' }],
    ['a cluster IP on a port the service lacks', '10.96.0.10', 443, { type: 'address' }],
    ['an address outside the mesh', '93.184.216.34', 443, { type: 'address' }],
    ['a pod IP of a shared host on an unknown port', '127.0.0.1', 7003, { type: 'address' }],
  ])('%s', (_what, ip, port, expected) => {
    expect(index.lookup(ip, port)).toEqual(expected);
  });

  it('answers a meshed pod’s IP on any port with that pod, reached through its proxy, with its identity', () => {
    expect(index.lookup('10.0.0.1', 9091)).toEqual({
      type: 'address',
      endpoint: {
        addr: '10.0.0.1:4143',
        meshed: true,
        identity: 'books.demo.serviceaccount.identity.signalbox.example.org',
        appPort: 9091,
        labels: { namespace: 'demo', service: '', deployment: 'books', pod: 'books-1', serviceaccount: 'books' },
      },
    });
  });

  it.each([
    ['admin', 4191],
    ['tap', 4190],
  ])('answers a meshed pod’s own proxy %s port unmeshed: it is the proxy itself, never behind its inbound', (_name, port) => {
    // A meshed Prometheus scraping podIP:4191 must reach the admin in plaintext, as inject's rules let it.
    expect(index.lookup('10.0.0.1', port).endpoint).toEqual({
      addr: `10.0.0.1:${port}`,
      meshed: false,
      labels: { namespace: 'demo', service: '', deployment: 'books', pod: 'books-1', serviceaccount: 'books' },
    });
  });

  it('answers an unmeshed pod with its own address, in plaintext, labelled by its owner', () => {
    expect(index.lookup('10.0.0.3', 5432).endpoint).toEqual({
      addr: '10.0.0.3:5432',
      meshed: false,
      labels: { namespace: 'demo', service: '', deployment: '', statefulset: 'db', pod: 'db-0', serviceaccount: 'default' },
    });
  });

  it('tells pods sharing an IP apart by their exact app address', () => {
    expect(index.lookup('127.0.0.1', 7002).endpoint?.labels.pod).toBe('b');
    expect(index.lookup('127.0.0.1', 7001).endpoint?.labels.pod).toBe('a');
  });
});

describe('sameAddress', () => {
  const pod = addressIndex(registry).lookup('10.0.0.1', 8080);
  const other = addressIndex(registry).lookup('10.0.0.3', 5432);
  const service: AddressUpdate = { type: 'address', service: 'books.demo.svc.cluster.local:80' };
  it.each([
    ['nothing, nothing', { type: 'address' }, { type: 'address' }, true],
    ['one service', service, { ...service }, true],
    ['two services', service, { type: 'address', service: 'db.demo.svc.cluster.local:5432' }, false],
    ['a pod, rebuilt from the same registry', pod, addressIndex(registry).lookup('10.0.0.1', 8080), true],
    ['two pods', pod, other, false],
    ['a service, then nothing', service, { type: 'address' }, false],
    ['nothing, then a pod', { type: 'address' }, pod, false],
  ] as [string, AddressUpdate, AddressUpdate, boolean][])('%s', (_what, a, b, same) => {
    expect(sameAddress(a, b)).toBe(same);
  });
});
