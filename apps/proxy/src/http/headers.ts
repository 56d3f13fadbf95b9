// Header rewriting between hops: drop hop-by-hop fields (RFC 9110 §7.6.1) and serialise heads for the next hop.
import { listValues, type Framing } from './framing.js';
import type { Header } from './parse-head.js';

const alwaysHopByHop = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'transfer-encoding', 'upgrade']);

/**
 * The end-to-end headers of a message: everything except the fixed hop-by-hop set, the fields the Connection
 * header names, and `extra` (lower-case names the caller also owns, e.g. host, proxy-authorization).
 */
export function endToEnd(headers: readonly Header[], extra?: ReadonlySet<string>): Header[] {
  const named = listValues(headers, 'connection');
  const out: Header[] = [];
  for (const h of headers) {
    if (alwaysHopByHop.has(h.lower)) continue;
    if (extra?.has(h.lower)) continue;
    if (named.length > 0 && named.includes(h.lower)) continue;
    out.push(h);
  }
  return out;
}

/** Whether the sender asked to close (or, for HTTP/1.0, did not ask to keep alive). */
export function wantsClose(headers: readonly Header[], minor: 0 | 1): boolean {
  const conn = listValues(headers, 'connection');
  return minor === 1 ? conn.includes('close') : !conn.includes('keep-alive');
}

export function getHeader(headers: readonly Header[], lower: string): string | undefined {
  for (const h of headers) if (h.lower === lower) return h.value;
  return undefined;
}

/** Serialises header fields (each line CRLF-terminated) plus `extra` lines already formatted as "name: value". */
export function formatHeaders(headers: readonly Header[], extra: readonly string[]): string {
  let s = '';
  for (const h of headers) s += `${h.name}: ${h.value}\r\n`;
  for (const line of extra) s += `${line}\r\n`;
  return s + '\r\n';
}

/** The framing header a forwarded message needs again after hop-by-hop stripping (Transfer-Encoding only). */
export function framingLines(framing: Framing, headers: readonly Header[]): string[] {
  return framing.kind === 'chunked' ? [`transfer-encoding: ${listValues(headers, 'transfer-encoding').join(', ')}`] : [];
}
