// fields.ts: header lists to node:http2-shaped objects with the RFC 9113 §8.2–8.3 checks, and back.
import { describe, expect, it } from 'vitest';
import { toFieldList, toHeaderObject } from './fields.js';

const request = (...more: string[]): string[] => [':method', 'GET', ':scheme', 'https', ':authority', 'a.test', ':path', '/p', ...more];

describe('toHeaderObject', () => {
  it('makes a request object: pseudo-header fields as they are, repeats joined (cookie with "; ")', () => {
    const headers = toHeaderObject(request('accept', 'a', 'accept', 'b', 'cookie', 'x=1', 'cookie', 'y=2', 'te', 'trailers'), 'request');
    expect(headers).toEqual({
      ':method': 'GET',
      ':scheme': 'https',
      ':authority': 'a.test',
      ':path': '/p',
      accept: 'a, b',
      cookie: 'x=1; y=2',
      te: 'trailers',
    });
    // No inherited members: a field named like an Object.prototype member is just a field.
    expect(Object.getPrototypeOf(Object.getPrototypeOf(headers))).toBeNull();
    expect(Object.getOwnPropertyNames(Object.getPrototypeOf(headers))).toEqual([]);
    const odd = toHeaderObject(request('__proto__', 'x', 'constructor', 'y'), 'request') as Record<string, unknown>;
    expect(Object.getOwnPropertyDescriptor(odd, '__proto__')?.value).toBe('x');
    expect(odd['constructor']).toBe('y');
  });

  it('makes a response object: :status a number, set-cookie an array', () => {
    expect(toHeaderObject([':status', '204', 'set-cookie', 'a=1', 'set-cookie', 'b=2', 'vary', 'x'], 'response')).toEqual({
      ':status': 204,
      'set-cookie': ['a=1', 'b=2'],
      vary: 'x',
    });
    expect(toHeaderObject([':status', '103', 'link', '</s>'], 'response')).toEqual({ ':status': 103, link: '</s>' });
  });

  it('takes trailers without pseudo-header fields', () => {
    expect(toHeaderObject(['grpc-status', '0', 'grpc-message', ''], 'trailers')).toEqual({ 'grpc-status': '0', 'grpc-message': '' });
    expect(toHeaderObject([], 'trailers')).toEqual({});
  });

  it('takes te: trailers in any case, and inner whitespace in values', () => {
    expect(toHeaderObject(request('te', 'Trailers', 'x', 'a b'), 'request')).toMatchObject({ te: 'Trailers', x: 'a b' });
  });

  it('takes CONNECT with :authority alone (RFC 9113 §8.5)', () => {
    expect(toHeaderObject([':method', 'CONNECT', ':authority', 'a.test:443'], 'request')).toEqual({ ':method': 'CONNECT', ':authority': 'a.test:443' });
  });

  it.each([
    ['an upper-case name', request('X-Upper', 'v'), 'invalid field name "X-Upper"'],
    ['an empty name', request('', 'v'), 'invalid field name ""'],
    ['a space in a name', request('a b', 'v'), 'invalid field name "a b"'],
    ['a colon inside a name', request('a:b', 'v'), 'invalid field name "a:b"'],
    ['DEL in a name', request('a\x7f', 'v'), 'invalid field name "a\x7f"'],
    ['a non-ASCII name', request('caf\u00e9', 'v'), 'invalid field name "caf\u00e9"'],
    ['connection', request('connection', 'close'), 'connection-specific field connection'],
    ['keep-alive', request('keep-alive', '5'), 'connection-specific field keep-alive'],
    ['proxy-connection', request('proxy-connection', 'x'), 'connection-specific field proxy-connection'],
    ['transfer-encoding', request('transfer-encoding', 'chunked'), 'connection-specific field transfer-encoding'],
    ['upgrade', request('upgrade', 'h2c'), 'connection-specific field upgrade'],
    ['te: gzip', request('te', 'gzip'), 'te other than "trailers"'],
    ['te: trailers, gzip', request('te', 'trailers, gzip'), 'te other than "trailers"'],
    ['CR in a value', request('x', 'a\rb'), 'invalid value for x'],
    ['LF in a value', request('x', 'a\nb'), 'invalid value for x'],
    ['NUL in a value', request('x', 'a\0b'), 'invalid value for x'],
    ['a value starting with a space', request('x', ' a'), 'invalid value for x'],
    ['a value ending with a tab', request('x', 'a\t'), 'invalid value for x'],
    ['CRLF in a pseudo-header value', [':method', 'GET', ':scheme', 'http', ':path', '/a\r\nx: y'], 'invalid value for :path'],
    ['a pseudo-header after a regular field', [':method', 'GET', 'x', 'y', ':scheme', 'http', ':path', '/'], 'pseudo-header :scheme after a regular field'],
    ['a repeated :path', request(':path', '/q'), 'repeated :path'],
    ['a repeated :method', [':method', 'GET', ':method', 'POST', ':scheme', 'http', ':path', '/'], 'repeated :method'],
    ['an unknown pseudo-header', request(':foo', 'x'), 'unexpected pseudo-header :foo'],
    [
      ':protocol (no extended CONNECT)',
      [':method', 'CONNECT', ':protocol', 'websocket', ':scheme', 'http', ':path', '/', ':authority', 'a'],
      'unexpected pseudo-header :protocol',
    ],
    [':status in a request', request(':status', '200'), 'unexpected pseudo-header :status'],
    ['no :method', [':scheme', 'http', ':path', '/'], 'missing :method'],
    ['no :scheme', [':method', 'GET', ':path', '/'], 'missing :scheme or :path'],
    ['no :path', [':method', 'GET', ':scheme', 'http'], 'missing :scheme or :path'],
    ['an empty :path', [':method', 'GET', ':scheme', 'http', ':path', ''], 'missing :scheme or :path'],
    ['CONNECT with :path', [':method', 'CONNECT', ':authority', 'a:1', ':path', '/'], 'malformed CONNECT'],
    ['CONNECT with :scheme', [':method', 'CONNECT', ':authority', 'a:1', ':scheme', 'http'], 'malformed CONNECT'],
    ['CONNECT without :authority', [':method', 'CONNECT'], 'malformed CONNECT'],
  ])('a request with %s is malformed', (_what, fields, why) => {
    expect(toHeaderObject(fields, 'request')).toBe(why);
  });

  it.each([
    ['no :status', ['x', 'y'], 'missing :status'],
    [':status 600', [':status', '600'], 'invalid :status 600'],
    [':status 20', [':status', '20'], 'invalid :status 20'],
    [':status 2000', [':status', '2000'], 'invalid :status 2000'],
    [':status abc', [':status', 'abc'], 'invalid :status abc'],
    ['a request pseudo-header', [':status', '200', ':path', '/'], 'unexpected pseudo-header :path'],
    ['a repeated :status', [':status', '200', ':status', '200'], 'repeated :status'],
    ['transfer-encoding', [':status', '200', 'transfer-encoding', 'chunked'], 'connection-specific field transfer-encoding'],
  ])('a response with %s is malformed', (_what, fields, why) => {
    expect(toHeaderObject(fields, 'response')).toBe(why);
  });

  it.each([
    ['a pseudo-header', [':status', '200'], 'pseudo-header :status in trailers'],
    ['an upper-case name', ['Grpc-Status', '0'], 'invalid field name "Grpc-Status"'],
    ['a connection-specific field', ['connection', 'close'], 'connection-specific field connection'],
    ['LF in a value', ['grpc-message', 'a\nb'], 'invalid value for grpc-message'],
  ])('trailers with %s are malformed', (_what, fields, why) => {
    expect(toHeaderObject(fields, 'trailers')).toBe(why);
  });
});

describe('toFieldList', () => {
  it('puts pseudo-header fields first, lower-cases names, repeats arrays and skips undefined', () => {
    expect(
      toFieldList({ 'Content-Type': 'text/plain', ':status': 200, 'set-cookie': ['a=1', 'b=2'], 'x-n': 5, 'x-gone': undefined }),
    ).toEqual([':status', '200', 'content-type', 'text/plain', 'set-cookie', 'a=1', 'set-cookie', 'b=2', 'x-n', '5']);
    expect(toFieldList({ accept: '*/*' })).toEqual(['accept', '*/*']);
    expect(toFieldList({})).toEqual([]);
  });

  it('is what toHeaderObject reads back', () => {
    const headers = { ':method': 'POST', ':scheme': 'http', ':authority': 'a', ':path': '/x', 'x-a': 'one', te: 'trailers' };
    expect(toHeaderObject(toFieldList(headers), 'request')).toEqual(headers);
  });

  it.each([
    ['a connection-specific field', { connection: 'close' }, 'invalid HTTP/2 field name connection'],
    ['transfer-encoding', { 'Transfer-Encoding': 'chunked' }, 'invalid HTTP/2 field name transfer-encoding'],
    ['a space in a name', { 'a b': 'x' }, 'invalid HTTP/2 field name a b'],
    ['CRLF in a value', { 'x-a': 'a\r\nb: c' }, 'invalid value for HTTP/2 field x-a'],
    ['NUL in an array value', { 'x-a': ['ok', 'a\0'] }, 'invalid value for HTTP/2 field x-a'],
    ['LF in a pseudo-header value', { ':path': '/\n' }, 'invalid value for HTTP/2 field :path'],
  ])('throws on %s', (_what, headers, message) => {
    expect(() => toFieldList(headers)).toThrow(new TypeError(message));
  });
});
