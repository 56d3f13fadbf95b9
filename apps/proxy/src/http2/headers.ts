// Header rewriting for HTTP/2 hops: drop connection-specific fields (RFC 9113 §8.2.2), and convert between
// HTTP/1 header lines and HTTP/2 header objects for the orig-proto upgrade/downgrade between proxies. Pure.
//
// Each function returns a fresh object, and callers add their own fields (`:status`, `:authority`…) to it by
// assignment, never as `{ ...headers, ':status': s }`: in Node 20's V8 an object literal with a property after a
// spread is made ~9 × slower, and nearly every such object is promoted out of the young generation (a loop making
// 3 million of them: 1.8 s and ~1.8 MB promoted per scavenge, against 0.2 s and none for the same object assigned
// to, or with the property before the spread). Per stream, that was most of what an inbound proxy restoring
// HTTP/1 promoted: 74–83 MB peaks instead of ~67 under h2load.
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http2';
import { bareObject } from '../bare-object.js';
import { listValues } from '../http/framing.js';
import type { Header } from '../http/parse-head.js';

/** Connection-specific fields an HTTP/2 message must not carry (TE is handled separately: only "trailers"). */
const connectionSpecific: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'http2-settings',
  'host',
]);

/**
 * The fields of a received HTTP/2 header block to send on the next HTTP/2 hop: pseudo-headers and end-to-end
 * fields, without connection-specific ones, `te` other than "trailers", and `drop` (lower-case names the caller
 * owns). Host is dropped: `:authority` carries it on HTTP/2.
 */
export function forwardableH2(incoming: IncomingHttpHeaders, drop?: ReadonlySet<string>): OutgoingHttpHeaders {
  const out = bareObject<OutgoingHttpHeaders>();
  for (const name of Object.keys(incoming)) {
    if (connectionSpecific.has(name) || drop?.has(name)) continue;
    const value = incoming[name];
    if (value === undefined) continue;
    if (name === 'te') {
      if (String(value).trim().toLowerCase() === 'trailers') out.te = 'trailers';
      continue;
    }
    out[name] = value;
  }
  return out;
}

/**
 * HTTP/1 header lines → HTTP/2 fields (lower-case names; repeated names become arrays): hop-by-hop fields, the
 * fields Connection names, Host (it becomes `:authority`) and `drop` are left out.
 */
export function h1ToH2Headers(headers: readonly Header[], drop?: ReadonlySet<string>): OutgoingHttpHeaders {
  const named = listValues(headers, 'connection');
  const out = bareObject<Record<string, string | string[]>>();
  for (const h of headers) {
    const name = h.lower;
    if (connectionSpecific.has(name) || drop?.has(name) || named.includes(name)) continue;
    if (name === 'te') {
      if (listValues([h], 'te').includes('trailers')) out.te = 'trailers';
      continue;
    }
    const prev = out[name];
    if (prev === undefined) out[name] = h.value;
    else if (Array.isArray(prev)) prev.push(h.value);
    else out[name] = [prev, h.value];
  }
  return out;
}

/**
 * HTTP/2 fields → HTTP/1 header lines, each "name: value\r\n", as one string (what a head or a trailer section
 * needs, without a list of lines to join), skipping pseudo-headers, connection-specific fields and `drop`. Values
 * that would break HTTP/1 framing (CR, LF, NUL) were already refused when the HTTP/2 block was read.
 */
export function h2ToH1Lines(incoming: IncomingHttpHeaders, drop?: ReadonlySet<string>): string {
  let lines = '';
  for (const name in incoming) {
    if (name.charCodeAt(0) === 0x3a || connectionSpecific.has(name) || name === 'te' || drop?.has(name)) continue;
    const value = incoming[name];
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) lines += `${name}: ${v}\r\n`;
    else lines += `${name}: ${value}\r\n`;
  }
  return lines;
}

/** A header value as one string (Node gives arrays for repeated fields such as set-cookie). */
export function headerString(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}
