import type { ProfileRoute } from '@signalbox/shared';
import { describe, expect, it } from 'vitest';
import { compileRoute, compileRoutes, matchRoute } from './route.js';

const routes = compileRoutes([
  { name: 'GET /books/{id}', method: 'GET', pathRegex: '/books/\\d+', retryable: true },
  { name: 'GET /books', method: 'GET', pathPrefix: '/books', retryable: true },
  { name: 'POST /books', method: 'POST', pathRegex: '/books', retryable: false },
  { name: 'any /admin', pathPrefix: '/admin', retryable: false },
]);

describe('matchRoute (first match wins, whole-path regex, query ignored)', () => {
  it.each([
    ['GET', '/books/12', 'GET /books/{id}'],
    ['GET', '/books/12?x=1', 'GET /books/{id}'],
    ['GET', '/books/12/reviews', 'GET /books'],
    ['GET', '/books', 'GET /books'],
    ['POST', '/books', 'POST /books'],
    ['POST', '/books/1', ''],
    ['DELETE', '/admin/x', 'any /admin'],
    ['GET', '/authors', ''],
  ])('%s %s → %j', (method, path, name) => {
    expect(matchRoute(routes, method, path).name).toBe(name);
  });
});

const route = (r: Partial<ProfileRoute>) => compileRoute({ name: 'r', retryable: true, ...r });

describe('Route.retriesOn', () => {
  it.each<[string, Partial<ProfileRoute>, number, number | undefined, string, boolean]>([
    ['5xx by default', {}, 503, undefined, '', true],
    ['4xx not by default', {}, 404, undefined, '', false],
    ['proxy error before a response', {}, 0, undefined, 'connect-refused', true],
    ['non-retryable route never', { retryable: false }, 503, undefined, '', false],
    ['only the listed statuses', { retryStatuses: [{ min: 502, max: 504 }] }, 500, undefined, '', false],
    ['a listed status', { retryStatuses: [{ min: 502, max: 504 }] }, 503, undefined, '', true],
    ['a 4xx the route lists', { retryStatuses: [{ min: 429, max: 429 }] }, 429, undefined, '', true],
    ['gRPC: listed code', { retryGrpc: [14] }, 200, 14, '', true],
    ['gRPC: unlisted code', { retryGrpc: [14] }, 200, 13, '', false],
    ['gRPC without a list: its failure classification', {}, 200, 14, '', true],
    ['a 5xx the route classifies as success', { responseClasses: [{ status: { min: 500, max: 599 }, failure: false }] }, 503, undefined, '', false],
  ])('%s', (_n, r, status, grpc, error, expected) => {
    expect(route(r).retriesOn(status, grpc, error)).toBe(expected);
  });
});

describe('Route.classify', () => {
  it.each<[string, Partial<ProfileRoute>, number, string, string]>([
    ['default ≥ 500', {}, 500, '', 'failure'],
    ['a class marks 404 a failure', { responseClasses: [{ status: { min: 404, max: 404 }, failure: true }] }, 404, '', 'failure'],
    ['a class marks 5xx a success', { responseClasses: [{ status: { min: 500, max: 599 }, failure: false }] }, 503, '', 'success'],
    ['an error is a failure whatever the classes', { responseClasses: [{ status: { min: 500, max: 599 }, failure: false }] }, 504, 'timeout', 'failure'],
  ])('%s', (_n, r, status, error, expected) => {
    expect(route(r).classify(status, undefined, error)).toBe(expected);
  });
});
