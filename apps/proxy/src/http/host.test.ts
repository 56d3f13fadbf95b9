import { describe, expect, it } from 'vitest';
import { hostProblem } from './host.js';
import { parseRequestHead } from './parse-head.js';

function head(text: string) {
  const parsed = parseRequestHead(Buffer.from(text, 'latin1'));
  if (parsed.kind !== 'ok') throw new Error(`test head did not parse: ${parsed.kind}`);
  return parsed.head;
}

describe('hostProblem (RFC 9112 §3.2)', () => {
  it.each([
    ['a name', 'GET / HTTP/1.1\r\nHost: books.demo\r\n\r\n'],
    ['a name and port', 'GET / HTTP/1.1\r\nHost: books.demo:7001\r\n\r\n'],
    ['an IPv4 address', 'GET / HTTP/1.1\r\nhost: 127.0.0.1:80\r\n\r\n'],
    ['an IPv6 literal', 'GET / HTTP/1.1\r\nHOST: [::1]:8080\r\n\r\n'],
    ['an empty value (a target without authority)', 'GET / HTTP/1.1\r\nHost:\r\n\r\n'],
    ['percent-encoding in a reg-name', 'GET / HTTP/1.1\r\nHost: a%2Db\r\n\r\n'],
    ['HTTP/1.0 without Host', 'GET / HTTP/1.0\r\n\r\n'],
    ['absolute-form with its Host', 'GET http://books.demo/ HTTP/1.1\r\nHost: books.demo\r\n\r\n'],
  ])('accepts %s', (_name, text) => {
    expect(hostProblem(head(text))).toBeUndefined();
  });

  it.each([
    ['HTTP/1.1 without Host', 'GET / HTTP/1.1\r\nX-A: b\r\n\r\n', 'missing Host header'],
    ['absolute-form without Host', 'GET http://books.demo/ HTTP/1.1\r\n\r\n', 'missing Host header'],
    ['two Host fields', 'GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n', 'more than one Host header'],
    ['two Host fields in HTTP/1.0', 'GET / HTTP/1.0\r\nHost: a\r\nhost: b\r\n\r\n', 'more than one Host header'],
    ['a space inside', 'GET / HTTP/1.1\r\nHost: a b\r\n\r\n', 'invalid Host header'],
    ['a path', 'GET / HTTP/1.1\r\nHost: a/b\r\n\r\n', 'invalid Host header'],
    ['userinfo', 'GET / HTTP/1.1\r\nHost: u@a\r\n\r\n', 'invalid Host header'],
    ['a non-numeric port', 'GET / HTTP/1.1\r\nHost: a:http\r\n\r\n', 'invalid Host header'],
    ['an unclosed IPv6 literal', 'GET / HTTP/1.1\r\nHost: [::1\r\n\r\n', 'invalid Host header'],
  ])('rejects %s', (_name, text, reason) => {
    expect(hostProblem(head(text))).toBe(reason);
  });
});
