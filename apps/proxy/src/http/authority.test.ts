import { describe, expect, it } from 'vitest';
import { isIpLiteral, normaliseAuthority, requestAuthority } from './authority.js';
import type { RequestHead } from './parse-head.js';

const head = (target: string, host?: string | string[]): RequestHead => ({
  method: 'GET',
  target,
  minor: 1,
  headers: (host === undefined ? [] : [host].flat()).map((value) => ({ name: 'Host', lower: 'host', value })),
});

describe('requestAuthority', () => {
  it.each<[string, RequestHead, string, string]>([
    ['absolute-form with port', head('http://Books.Demo:7000/x?y', 'ignored:1'), 'books.demo:7000', '/x?y'],
    ['absolute-form default port', head('http://books.demo'), 'books.demo:80', '/'],
    ['absolute-form query only', head('http://books.demo?q=1'), 'books.demo:80', '/?q=1'],
    ['Host header', head('/a', 'WEB.demo:8080'), 'web.demo:8080', '/a'],
    ['Host without port', head('/a', 'web.demo'), 'web.demo:80', '/a'],
    ['trailing dot', head('/', 'web.demo.:80'), 'web.demo:80', '/'],
    ['IP literal', head('/', '10.0.0.1:9000'), '10.0.0.1:9000', '/'],
    ['IPv6 literal', head('http://[::1]:81/'), '[::1]:81', '/'],
  ])('%s', (_n, h, authority, path) => expect(requestAuthority(h)).toMatchObject({ authority, path }));

  it.each<[string, RequestHead]>([
    ['missing Host', head('/a')],
    ['two Host headers', head('/a', ['a', 'b'])],
    ['https target', head('https://books.demo/')],
    ['userinfo', head('http://user@books.demo/')],
    ['port out of range', head('/a', 'a.b:70000')],
    ['empty host', head('http:///x')],
  ])('rejects %s', (_n, h) => expect(typeof requestAuthority(h)).toBe('string'));

  it('tells IP literals from names', () => {
    expect([isIpLiteral('127.0.0.1'), isIpLiteral('::1'), isIpLiteral('books.demo')]).toEqual([true, true, false]);
    expect([isIpLiteral('1password.com'), isIpLiteral('10.0.0.256'), isIpLiteral('fe80::1%eth0'), isIpLiteral('a:b')]).toEqual([false, false, true, false]);
  });
});

describe('normaliseAuthority', () => {
  it('normalises a Host value the same way every time, with each request its own path', () => {
    const a = normaliseAuthority('Books.Demo', '/a');
    const b = normaliseAuthority('Books.Demo', '/b');
    if (typeof a === 'string' || typeof b === 'string') throw new Error('did not parse');
    expect(a).toEqual({ authority: 'books.demo:80', host: 'books.demo', port: 80, path: '/a' });
    expect(b.path).toBe('/b');
  });

  it('keeps answering bad values with the error, also when asked again', () => {
    expect(normaliseAuthority('bad host')).toBe('invalid authority');
    expect(normaliseAuthority('bad host')).toBe('invalid authority');
    expect(normaliseAuthority('a:99999')).toBe('invalid authority');
  });
});
