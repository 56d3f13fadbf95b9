import { readFileSync } from 'node:fs';
import { registrySchema } from '@signalbox/shared';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { demoPodNames, demoPods, demoRegistry, serviceAuthority } from './topology.js';

const addrsFor = (name: string) => {
  const base = 20000 + 10 * demoPodNames().indexOf(name);
  return { app: `127.0.0.1:${base}`, inbound: `127.0.0.1:${base + 1}`, outbound: `127.0.0.1:${base + 2}`, admin: `127.0.0.1:${base + 3}` };
};

describe('demo topology', () => {
  it('yields a registry the control plane accepts', () => {
    const registry = registrySchema.parse(demoRegistry(demoPods(addrsFor)));
    const ns = registry.namespaces[0];
    expect(ns?.name).toBe('demo');
    expect(ns?.pods.filter((p) => p.deployment === 'books').map((p) => p.name)).toEqual(['books-0', 'books-1']);
    expect(ns?.services.map((s) => `${s.name}->${s.deployment}:${s.port}`)).toEqual([
      'web->web:7000',
      'books->books:7001',
      'authors->authors:7002',
      'ratings->ratings:7003',
      'feed->feed:7004',
      'stock->stock:7005',
    ]);
  });

  it('gives books a retryable GET route, in the launcher’s registry and the compose one alike', () => {
    const launched = registrySchema.parse(demoRegistry(demoPods(addrsFor)));
    const compose = registrySchema.parse(parse(readFileSync(new URL('../compose/registry.yaml', import.meta.url), 'utf8')));
    for (const registry of [launched, compose]) {
      const books = registry.namespaces[0]?.services.find((s) => s.name === 'books');
      expect(books?.policy?.routes).toEqual([{ name: 'GET /books', match: { method: 'GET', pathPrefix: '/books' }, retryable: true, timeout: 2000 }]);
    }
  });

  it('declares stock opaque (its service port and its pods’ app port), in the launcher’s registry and the compose one alike', () => {
    const launched = registrySchema.parse(demoRegistry(demoPods(addrsFor)));
    const compose = registrySchema.parse(parse(readFileSync(new URL('../compose/registry.yaml', import.meta.url), 'utf8')));
    for (const registry of [launched, compose]) {
      const ns = registry.namespaces[0];
      expect(ns?.services.filter((s) => s.opaquePorts).map((s) => [s.name, s.opaquePorts])).toEqual([['stock', ['7005']]]);
      const pods = ns?.pods.filter((p) => p.opaquePorts) ?? [];
      expect(pods.map((p) => p.deployment)).toEqual(['stock']);
      for (const p of pods) expect(p.opaquePorts).toEqual([p.app.split(':')[1]]);
    }
  });

  it('names services by mesh authority, and refuses a role without one', () => {
    expect(serviceAuthority('books')).toBe('books.demo:7001');
    expect(() => serviceAuthority('traffic')).toThrow(/no service/);
  });

  it('keeps the docker-compose registry valid and in step with the topology', () => {
    const file = new URL('../compose/registry.yaml', import.meta.url);
    const registry = registrySchema.parse(parse(readFileSync(file, 'utf8')));
    expect(registry.namespaces[0]?.pods.map((p) => p.name).sort()).toEqual(demoPodNames().sort());
  });
});
