import { describe, expect, it } from 'vitest';
import { emptyTapQuery, tapPageHref, tapQueryFromParams, tapQueryString, tapRequestFor, type TapQuery } from './tap-query';

const q = (o: Partial<TapQuery>): TapQuery => ({ ...emptyTapQuery, ...o });

describe('tapQueryFromParams / tapQueryString', () => {
  it('reads the topology’s edge links and writes them back the same', () => {
    const search = 'resource=deploy/web&namespace=demo&to=deploy/books';
    const query = tapQueryFromParams(new URLSearchParams(search));
    expect(query).toEqual(q({ resource: 'deploy/web', namespace: 'demo', to: 'deploy/books' }));
    expect(tapQueryString(query)).toBe(search);
  });

  it('holds every field, headers off only when asked', () => {
    const query = q({ resource: 'po/web-0', namespace: 'demo', to: 'deploy/books', toNamespace: 'other', method: 'GET', path: '/books?x=1', authority: 'books.demo:7001', scheme: 'http', maxRps: '10', headers: false });
    const text = tapQueryString(query);
    expect(text).toBe('resource=po/web-0&namespace=demo&to=deploy/books&to_namespace=other&method=GET&path=/books%3Fx%3D1&authority=books.demo%3A7001&scheme=http&max_rps=10&headers=0');
    expect(tapQueryFromParams(new URLSearchParams(text))).toEqual(query);
  });

  it('defaults the namespace', () => expect(tapQueryFromParams(new URLSearchParams('')).namespace).toBe('default'));
});

describe('tapRequestFor', () => {
  it.each<[string, Partial<TapQuery>, object]>([
    ['a deployment', { resource: 'deploy/web', namespace: 'demo' }, { v: 1, target: { namespace: 'demo', kind: 'deployment', name: 'web' }, maxRps: 100, extractHeaders: true }],
    ['an edge, the destination in the source’s namespace', { resource: 'deploy/web', namespace: 'demo', to: 'deploy/books' }, { to: { namespace: 'demo', kind: 'deployment', name: 'books' } }],
    ['an edge across namespaces', { resource: 'deploy/web', namespace: 'demo', to: 'po/db-0', toNamespace: 'data' }, { to: { namespace: 'data', kind: 'pod', name: 'db-0' } }],
    ['a statefulset', { resource: 'sts/db', namespace: 'demo' }, { target: { namespace: 'demo', kind: 'statefulset', name: 'db' } }],
    ['a daemonset to a job', { resource: 'ds/agent', namespace: 'demo', to: 'job/migrate' }, { target: { kind: 'daemonset', name: 'agent' }, to: { namespace: 'demo', kind: 'job', name: 'migrate' } }],
    ['a namespace, named by the resource', { resource: 'ns/shop', namespace: 'demo' }, { target: { namespace: 'shop', kind: 'namespace', name: 'shop' } }],
    ['one filter is a leaf', { resource: 'deploy/web', namespace: 'demo', path: '/books' }, { match: { path: { prefix: '/books' } } }],
    [
      'several filters must all hold; method upper-cased, authority exact',
      { resource: 'deploy/web', namespace: 'demo', method: 'get', authority: 'books.demo:7001', path: '/b', maxRps: '5', headers: false },
      { match: { all: [{ method: 'GET' }, { authority: { exact: 'books.demo:7001' } }, { path: { prefix: '/b' } }] }, maxRps: 5, extractHeaders: false },
    ],
  ])('%s', (_name, query, expected) => expect(tapRequestFor(q(query))).toMatchObject(expected));

  it.each<[Partial<TapQuery>, RegExp]>([
    [{}, /^Choose a resource/],
    [{ resource: 'svc/books' }, /^Resource: cannot tap "svc"/],
    [{ resource: 'deploy' }, /^Resource: .*expected <kind>\/<name>/],
    [{ resource: 'deploy/Web' }, /not a resource name/],
    [{ resource: 'deploy/web', namespace: 'Demo' }, /not a namespace name/],
    [{ resource: 'deploy/web', to: 'books' }, /^To: /],
    [{ resource: 'deploy/web', maxRps: '0' }, /^Max RPS/],
    [{ resource: 'deploy/web', maxRps: '1.5' }, /^Max RPS/],
    [{ resource: 'deploy/web', path: 'books' }, /^Path/],
  ])('%j → %s', (query, error) => expect(tapRequestFor(q(query))).toEqual({ error: expect.stringMatching(error) }));
});

describe('tapPageHref', () => {
  it('links to a tap of one path', () =>
    expect(tapPageHref({ resource: 'deploy/web', namespace: 'demo', method: 'GET', path: '/books/1' })).toBe(
      '/tap?resource=deploy/web&namespace=demo&method=GET&path=/books/1',
    ));
});
