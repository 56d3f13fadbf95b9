// Seeded mutation fuzzing of the strict HTTP/1.1 head parser (deterministic: the same inputs every run). Whatever
// the bytes, parsing never throws; what it accepts is well-formed by RFC 9112's grammar; and forwarding the received
// bytes (rewriteHead) says the same as re-serialising the decoded fields (endToEnd), so the two paths cannot drift
// (but for the one field rewriteHead lets through on purpose: a `Connection: keep-alive` that names nothing else).
import { describe, expect, it } from 'vitest';
import { endToEnd, rewriteHead } from './headers.js';
import { uniform } from '../../test/support/random.js';
import { parseRequestHead, type Header } from './parse-head.js';

const corpus = [
  'GET / HTTP/1.1\r\nHost: a\r\n\r\n',
  'POST /x?y=1 HTTP/1.1\r\nHost: b:80\r\nContent-Length: 3\r\nConnection: keep-alive, X-Hop\r\nX-Hop: 1\r\n\r\nabc',
  'PUT http://c/ HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\nTE: trailers\r\nUpgrade: websocket\r\nAccept:  */* \r\n\r\n',
  'GET / HTTP/1.0\r\nKeep-Alive: timeout=5\r\nProxy-Connection: keep-alive\r\nX-Empty:\r\n\r\n',
  'GET /k HTTP/1.1\r\nHost: d\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n',
];
/** Bytes that matter to HTTP/1.1 framing and field syntax, plus ordinary ones. */
const interesting = [0x00, 0x09, 0x0a, 0x0d, 0x20, 0x2c, 0x3a, 0x7f, 0x80, 0xff, 0x61, 0x22];
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

function mutate(input: Buffer, random: () => number): Buffer {
  const bytes = [...input];
  for (let n = 1 + Math.floor(random() * 3); n > 0; n--) {
    const at = Math.floor(random() * bytes.length);
    const op = random();
    if (op < 0.5) bytes.splice(at, 0, interesting[Math.floor(random() * interesting.length)] as number);
    else if (op < 0.8) bytes.splice(at, 1);
    else bytes[at] = interesting[Math.floor(random() * interesting.length)] as number;
  }
  return Buffer.from(bytes);
}

/** What the next hop gets without extra lines: end-to-end fields, unless the only hop-by-hop one is a plain keep-alive. */
function forwardedFields(headers: readonly Header[]): readonly Header[] {
  const keepAlive = (h: Header) => h.lower === 'connection' && h.value.toLowerCase() === 'keep-alive';
  const hop = endToEnd(headers).length !== headers.length;
  const onlyKeepAlive = headers.filter((h) => !endToEnd([h]).includes(h)).every(keepAlive);
  return hop && onlyKeepAlive ? headers : endToEnd(headers);
}

describe('parseRequestHead under mutation', () => {
  it('never throws, accepts only well-formed heads, and forwards bytes as the fields say', () => {
    const random = uniform(0x5eed);
    let accepted = 0;
    for (let i = 0; i < 20_000; i++) {
      const input = mutate(Buffer.from(corpus[i % corpus.length] as string, 'latin1'), random);
      const r = parseRequestHead(input);
      if (r.kind !== 'ok') continue;
      accepted++;
      const text = input.toString('latin1', 0, r.size);
      expect(text.endsWith('\r\n\r\n')).toBe(true);
      expect(/\r(?!\n)|(?<!\r)\n/.test(text)).toBe(false); // no bare CR or LF
      expect(/\r\n[ \t]/.test(text.slice(0, -2))).toBe(false); // no obs-fold
      for (const h of r.head.headers) {
        expect(h.name).toMatch(TOKEN);
        expect(h.value).toMatch(FIELD_VALUE);
        expect(h.value).toBe(h.value.replace(/^[ \t]+|[ \t]+$/g, ''));
      }
      // Bytes arriving a few at a time: every cut of an accepted head is only ever incomplete, never an error (the
      // scan reports errors before a head is complete, so a false one would reject a valid request), and the head
      // parses the same once whole, whatever follows it.
      for (const cut of [1, r.size >> 2, r.size >> 1, r.size - 3, r.size - 1]) {
        if (cut > 0 && cut < r.size) expect(parseRequestHead(input.subarray(0, cut))).toEqual({ kind: 'incomplete' });
      }
      const padded = parseRequestHead(Buffer.concat([input.subarray(0, r.size), Buffer.alloc(5000, 0x78)]));
      expect(padded).toMatchObject({ kind: 'ok', size: r.size, head: { method: r.head.method, target: r.head.target } });
      const forwarded = parseRequestHead(rewriteHead(r.head.wire, undefined, new Set(), false));
      if (forwarded.kind !== 'ok') throw new Error(`rewritten head did not parse: ${JSON.stringify(text)}`);
      expect(forwarded.head.headers).toEqual(forwardedFields(r.head.headers));
    }
    // The mutations must leave enough heads valid for the properties to mean something.
    expect(accepted).toBeGreaterThan(2_000);
  });
});
