import { registrySchema, type TapEvent } from '@signalbox/shared';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { policyYaml, routesFromTap } from './from-tap.js';

const peer = { addr: '127.0.0.1:1', meta: {} };
let stream = 0;
const req = (method: string, path: string, direction: 'inbound' | 'outbound' = 'inbound'): TapEvent => ({
  id: { base: 0, stream: stream++ },
  direction,
  source: peer,
  destination: peer,
  at: 0,
  requestInit: { method, scheme: 'http', authority: 'books.demo:7001', path, headers: [] },
});

describe('routesFromTap', () => {
  const events = [
    req('GET', '/books'),
    req('GET', '/books?page=2'),
    req('GET', '/books/1.json'),
    req('POST', '/books'),
    req('GET', '/books/1.json'),
    req('GET', '/books'),
    req('GET', '/stock', 'outbound'),
  ];

  it('busiest first, exact escaped paths, inbound only, query dropped', () => {
    expect(routesFromTap(events, 20)).toEqual([
      { name: 'GET /books', match: { method: 'GET', pathRegex: '/books' } },
      { name: 'GET /books/1.json', match: { method: 'GET', pathRegex: '/books/1\\.json' } },
      { name: 'POST /books', match: { method: 'POST', pathRegex: '/books' } },
    ]);
  });

  it('--tap-route-limit', () => {
    expect(routesFromTap(events, 1).map((r) => r.name)).toEqual(['GET /books']);
  });

  it('the YAML is a policy the registry accepts', () => {
    const text = policyYaml(routesFromTap(events, 20), 'observed');
    const policy = (parseDocument(text).toJS() as { policy: unknown }).policy;
    const parsed = registrySchema.parse({ namespaces: [{ name: 'demo', services: [{ name: 'books', port: 7001, deployment: 'books', policy }] }] });
    expect(parsed.namespaces[0]?.services[0]?.policy?.routes.map((r) => r.match.pathRegex)).toEqual(['/books', '/books/1\\.json', '/books']);
    expect(text.startsWith('# observed\npolicy:\n  routes:\n')).toBe(true);
  });
});
