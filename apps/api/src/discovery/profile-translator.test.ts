// The registry's `policy` → the profile a proxy applies; table of registries → exact profiles.
import { registrySchema, type Profile } from '@signalbox/shared';
import { describe, expect, it } from 'vitest';
import { resolveProfile } from './profile-translator.js';

const registry = (books: Record<string, unknown>) =>
  registrySchema.parse({
    namespaces: [
      {
        name: 'demo',
        services: [
          { name: 'books', port: 7001, deployment: 'books', ...books },
          { name: 'books-v2', port: 7011, deployment: 'books-v2' },
        ],
      },
    ],
  });
const books = { service: 'books', namespace: 'demo', port: 7001 };
const base = { fqn: 'books.demo.svc.cluster.local', retryBudget: { retryRatio: 0.2, minRetriesPerSecond: 10, ttlMs: 10_000 } };

describe('resolveProfile', () => {
  it.each<[string, Record<string, unknown>, Profile]>([
    ['no policy: the default profile', {}, { ...base, routes: [], dstOverrides: [] }],
    [
      'routes, retries, timeout and classes in wire form',
      {
        policy: {
          routes: [
            { name: 'GET /books', match: { method: 'GET', pathRegex: '/books(/.*)?' }, retryable: true, timeout: '2s' },
            { name: 'POST', match: { method: 'POST', pathPrefix: '/' }, retryOn: { http: ['gateway-error', 500], grpc: ['unavailable'] }, responseClasses: [{ status: '5xx', failure: false }] },
          ],
        },
      },
      {
        ...base,
        routes: [
          { name: 'GET /books', method: 'GET', pathRegex: '/books(/.*)?', retryable: true, timeoutMs: 2000 },
          {
            name: 'POST',
            method: 'POST',
            pathPrefix: '/',
            retryable: false,
            retryStatuses: [{ min: 502, max: 504 }, { min: 500, max: 500 }],
            retryGrpc: [14],
            responseClasses: [{ status: { min: 500, max: 599 }, failure: false }],
          },
        ],
        dstOverrides: [],
      },
    ],
    [
      'budget, accrual defaults and a split with each backend’s own port',
      { policy: { retryBudget: { retryRatio: 0.5, ttl: '5s' }, failureAccrual: {}, backends: [{ service: 'books', weight: 90 }, { service: 'books-v2', weight: 10 }] } },
      {
        ...base,
        routes: [],
        retryBudget: { retryRatio: 0.5, minRetriesPerSecond: 10, ttlMs: 5000 },
        failureAccrual: { consecutiveFailures: 7, minPenaltyMs: 1000, maxPenaltyMs: 60_000, jitterRatio: 0.5 },
        dstOverrides: [
          { authority: 'books.demo:7001', weight: 90 },
          { authority: 'books-v2.demo:7011', weight: 10 },
        ],
      },
    ],
  ])('%s', (_n, service, expected) => {
    expect(resolveProfile(registry(service), books)).toEqual(expected);
  });

  it('an unknown service gets the default profile', () => {
    expect(resolveProfile(registry({}), { service: 'nope', namespace: 'demo', port: 1 }).routes).toEqual([]);
  });
});

describe('policy validation (registry schema)', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['bad regex', { routes: [{ name: 'x', match: { pathRegex: '(' } }] }, 'services.0.policy.routes.0.match.pathRegex'],
    ['bad duration', { routes: [{ name: 'x', timeout: '2 seconds' }] }, 'services.0.policy.routes.0.timeout'],
    ['unknown backend', { backends: [{ service: 'nope', weight: 1 }] }, 'services.0.policy.backends.0.service'],
    ['all weights zero', { backends: [{ service: 'books', weight: 0 }] }, 'services.0.policy.backends'],
    ['duplicate route names', { routes: [{ name: 'a' }, { name: 'a' }] }, 'services.0.policy.routes.1.name'],
    ['bad retry status', { routes: [{ name: 'a', retryOn: { http: ['6xx'] } }] }, 'services.0.policy.routes.0.retryOn.http.0'],
  ])('refuses %s at its path', (_n, policy, path) => {
    const r = registrySchema.safeParse({ namespaces: [{ name: 'demo', services: [{ name: 'books', port: 7001, deployment: 'books', policy }] }] });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.slice(2).join('.'))).toContain(path);
  });

  it('a parsed policy written back out parses the same (durations in ms, statuses as ranges)', () => {
    const once = registry({ policy: { routes: [{ name: 'a', timeout: '2s', retryOn: { http: ['5xx'] } }], retryBudget: {} } });
    expect(registrySchema.parse(JSON.parse(JSON.stringify(once)))).toEqual(once);
  });
});
