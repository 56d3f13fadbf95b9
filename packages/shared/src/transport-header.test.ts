import { describe, expect, it } from 'vitest';
import { decodeTransportHeader, encodeTransportHeader, transportPreface } from './transport-header.js';

const encoded = encodeTransportHeader({ port: 7005 });

describe('opaque transport header', () => {
  it('round-trips, leaving the bytes after it to the caller', () => {
    const d = decodeTransportHeader(Buffer.concat([encoded, Buffer.from('PING\r\n')]));
    expect(d).toEqual({ kind: 'header', header: { port: 7005 }, rest: Buffer.from('PING\r\n') });
  });

  it.each([
    ['a prefix of the preface', transportPreface.subarray(0, 7)],
    ['preface without the length', transportPreface],
    ['header cut short', encoded.subarray(0, encoded.length - 1)],
  ])('%s is incomplete', (_what, bytes) => {
    expect(decodeTransportHeader(Buffer.from(bytes))).toEqual({ kind: 'incomplete' });
  });

  const framed = (json: string, length = Buffer.byteLength(json)) => {
    const l = Buffer.alloc(4);
    l.writeUInt32BE(length);
    return Buffer.concat([transportPreface, l, Buffer.from(json)]);
  };
  it.each([
    ['plaintext HTTP', Buffer.from('GET / HTTP/1.1\r\n')],
    ['a zero length', framed('', 0)],
    ['an oversized length', framed('{}', 1 << 20)],
    ['not JSON', framed('port=1')],
    ['a port out of range', framed('{"port":70000}')],
    ['unknown fields', framed('{"port":1,"x":2}')],
  ])('%s is invalid', (_what, bytes) => {
    expect(decodeTransportHeader(bytes).kind).toBe('invalid');
  });
});
