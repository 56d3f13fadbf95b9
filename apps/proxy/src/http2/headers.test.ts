import { describe, expect, it } from 'vitest';
import type { Header } from '../http/parse-head.js';
import { forwardableH2, h1ToH2Headers, h2ToH1Lines } from './headers.js';

const h = (name: string, value: string): Header => ({ name, lower: name.toLowerCase(), value });

describe('forwardableH2', () => {
  it('keeps pseudo-headers and end-to-end fields, drops connection-specific ones (RFC 9113 §8.2.2)', () => {
    expect(
      forwardableH2(
        {
          ':method': 'POST',
          ':path': '/x',
          ':authority': 'a:1',
          ':scheme': 'http',
          'content-type': 'application/grpc',
          'grpc-timeout': '1S',
          te: 'trailers',
          connection: 'close',
          'keep-alive': '5',
          'proxy-connection': 'x',
          'transfer-encoding': 'chunked',
          upgrade: 'h2c',
          host: 'a:1',
          'x-mine': 'kept',
          'signalbox-orig-proto': 'HTTP/1.1',
        },
        new Set(['signalbox-orig-proto']),
      ),
    ).toEqual({
      ':method': 'POST',
      ':path': '/x',
      ':authority': 'a:1',
      ':scheme': 'http',
      'content-type': 'application/grpc',
      'grpc-timeout': '1S',
      te: 'trailers',
      'x-mine': 'kept',
    });
  });

  it('forwards fields named like Object.prototype members as fields', () => {
    const incoming = JSON.parse('{":method":"GET",":path":"/","constructor":"c","__proto__":"p"}') as Record<string, string>;
    const out = forwardableH2(incoming);
    expect(Object.entries(out)).toEqual([
      [':method', 'GET'],
      [':path', '/'],
      ['constructor', 'c'],
      ['__proto__', 'p'],
    ]);
  });

  it('drops te other than trailers', () => {
    expect(forwardableH2({ te: 'gzip' })).toEqual({});
  });
});

describe('h1ToH2Headers', () => {
  it('lower-cases names, groups repeats, drops hop-by-hop, Connection-named and Host', () => {
    expect(
      h1ToH2Headers(
        [
          h('Host', 'books:80'),
          h('Connection', 'keep-alive, X-Hop'),
          h('X-Hop', 'gone'),
          h('Keep-Alive', 'timeout=5'),
          h('Transfer-Encoding', 'chunked'),
          h('TE', 'trailers, deflate'),
          h('Cookie', 'a=1'),
          h('Cookie', 'b=2'),
          h('Accept', 'x'),
          h('Accept', 'y'),
          h('Accept', 'z'),
          h('Signalbox-Orig-Proto', 'HTTP/1.1'),
        ],
        new Set(['signalbox-orig-proto']),
      ),
    ).toEqual({ te: 'trailers', cookie: ['a=1', 'b=2'], accept: ['x', 'y', 'z'] });
  });
});

describe('header objects from peer-named fields', () => {
  it('keep a field named like an Object.prototype member as a field (h1ToH2Headers)', () => {
    const out = h1ToH2Headers([h('Constructor', 'c'), h('__proto__', 'p'), h('constructor', 'd')]);
    expect(Object.entries(out)).toEqual([
      ['constructor', ['c', 'd']],
      ['__proto__', 'p'],
    ]);
    expect(Object.getPrototypeOf(Object.getPrototypeOf(out))).toBeNull();
  });
});

describe('h2ToH1Lines', () => {
  it('skips pseudo-headers, connection-specific fields and dropped names; expands arrays; ends each line with CRLF', () => {
    expect(
      h2ToH1Lines(
        { ':status': '200', 'set-cookie': ['a=1', 'b=2'], 'content-type': 'text/plain', te: 'trailers', 'signalbox-orig-proto': 'HTTP/1.1' },
        new Set(['signalbox-orig-proto']),
      ),
    ).toBe('set-cookie: a=1\r\nset-cookie: b=2\r\ncontent-type: text/plain\r\n');
    expect(h2ToH1Lines({ ':status': '204' })).toBe('');
  });
});
