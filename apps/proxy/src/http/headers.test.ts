import { describe, expect, it } from 'vitest';
import { endToEnd, formatHeaders, rewriteHead, wantsClose } from './headers.js';
import { parseRequestHead, type Header, type WireHead } from './parse-head.js';

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
});

describe('rewriteHead', () => {
  const wire = (text: string): WireHead => {
    const r = parseRequestHead(Buffer.from(text, 'latin1'));
    if (r.kind !== 'ok') throw new Error(`test head did not parse: ${JSON.stringify(r)}`);
    return r.head.wire;
  };
  const start = 'GET / HTTP/1.1\r\n';

  it('forwards a head that needs no change as the received bytes, not a copy', () => {
    const w = wire(`${start}Host: a\r\nContent-Length: 3\r\nX-Y: z\r\n\r\n`);
    expect(rewriteHead(w, undefined, new Set(['proxy-authorization']), false)).toBe(w.raw);
  });

  it('keeps a Connection: keep-alive that names nothing else: the next hop is persistent too', () => {
    const w = wire(`${start}Host: a\r\nConnection:  Keep-Alive \r\n\r\n`);
    expect(rewriteHead(w, undefined, new Set(), false)).toBe(w.raw);
  });

  it.each<[string, string, string[], boolean, string | undefined, string[], string]>([
    ['hop-by-hop set', 'Connection: keep-alive\r\nKeep-Alive: 5\r\nTE: trailers\r\nUpgrade: h2c\r\nProxy-Connection: x\r\nAccept: */*\r\n', [], false, undefined, [], 'Accept: */*\r\n'],
    ['fields named by Connection, any case', 'Connection: X-Secret, close\r\nx-secret: 1\r\nX-Public: 2\r\n', [], false, undefined, [], 'X-Public: 2\r\n'],
    ['caller-owned', 'Host: a\r\nProxy-Authorization: b\r\nSignalbox-Client-Id: c\r\n', ['proxy-authorization', 'signalbox-client-id'], false, undefined, [], 'Host: a\r\n'],
    ['chunked kept as framing', 'Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n', [], true, undefined, [], 'Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n'],
    ['transfer-encoding dropped when not kept', 'Transfer-Encoding: chunked\r\nA: 1\r\n', [], false, undefined, [], 'A: 1\r\n'],
    ['new start line and extra lines', 'A: 1\r\n', [], false, 'GET /x HTTP/1.1', ['connection: close'], 'A: 1\r\nconnection: close\r\n'],
    ['keep-alive replaced by our own connection lines', 'Connection: keep-alive\r\nA: 1\r\n', [], false, undefined, ['connection: close'], 'A: 1\r\nconnection: close\r\n'],
    ['keep-alive naming more than itself', 'Connection: keep-alive, X-A\r\nX-A: 1\r\nB: 2\r\n', [], false, undefined, [], 'B: 2\r\n'],
    ['keep-alive beside a Keep-Alive field (the last hop\'s parameters)', 'Connection: keep-alive\r\nKeep-Alive: timeout=5\r\nB: 2\r\n', [], false, undefined, [], 'B: 2\r\n'],
  ])('%s', (_n, fields, owned, keepChunked, startLine, extra, expected) => {
    const out = rewriteHead(wire(`${start}${fields}\r\n`), startLine, new Set(owned), keepChunked, extra);
    expect(out.toString('latin1')).toBe(`${startLine ? `${startLine}\r\n` : start}${expected}\r\n`);
  });
});
