import { describe, expect, it } from 'vitest';
import { fieldsNamed, parseRequestHead, parseResponseHead } from './parse-head.js';

const req = (s: string) => parseRequestHead(Buffer.from(s, 'latin1'));

describe('parseRequestHead', () => {
  it.each([
    ['origin-form', 'GET /a?b=1 HTTP/1.1\r\nHost: x\r\n\r\n', 'GET', '/a?b=1', 1],
    ['absolute-form', 'POST http://books.demo:7000/x HTTP/1.1\r\nHost: books.demo:7000\r\n\r\n', 'POST', 'http://books.demo:7000/x', 1],
    ['HTTP/1.0 without headers', 'GET / HTTP/1.0\r\n\r\n', 'GET', '/', 0],
    ['asterisk for OPTIONS', 'OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n', 'OPTIONS', '*', 1],
    ['extension method', 'PURGE /x HTTP/1.1\r\nHost: x\r\n\r\n', 'PURGE', '/x', 1],
  ])('accepts %s', (_name, input, method, target, minor) => {
    const r = req(input);
    expect(r).toMatchObject({ kind: 'ok', head: { method, target, minor }, size: Buffer.byteLength(input) });
  });

  it('keeps header spelling, lower-cases names for lookup and trims OWS', () => {
    const headText = 'GET / HTTP/1.1\r\nX-Mixed-Case: \t value with spaces \t\r\nEmpty:\r\n\r\n';
    const r = req(`${headText}BODY`);
    expect(r.kind).toBe('ok');
    if (r.kind !== 'ok') return;
    expect(r.head.headers).toEqual([
      { name: 'X-Mixed-Case', lower: 'x-mixed-case', value: 'value with spaces' },
      { name: 'Empty', lower: 'empty', value: '' },
    ]);
    expect(r.size).toBe(headText.length); // the body is not part of the head
  });

  it('finds fields by name in the bytes, as `headers` would', () => {
    const r = req('GET / HTTP/1.1\r\nAccept: */*\r\nHOST:  a.example \r\nhost: b\r\n\r\n');
    if (r.kind !== 'ok') throw new Error('did not parse');
    const expected = [
      { name: 'HOST', lower: 'host', value: 'a.example' },
      { name: 'host', lower: 'host', value: 'b' },
    ];
    expect(fieldsNamed(r.head, 'host')).toEqual(expected);
    expect(fieldsNamed({ method: 'GET', target: '/', minor: 1, headers: r.head.headers }, 'host')).toEqual(expected);
    expect(fieldsNamed(r.head, 'cookie')).toEqual([]);
  });

  it('decodes only the framing, hop-by-hop and Host fields up front, the rest when headers are read', () => {
    const r = req('GET / HTTP/1.1\r\nHost: x\r\nCONNECTION: close\r\nContent-Length: 2\r\nTE: trailers\r\nX: y\r\n\r\n');
    if (r.kind !== 'ok') throw new Error('did not parse');
    expect(r.head.wire.hop.map((f) => f.lower)).toEqual(['host', 'connection', 'content-length', 'te']);
    expect(r.head.headers.map((f) => f.name)).toEqual(['Host', 'CONNECTION', 'Content-Length', 'TE', 'X']);
  });

  it("keeps each head's fields its own, whatever is parsed after it", () => {
    const many = Array.from({ length: 50 }, (_, i) => `X-${i}: v${i}\r\n`).join('');
    const first = req('GET / HTTP/1.1\r\nHost: a\r\nTE: trailers\r\nConnection: te\r\nContent-Length: 0\r\nX: 1\r\n\r\n');
    const big = req(`GET / HTTP/1.1\r\nHost: b\r\n${many}\r\n`);
    const bad = req('GET / HTTP/1.1\r\nHost: c\r\nConnection: close\r\nBad Name: x\r\n\r\n');
    const last = req('GET / HTTP/1.1\r\nX: 2\r\n\r\n');
    if (first.kind !== 'ok' || big.kind !== 'ok' || last.kind !== 'ok') throw new Error('did not parse');
    expect(bad.kind).toBe('error');
    expect(first.head.headers.map((h) => `${h.name}=${h.value}`)).toEqual(['Host=a', 'TE=trailers', 'Connection=te', 'Content-Length=0', 'X=1']);
    expect(first.head.wire.hop.map((h) => h.value)).toEqual(['a', 'trailers', 'te', '0']);
    expect(big.head.headers).toHaveLength(51);
    expect(big.head.headers[50]).toEqual({ name: 'X-49', lower: 'x-49', value: 'v49' });
    expect(big.head.wire.hop.map((h) => h.value)).toEqual(['b']);
    expect(last.head.headers).toEqual([{ name: 'X', lower: 'x', value: '2' }]);
    expect(last.head.wire.hop).toEqual([]);
  });

  it('reads each target and field value afresh, also where it has the length of the one before', () => {
    const seen = ['/a', '/b', '/b', '/a'].map((path, i) => {
      const host = ['h1', 'h2', 'h2', 'h1'][i] as string;
      const r = req(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nContent-Length: ${i}\r\n\r\n`);
      if (r.kind !== 'ok') throw new Error('did not parse');
      return [r.head.target, ...r.head.wire.hop.map((h) => h.value)].join(' ');
    });
    expect(seen).toEqual(['/a h1 0', '/b h2 1', '/b h2 2', '/a h1 3']);
  });

  it.each([
    ['an empty buffer', ''],
    ['a partial request line', 'GET / HT'],
    ['a head without its final CRLF', 'GET / HTTP/1.1\r\nHost: x\r\n'],
    ['a CR whose LF has not come (start line)', 'GET / HTTP/1.1\r'],
    ['a CR whose LF has not come (field line)', 'GET / HTTP/1.1\r\nHost: x\r'],
    ['a CR whose LF has not come (final line)', 'GET / HTTP/1.1\r\nHost: x\r\n\r'],
    ['a field name cut short', 'GET / HTTP/1.1\r\nHos'],
    ['a long head still coming', `GET / HTTP/1.1\r\nX: ${'a'.repeat(5000)}\r\n`],
  ])('waits for more on %s', (_name, input) => expect(req(input)).toEqual({ kind: 'incomplete' }));

  it('rejects a bad field line before the head is complete', () => {
    expect(req('GET / HTTP/1.1\r\nBad Name: x\r\nHost: y')).toMatchObject({ kind: 'error', status: 400 });
  });

  it('finds a long head the same way as a short one, with what follows it left alone', () => {
    const long = `PUT /x HTTP/1.1\r\nHost: h\r\nX-Long: ${'v'.repeat(6000)}\r\nContent-Length: 4\r\n\r\n`;
    const r = req(`${long}body`);
    expect(r).toMatchObject({ kind: 'ok', size: long.length, head: { method: 'PUT', target: '/x', minor: 1 } });
    if (r.kind !== 'ok') return;
    expect(r.head.wire.hop.map((h) => [h.name, h.value])).toEqual([['Host', 'h'], ['Content-Length', '4']]);
    expect(req(`GET / HTTP/1.1\r\nX: ${'a'.repeat(5000)}\nY: b\r\n`)).toMatchObject({ kind: 'error', status: 400 });
  });

  it('keeps the spelling of the fields it decodes up front, common or not', () => {
    const r = req('GET / HTTP/1.1\r\nhost: a\r\nCONTENT-LENGTH: 0\r\nConnection: Keep-Alive\r\nTransfer-encoding: Chunked\r\n\r\n');
    if (r.kind !== 'ok') throw new Error('did not parse');
    expect(r.head.wire.hop).toEqual([
      { name: 'host', lower: 'host', value: 'a' },
      { name: 'CONTENT-LENGTH', lower: 'content-length', value: '0' },
      { name: 'Connection', lower: 'connection', value: 'Keep-Alive' },
      { name: 'Transfer-encoding', lower: 'transfer-encoding', value: 'Chunked' },
    ]);
  });

  it.each([
    ['garbage request line', 'HELLO\r\n\r\n'],
    ['two spaces', 'GET  / HTTP/1.1\r\n\r\n'],
    ['trailing space', 'GET / HTTP/1.1 \r\n\r\n'],
    ['method with invalid chars', 'G(T / HTTP/1.1\r\n\r\n'],
    ['method with non-ASCII', 'GÉT / HTTP/1.1\r\n\r\n'],
    ['relative target', 'GET foo HTTP/1.1\r\n\r\n'],
    ['target with control char', 'GET /a\x01b HTTP/1.1\r\n\r\n'],
    ['asterisk for GET', 'GET * HTTP/1.1\r\n\r\n'],
    ['unknown scheme', 'GET ftp://x/ HTTP/1.1\r\n\r\n'],
    ['HTTP/2.0', 'GET / HTTP/2.0\r\n\r\n'],
    ['lowercase version', 'GET / http/1.1\r\n\r\n'],
    ['bare LF line endings', 'GET / HTTP/1.1\nHost: x\n\n'],
    ['bare LF mid-head, incomplete', 'GET / HTTP/1.1\r\nHost: x\nX: y'],
    ['bare CR in a header', 'GET / HTTP/1.1\r\nA: b\rc\r\n\r\n'],
    ['whitespace before colon', 'GET / HTTP/1.1\r\nHost : x\r\n\r\n'],
    ['whitespace in name', 'GET / HTTP/1.1\r\nX Y: z\r\n\r\n'],
    ['invalid name char', 'GET / HTTP/1.1\r\nX@Y: z\r\n\r\n'],
    ['empty name', 'GET / HTTP/1.1\r\n: z\r\n\r\n'],
    ['no colon', 'GET / HTTP/1.1\r\nHost\r\n\r\n'],
    ['obs-fold (space)', 'GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n'],
    ['obs-fold (tab)', 'GET / HTTP/1.1\r\nX: a\r\n\tb\r\n\r\n'],
    ['NUL in value', 'GET / HTTP/1.1\r\nX: a\x00b\r\n\r\n'],
    ['leading empty line', '\r\nGET / HTTP/1.1\r\n\r\n'],
  ])('rejects %s with 400', (_name, input) => {
    expect(req(input)).toMatchObject({ kind: 'error', status: 400 });
  });

  it('answers 431 when the head exceeds the limit, complete or not', () => {
    const big = `GET / HTTP/1.1\r\nX: ${'a'.repeat(100)}\r\n`;
    expect(parseRequestHead(Buffer.from(big), 64)).toMatchObject({ kind: 'error', status: 431 });
    expect(parseRequestHead(Buffer.from(`${big}\r\n`), 64)).toMatchObject({ kind: 'error', status: 431 });
  });
});

describe('parseResponseHead', () => {
  it.each([
    ['HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n', 200, 'OK', 1],
    ['HTTP/1.0 404 Not Found\r\n\r\n', 404, 'Not Found', 0],
    ['HTTP/1.1 204\r\n\r\n', 204, '', 1],
    ['HTTP/1.1 100 Continue\r\n\r\n', 100, 'Continue', 1],
    ['HTTP/1.1 200 \r\n\r\n', 200, '', 1],
    ['HTTP/1.1 503 Service\tUnavailable \xe9\r\n\r\n', 503, 'Service\tUnavailable \xe9', 1],
  ])('parses %j', (input, status, reason, minor) => {
    expect(parseResponseHead(Buffer.from(input, 'latin1'))).toMatchObject({ kind: 'ok', head: { status, reason, minor } });
  });

  it.each([
    ['HTTP/1.1 20 OK\r\n\r\n'],
    ['ICY 200 OK\r\n\r\n'],
    ['HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n'],
    ['HTTP/1.1 2000\r\n\r\n'],
    ['HTTP/1.1 2x0 OK\r\n\r\n'],
    ['HTTP/1.2 200 OK\r\n\r\n'],
    ['http/1.1 200 OK\r\n\r\n'],
    ['HTTP/1.1  200 OK\r\n\r\n'],
    ['HTTP/1.1 200 O\x00K\r\n\r\n'],
    ['HTTP/1.1 200 OK\x7f\r\n\r\n'],
    ['HTTP/1.1 200 OK\nA: 1\r\n\r\n'],
    ['HTTP/1.1 200 OK\r\nA: 1\rB: 2\r\n\r\n'],
  ])(
    'rejects %j',
    (input) => expect(parseResponseHead(Buffer.from(input, 'latin1'))).toMatchObject({ kind: 'error' }),
  );
});
