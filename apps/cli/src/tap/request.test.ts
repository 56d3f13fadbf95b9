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

  it.each([
    ['deploy', /expected <kind>\/<name>/],
    ['ns/demo', /cannot tap "ns"/],
    ['svc/books', /cannot tap "svc"/],
    ['deploy/Books', /not a resource name/],
  ])('refuses %s', (target, message) => {
    const r = buildTapRequest(target, { namespace: 'demo' });
    expect('error' in r && r.error).toMatch(message);
  });
});
