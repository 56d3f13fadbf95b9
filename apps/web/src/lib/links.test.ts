import { describe, expect, it } from 'vitest';
import { detailHref, isDetailKind, namespaceHref, tapHref } from './links';

describe('links', () => {
  it('builds detail and namespace links, carrying the window', () => {
    expect(detailHref('deployment', 'demo', 'books', '10m')).toBe('/namespaces/demo/deployment/books?window=10m');
    expect(detailHref('pod', 'demo', 'books-0')).toBe('/namespaces/demo/pod/books-0');
    expect(namespaceHref('demo', '1m')).toBe('/namespaces/demo?window=1m');
  });

  it('builds the tap link of an edge', () => {
    const web = { namespace: 'demo', deployment: 'web' };
    expect(tapHref(web, { namespace: 'demo', deployment: 'books' })).toBe('/tap?resource=deploy/web&namespace=demo&to=deploy/books');
    expect(tapHref(web, { namespace: 'data', deployment: 'db' })).toBe(
      '/tap?resource=deploy/web&namespace=demo&to=deploy/db&to_namespace=data',
    );
    expect(tapHref(web)).toBe('/tap?resource=deploy/web&namespace=demo');
    expect(new URL(tapHref(web, { namespace: 'demo', deployment: 'books' }), 'http://x').searchParams.get('to')).toBe('deploy/books');
  });

  it('knows which kinds have a detail page', () => {
    expect(['deployment', 'pod', 'service', 'namespace', 'deploy'].map(isDetailKind)).toEqual([true, true, true, false, false]);
  });
});
