import { describe, expect, it } from 'vitest';
import { buildTapRequest } from './request.js';

describe('buildTapRequest', () => {
  it('builds the request linkerd viz tap would, from flags', () => {
    expect(buildTapRequest('deploy/books', { namespace: 'demo' })).toEqual({ v: 1, target: { namespace: 'demo', kind: 'deployment', name: 'books' } });
    expect(
      buildTapRequest('po/web-0', { namespace: 'demo', to: 'deploy/books', method: 'get', path: '/books', authority: 'books.demo:7001', maxRps: 5 }),
    ).toEqual({
      v: 1,
      target: { namespace: 'demo', kind: 'pod', name: 'web-0' },
      to: { namespace: 'demo', kind: 'deployment', name: 'books' },
      match: { all: [{ method: 'GET' }, { authority: { exact: 'books.demo:7001' } }, { path: { prefix: '/books' } }] },
      maxRps: 5,
    });
    expect(buildTapRequest('deploy/web', { namespace: 'demo', to: 'deploy/books', toNamespace: 'shop' })).toMatchObject({
      to: { namespace: 'shop' },
    });
  });

  it('takes every tap kind, a namespace named by the resource (as linkerd viz tap ns/emojivoto ignores -n)', () => {
    expect(buildTapRequest('sts/db', { namespace: 'demo' })).toEqual({ v: 1, target: { namespace: 'demo', kind: 'statefulset', name: 'db' } });
    expect(buildTapRequest('ns/shop', { namespace: 'demo' })).toEqual({ v: 1, target: { namespace: 'shop', kind: 'namespace', name: 'shop' } });
  });

  it('takes any tap kind for --to', () => {
    expect(buildTapRequest('deploy/web', { namespace: 'demo', to: 'sts/db' })).toMatchObject({ to: { namespace: 'demo', kind: 'statefulset', name: 'db' } });
    expect(buildTapRequest('deploy/web', { namespace: 'demo', to: 'ns/shop', toNamespace: 'other' })).toMatchObject({ to: { namespace: 'shop', kind: 'namespace', name: 'shop' } });
  });

  it.each([
    ['deploy', /expected <kind>\/<name>/],
    ['svc/books', /cannot tap "svc"/],
    ['cronjob/nightly', /cannot tap "cronjob"/],
    ['deploy/Books', /not a resource name/],
  ])('refuses %s', (target, message) => {
    const r = buildTapRequest(target, { namespace: 'demo' });
    expect('error' in r && r.error).toMatch(message);
  });
});
