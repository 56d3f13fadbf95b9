// What a tap event says about an exchange: authority, path, peers and headers, taken from the parsed heads (HTTP/1)
// or the header blocks (HTTP/2) only when someone taps (never on the untapped request path).
import type { IncomingHttpHeaders } from 'node:http2';
import type net from 'node:net';
import { redactedValue, type TapHeader } from '@signalbox/shared';
import { requestAuthority } from '../http/authority.js';
import type { Header, RequestHead } from '../http/parse-head.js';

export interface RequestLine {
  readonly authority: string;
  readonly path: string;
}

/** The logical authority and origin-form path, as Linkerd's `:authority` and `:path` pseudo-headers. */
export function requestLine(head: RequestHead): RequestLine {
  const a = requestAuthority(head);
  if (typeof a !== 'string') return { authority: a.authority, path: a.path };
  const host = head.headers.find((h) => h.lower === 'host')?.value ?? '';
  return { authority: host, path: head.target };
}

/** Headers as tap shows them: sensitive ones (lower-case names in `redact`) keep their name, lose their value. */
export function tapHeaders(headers: readonly Header[], redact: ReadonlySet<string>): TapHeader[] {
  return headers.map((h) => ({ name: h.name, value: redact.has(h.lower) ? redactedValue : h.value }));
}

/** HTTP/2 fields as parsed-head headers (pseudo-headers left out; repeated fields one entry per value). */
export function h2Headers(h: IncomingHttpHeaders): Header[] {
  const out: Header[] = [];
  for (const [name, value] of Object.entries(h)) {
    if (name.startsWith(':') || value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) out.push({ name, lower: name, value: v });
  }
  return out;
}

/** An HTTP/2 request as the request head tap reads: `:method`, `:path`, and `:authority` as Host. */
export function h2RequestHead(h: IncomingHttpHeaders): RequestHead {
  const authority = h[':authority'];
  const headers = h2Headers(h);
  if (typeof authority === 'string' && h.host === undefined) headers.unshift({ name: 'host', lower: 'host', value: authority });
  return { method: String(h[':method'] ?? ''), target: String(h[':path'] ?? ''), minor: 1, headers };
}

/** Response headers from either protocol, as tap takes them. */
export function responseHeaders(headers: IncomingHttpHeaders | readonly Header[]): readonly Header[] {
  return Array.isArray(headers) ? (headers as readonly Header[]) : h2Headers(headers as IncomingHttpHeaders);
}

/** `ip:port` of the far end of `socket` (IPv6 in brackets). */
export function remoteAddr(socket: net.Socket): string {
  const ip = socket.remoteAddress ?? '0.0.0.0';
  const port = socket.remotePort ?? 0;
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}
