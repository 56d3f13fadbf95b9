import { describe, expect, it } from 'vitest';
import { endToEnd, formatHeaders, framingLines, wantsClose } from './headers.js';
import type { Header } from './parse-head.js';

const h = (pairs: [string, string][]): Header[] => pairs.map(([name, value]) => ({ name, lower: name.toLowerCase(), value }));
const names = (hs: Header[]) => hs.map((x) => x.name);

describe('endToEnd', () => {
  it.each<[string, [string, string][], string[], string[]]>([
    [
      'fixed hop-by-hop set',
      [['Connection', 'keep-alive'], ['Keep-Alive', 'timeout=5'], ['Proxy-Connection', 'x'], ['TE', 'trailers'], ['Transfer-Encoding', 'chunked'], ['Upgrade', 'websocket'], ['Accept', '*/*']],
      [],
      ['Accept'],
    ],
    ['fields named by Connection', [['Connection', 'X-Secret, close'], ['X-Secret', '1'], ['X-Public', '2']], [], ['X-Public']],
    ['caller-owned extras', [['Host', 'a'], ['Proxy-Authorization', 'b'], ['Trailer', 'X']], ['host', 'proxy-authorization'], ['Trailer']],
    ['keeps content-length', [['Content-Length', '3']], [], ['Content-Length']],
  ])('%s', (_n, input, extra, expected) => expect(names(endToEnd(h(input), new Set(extra)))).toEqual(expected));
});

describe('wantsClose', () => {
  it.each<[[string, string][], 0 | 1, boolean]>([
    [[], 1, false],
    [[['Connection', 'close']], 1, true],
    [[['Connection', 'Keep-Alive, Close']], 1, true],
    [[], 0, true],
    [[['Connection', 'keep-alive']], 0, false],
  ])('%j HTTP/1.%i → %s', (headers, minor, expected) => expect(wantsClose(h(headers), minor)).toBe(expected));
});

describe('formatting', () => {
  it('serialises headers then extra lines and the blank line', () => {
    expect(formatHeaders(h([['A', '1']]), ['host: b'])).toBe('A: 1\r\nhost: b\r\n\r\n');
  });
  it('re-adds Transfer-Encoding only as framing', () => {
    expect(framingLines({ kind: 'chunked' }, h([['Transfer-Encoding', 'gzip, chunked']]))).toEqual(['transfer-encoding: gzip, chunked']);
    expect(framingLines({ kind: 'length', length: 3 }, h([]))).toEqual([]);
  });
});
