// What a tap event says about an HTTP/1 exchange: authority, path, peers and headers, taken from the parsed heads
// only when someone taps (never on the untapped request path).
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

/** `ip:port` of the far end of `socket` (IPv6 in brackets). */
export function remoteAddr(socket: net.Socket): string {
  const ip = socket.remoteAddress ?? '0.0.0.0';
  const port = socket.remotePort ?? 0;
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}
