import { describe, expect, it } from 'vitest';
import { chunkedError, ChunkedTracker, encodeChunk } from './chunked.js';

/** Feeds `input` split at `cuts`; returns [end offset in the whole input, -1 on error, null if unfinished; data seen]. */
function track(input: string, cuts: number[] = []): [number | null, string] {
  const buf = Buffer.from(input, 'latin1');
  const t = new ChunkedTracker();
  let data = '';
  let offset = 0;
  for (const end of [...cuts, buf.length]) {
    const piece = buf.subarray(offset, end);
    const r = t.feed(piece, 0, (a, b) => (data += piece.subarray(a, b).toString('latin1')));
    if (r < 0) return [-1, data];
    if (t.done) return [offset + r, data];
    offset = end;
  }
  return [t.done ? buf.length : null, data];
}

const valid: [string, string, string][] = [
  ['one chunk', '5\r\nhello\r\n0\r\n\r\n', 'hello'],
  ['two chunks, hex sizes', 'a\r\n0123456789\r\nA\r\nabcdefghij\r\n0\r\n\r\n', '0123456789abcdefghij'],
  ['empty body', '0\r\n\r\n', ''],
  ['extensions', '5;name=value;x\r\nhello\r\n0;last\r\n\r\n', 'hello'],
  ['whitespace before extension', '5 ;a=b\r\nhello\r\n0\r\n\r\n', 'hello'],
  ['trailers', '5\r\nhello\r\n0\r\nX-Sum: 1\r\nY: 2\r\n\r\n', 'hello'],
  ['leading zeros', '005\r\nhello\r\n0\r\n\r\n', 'hello'],
];

describe('ChunkedTracker', () => {
  it.each(valid)('finds the end of %s, split at every byte boundary', (_name, body, data) => {
    const whole = `${body}NEXT`;
    for (let cut = 0; cut <= whole.length; cut++) expect(track(whole, [cut])).toEqual([body.length, data]);
    // and fed one byte at a time
    expect(track(whole, [...Array(whole.length).keys()].slice(1))).toEqual([body.length, data]);
  });

  it('reports an unfinished body as not done', () => {
    expect(track('5\r\nhel')).toEqual([null, 'hel']);
  });

  it.each([
    ['non-hex size', 'zz\r\nabc\r\n0\r\n\r\n'],
    ['empty size', '\r\nabc\r\n0\r\n\r\n'],
    ['negative size', '-1\r\n'],
    ['size overflow', 'fffffffffffffffff\r\n'],
    ['bare LF after size', '5\nhello\r\n0\r\n\r\n'],
    ['missing CRLF after data', '5\r\nhelloX\r\n0\r\n\r\n'],
    ['space inside size', '5 5\r\n'],
    ['control char in extension', '5;a\x01\r\nhello\r\n'],
    ['bare LF in trailer', '0\r\nX: y\n\r\n'],
    ['obs-fold trailer', '0\r\n x\r\n\r\n'],
  ])('rejects %s', (_name, input) => {
    expect(track(input)[0]).toBe(-1);
  });
});

describe('chunkedError (a body’s first bytes)', () => {
  it.each([
    ['a whole body', '3\r\nabc\r\n0\r\n\r\n', undefined],
    ['a body cut inside a chunk', '5\r\nab', undefined],
    ['a body cut inside a size line', '1', undefined],
    ['a body followed by the next message', '0\r\n\r\nHTTP/1.1 200 OK\r\n', undefined],
  ])('%s: well-formed so far', (_name, bytes, expected) => {
    expect(chunkedError(Buffer.from(bytes, 'latin1'))).toBe(expected);
  });

  it.each([
    ['a size that is no hex', 'zz\r\nabc\r\n'],
    ['chunk data longer than its size', '1\r\nabc\r\n'],
  ])('%s: names what is wrong', (_name, bytes) => {
    expect(chunkedError(Buffer.from(bytes, 'latin1'))).toEqual(expect.any(String));
  });
});

describe('encodeChunk', () => {
  it.each([['a', '1\r\na\r\n'], ['x'.repeat(26), `1a\r\n${'x'.repeat(26)}\r\n`]])('frames %j as one chunk', (data, wire) => {
    expect(encodeChunk(Buffer.from(data)).toString('latin1')).toBe(wire);
  });
});
