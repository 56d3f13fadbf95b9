import { describe, expect, it } from 'vitest';
import { detailHref, detailKindOf, isDetailKind, namespaceHref, tapHref } from './links';

describe('links', () => {
  it('builds detail and namespace links, carrying the window', () => {
    expect(detailHref('deployment', 'demo', 'books', '10m')).toBe('/namespaces/demo/deployment/books?window=10m');
    expect(detailHref('pod', 'demo', 'books-0')).toBe('/namespaces/demo/pod/books-0');
    expect(namespaceHref('demo', '1m')).toBe('/namespaces/demo?window=1m');
  });

  it('builds the tap link of an edge', () => {
    const web = { namespace: 'demo', kind: 'deployment', name: 'web' } as const;
    const books = { namespace: 'demo', kind: 'deployment', name: 'books' } as const;
    expect(tapHref(web, books)).toBe('/tap?resource=deploy/web&namespace=demo&to=deploy/books');
    expect(tapHref(web, { namespace: 'data', kind: 'statefulset', name: 'db' })).toBe('/tap?resource=deploy/web&namespace=demo&to=sts/db&to_namespace=data');
    expect(tapHref({ namespace: 'demo', kind: 'daemonset', name: 'agent' }, books)).toBe('/tap?resource=ds/agent&namespace=demo&to=deploy/books');
    expect(tapHref(web)).toBe('/tap?resource=deploy/web&namespace=demo');
    expect(new URL(tapHref(web, books), 'http://x').searchParams.get('to')).toBe('deploy/books');
  });

  it('knows which kinds have a detail page', () => {
    expect(['deployment', 'statefulset', 'daemonset', 'pod', 'service', 'namespace', 'job', 'deploy'].map(isDetailKind)).toEqual([
      true, true, true, true, true, false, false, false,
    ]);
  });

  it.each([
    ['sts', 'statefulset', '/namespaces/demo/statefulset/db'],
    ['statefulsets', 'statefulset', '/namespaces/demo/statefulset/db'],
    ['ds', 'daemonset', '/namespaces/demo/daemonset/db'],
    ['deploy', 'deployment', '/namespaces/demo/deployment/db'],
  ] as const)('takes %s as the detail page of a %s, linked by its full name', (segment, kind, href) => {
    expect(detailKindOf(segment)).toBe(kind);
    expect(detailHref(kind, 'demo', 'db')).toBe(href);
  });

  it.each(['ns', 'job', 'rs', 'nope'])('has no detail page for %s', (segment) => expect(detailKindOf(segment)).toBeNull());
});
