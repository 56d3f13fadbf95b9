import { describe, expect, it } from 'vitest';
import { registrySchema } from './registry.js';

const pod = { name: 'mysql-0', deployment: 'mysql', app: '127.0.0.1:7000' };
const registry = (service: Record<string, unknown>, podFields: Record<string, unknown> = {}) => ({
  namespaces: [{ name: 'demo', pods: [{ ...pod, ...podFields }], services: [{ name: 'mysql', port: 7000, deployment: 'mysql', ...service }] }],
});
const messages = (input: unknown) => {
  const r = registrySchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('opaque ports in the registry', () => {
  it('accepts ports and ranges on a service and on a pod', () => {
    const parsed = registrySchema.parse(registry({ ports: [{ port: 7000 }, { port: 7100 }], opaquePorts: ['7000', '7100-7200'] }, { opaquePorts: ['7000', '9000-9010'] }));
    expect(parsed.namespaces[0]?.services[0]?.opaquePorts).toEqual(['7000', '7100-7200']);
    expect(parsed.namespaces[0]?.pods[0]?.opaquePorts).toEqual(['7000', '9000-9010']);
  });

  it('names the entry that is not a port or a range', () => {
    expect(messages(registry({}, { opaquePorts: ['mysql'] }))).toEqual(['namespaces.0.pods.0.opaquePorts.0: expected a port or a range like 8000-8010']);
    expect(messages(registry({ opaquePorts: ['7000-6000'] }))).toContain('namespaces.0.services.0.opaquePorts.0: expected a port or a range like 8000-8010');
  });

  it('refuses an opaque port that is none of the service’s, naming the ports it has', () => {
    expect(messages(registry({ ports: [{ port: 7000 }, { port: 7001 }], opaquePorts: ['7000', '3306'] }))).toEqual([
      'namespaces.0.services.0.opaquePorts.1: opaque port 3306 is not a port of service "mysql" (7000, 7001)',
    ]);
  });
});
