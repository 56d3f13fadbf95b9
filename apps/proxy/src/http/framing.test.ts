import { describe, expect, it } from 'vitest';
import { listHas, listValues, requestFraming, responseFraming } from './framing.js';
import type { Header, RequestHead, ResponseHead } from './parse-head.js';

const h = (pairs: [string, string][]): Header[] => pairs.map(([name, value]) => ({ name, lower: name.toLowerCase(), value }));
const reqHead = (headers: [string, string][], minor: 0 | 1 = 1): RequestHead => ({ method: 'POST', target: '/', minor, headers: h(headers) });
const resHead = (status: number, headers: [string, string][]): ResponseHead => ({ status, reason: '', minor: 1, headers: h(headers) });

describe('requestFraming', () => {
  it.each<[string, [string, string][], object]>([
    ['no body', [], { kind: 'none' }],
    ['content-length', [['Content-Length', '12']], { kind: 'length', length: 12 }],
    ['zero length', [['Content-Length', '0']], { kind: 'none' }],
    ['repeated equal lengths', [['Content-Length', '5, 5'], ['content-length', '5']], { kind: 'length', length: 5 }],
    ['chunked', [['Transfer-Encoding', 'chunked']], { kind: 'chunked' }],
    ['gzip then chunked', [['Transfer-Encoding', 'gzip'], ['Transfer-Encoding', 'Chunked']], { kind: 'chunked' }],
  ])('%s', (_n, headers, expected) => expect(requestFraming(reqHead(headers))).toEqual(expected));

  it.each<[string, [string, string][], 0 | 1]>([
    ['TE and CL', [['Transfer-Encoding', 'chunked'], ['Content-Length', '3']], 1],
    ['final coding not chunked', [['Transfer-Encoding', 'chunked, gzip']], 1],
    ['unknown coding only', [['Transfer-Encoding', 'identity']], 1],
    ['chunked twice', [['Transfer-Encoding', 'chunked, chunked']], 1],
    ['TE in HTTP/1.0', [['Transfer-Encoding', 'chunked']], 0],
    ['negative length', [['Content-Length', '-1']], 1],
    ['non-numeric length', [['Content-Length', '1a']], 1],
    ['plus sign', [['Content-Length', '+5']], 1],
    ['conflicting lengths', [['Content-Length', '3'], ['Content-Length', '4']], 1],
    ['conflicting list', [['Content-Length', '3, 4']], 1],
    ['empty length', [['Content-Length', '']], 1],
    ['a length of 16 digits', [['Content-Length', '1234567890123456']], 1],
    ['a non-ASCII digit', [['Content-Length', '\u0661']], 1],
    ['a length with a space inside', [['Content-Length', '1 2']], 1],
  ])('rejects %s', (_n, headers, minor) => expect(requestFraming(reqHead(headers, minor)).kind).toBe('error'));
});

describe('responseFraming', () => {
  it.each<[string, string, number, [string, string][], string]>([
    ['HEAD', 'HEAD', 200, [['Content-Length', '10']], 'none'],
    ['204', 'GET', 204, [], 'none'],
    ['304', 'GET', 304, [['Content-Length', '10']], 'none'],
    ['1xx', 'GET', 103, [], 'none'],
    ['chunked', 'GET', 200, [['Transfer-Encoding', 'chunked']], 'chunked'],
    ['TE not chunked → close-delimited', 'GET', 200, [['Transfer-Encoding', 'gzip']], 'close'],
    ['no length → close-delimited', 'GET', 200, [], 'close'],
    ['length', 'GET', 200, [['Content-Length', '7']], 'length'],
  ])('%s', (_n, method, status, headers, kind) => expect(responseFraming(method, resHead(status, headers)).kind).toBe(kind));
});

describe('listHas', () => {
  const fields = (...values: string[]): Header[] => values.map((value) => ({ name: 'Connection', lower: 'connection', value }));
  it.each([
    [['close'], 'close', true],
    [['Close'], 'close', true],
    [[' \tKEEP-ALIVE\t '], 'keep-alive', true],
    [['x-hop, Upgrade'], 'upgrade', true],
    [['x-hop,upgrade ,y'], 'upgrade', true],
    [['x-hop', 'close'], 'close', true],
    [['closed'], 'close', false],
    [['clos'], 'close', false],
    [['keep-alive, x'], 'close', false],
    [[',,'], 'close', false],
    [[''], 'close', false],
    [[], 'close', false],
  ])('%j has %s: %s, as listValues says', (values, token, expected) => {
    const h = fields(...values);
    expect(listHas(h, 'connection', token)).toBe(expected);
    expect(listValues(h, 'connection').includes(token)).toBe(expected);
  });

  it('reads only the fields of that name', () => {
    expect(listHas([{ name: 'TE', lower: 'te', value: 'close' }], 'connection', 'close')).toBe(false);
  });
});
