import { describe, expect, it } from 'vitest';
import { classify, h2Preface, type Protocol } from './classify.js';

const bytes = (s: string) => Buffer.from(s, 'latin1');
const get = 'GET /books?id=1 HTTP/1.1\r\nHost: books.demo:7000\r\n\r\n';

describe('classify', () => {
  it.each<[string, Buffer, Protocol]>([
    ['HTTP/2 preface', h2Preface, 'http2'],
    ['HTTP/2 preface and a SETTINGS frame', Buffer.concat([h2Preface, Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0])]), 'http2'],
    ['HTTP/2 preface cut after "PRI "', bytes('PRI '), 'http2'],
    ['HTTP/2 preface cut inside the first line', bytes('PRI * HTTP/2'), 'http2'],
    ['"PR": too short to tell', bytes('PR'), 'opaque'],
    ['a full HTTP/1.1 request', bytes(get), 'http1'],
    ['the smallest request line', bytes('GET / HTTP/1.1\r\n'), 'http1'],
    ['HTTP/1.0', bytes('GET / HTTP/1.0\r\n\r\n'), 'http1'],
    ['absolute-form', bytes('POST http://books.demo:7000/x HTTP/1.1\r\n'), 'http1'],
    ['CONNECT authority-form', bytes('CONNECT books.demo:7001 HTTP/1.1\r\nHost: books.demo:7001\r\n\r\n'), 'http1'],
    ['extension method', bytes('PURGE /x HTTP/1.1\r\n'), 'http1'],
    ['extension method cut before CRLF', bytes('PURGE /x HTTP/1.1'), 'http1'],
    ['extension method cut inside the version', bytes('PURGE /x HTTP/1'), 'opaque'],
    ['extension method cut inside the target', bytes('PURGE /x'), 'opaque'],
    ['a word and a space (not a method)', bytes('early '), 'opaque'],
    ['cut after the method', bytes('GET '), 'http1'],
    ['cut inside the target', bytes('GET /very/long/pa'), 'http1'],
    ['cut inside the version', bytes('GET / HTT'), 'http1'],
    ['cut before CRLF', bytes('GET / HTTP/1.1'), 'http1'],
    ['cut between CR and LF', bytes('GET / HTTP/1.1\r'), 'http1'],
    ['cut inside the method', bytes('GE'), 'opaque'],
    ['standard method, malformed line (the parser answers 400)', bytes('GET / HTTP/1.1 extra\r\n'), 'http1'],
    ['standard method, HTTP/2.0 version', bytes('GET / HTTP/2.0\r\n'), 'http1'],
    ['extension method, HTTP/1.2', bytes('PURGE / HTTP/1.2\r\n'), 'opaque'],
    ['extension method, lower-case version', bytes('PURGE / http/1.1\r\n'), 'opaque'],
    ['extension method, two spaces', bytes('PURGE  / HTTP/1.1\r\n'), 'opaque'],
    ['extension method, bare LF (the parser answers 400)', bytes('PURGE / HTTP/1.1\n'), 'http1'],
    ['extension method, junk after CR', bytes('PURGE / HTTP/1.1\rX'), 'opaque'],
    ['lower-case "get" is not a standard method', bytes('get / x\r\n'), 'opaque'],
    ['no target', bytes('PURGE HTTP/1.1'), 'opaque'],
    ['Redis RESP command', bytes('*1\r\n$4\r\nPING\r\n'), 'opaque'],
    ['Redis inline command', bytes('PING\r\n'), 'opaque'],
    ['Redis inline command with arguments', bytes('SET a b\r\n'), 'opaque'],
    ['SMTP-style greeting echoed', bytes('220 mail ESMTP\r\n'), 'opaque'],
    ['TLS 1.2 ClientHello record header', Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01]), 'tls'],
    ['TLS 1.3 record version', Buffer.from([0x16, 0x03, 0x03, 0x00, 0x10]), 'tls'],
    ['TLS cut after the content type', Buffer.from([0x16]), 'tls'],
    ['TLS cut after the major version', Buffer.from([0x16, 0x03]), 'tls'],
    ['0x16 then not a TLS version', Buffer.from([0x16, 0x02, 0x01]), 'opaque'],
    ['TLS minor version out of range', Buffer.from([0x16, 0x03, 0x09]), 'opaque'],
    ['binary garbage', Buffer.from([0x00, 0xff, 0x13, 0x37]), 'opaque'],
    ['non-ASCII method', bytes('GÉT / HTTP/1.1\r\n'), 'opaque'],
    ['method longer than any real one', bytes(`${'X'.repeat(40)} / HTTP/1.1\r\n`), 'opaque'],
    ['empty read', Buffer.alloc(0), 'opaque'],
  ])('%s → %s', (_name, input, expected) => {
    expect(classify(input)).toBe(expected);
  });

  it('decides on every prefix of an HTTP/1 request once the method is complete', () => {
    const req = bytes(get);
    for (let n = 4; n <= req.length; n++) expect(classify(req.subarray(0, n)), `first ${n} bytes`).toBe('http1');
  });

  it('decides on every prefix of the HTTP/2 preface from "PRI " on', () => {
    for (let n = 4; n <= h2Preface.length; n++) expect(classify(h2Preface.subarray(0, n)), `first ${n} bytes`).toBe('http2');
  });
});
