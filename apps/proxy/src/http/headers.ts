// Header rewriting between hops: drop hop-by-hop fields (RFC 9110 §7.6.1) and serialise heads for the next hop,
// either from fields (heads built here or from h2) or from the received bytes, copying only what changes.
import { listHas, listValues } from './framing.js';
import { nameEquals, type Header, type WireHead } from './parse-head.js';

const hopByHopNames = ['connection', 'keep-alive', 'proxy-connection', 'te', 'transfer-encoding', 'upgrade'];
const alwaysHopByHop = new Set(hopByHopNames);
const NONE: readonly string[] = [];

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
  return minor === 1 ? listHas(headers, 'connection', 'close') : !listHas(headers, 'connection', 'keep-alive');
}

/** Serialises header fields (each line CRLF-terminated) plus `extra` lines already formatted as "name: value". */
export function formatHeaders(headers: readonly Header[], extra: readonly string[]): string {
  let s = '';
  for (const h of headers) s += `${h.name}: ${h.value}\r\n`;
  for (const line of extra) s += `${line}\r\n`;
  return s + '\r\n';
}

/**
 * The head for the next hop from the received one: `startLine` (no CRLF) replaces the received start line when
 * given; hop-by-hop fields, the fields Connection names and `drop` (lower-case names the caller owns) are left out,
 * except Transfer-Encoding when `keepTransferEncoding` (the body is forwarded as it was coded, so it stays true);
 * `extra` lines ("name: value") are appended. When nothing changes this is the received bytes themselves, so most
 * heads cross a hop without being re-serialised or even copied. A `Connection: keep-alive` that names nothing else
 * counts as unchanged when there are no `extra` lines: every hop written without connection lines of our own is a
 * persistent HTTP/1.1 one, so it is as true for the next hop as it was for the last (and servers send it on every
 * response).
 */
export function rewriteHead(
  wire: WireHead,
  startLine: string | undefined,
  drop: ReadonlySet<string>,
  keepTransferEncoding: boolean,
  extra: readonly string[] = NONE,
): Buffer {
  const { raw, lines } = wire;
  let hop = false;
  for (const h of wire.hop)
    if (
      alwaysHopByHop.has(h.lower) &&
      !(keepTransferEncoding && h.lower === 'transfer-encoding') &&
      !(extra.length === 0 && h.lower === 'connection' && h.value.toLowerCase() === 'keep-alive')
    )
      hop = true;
  const named = hop ? listValues(wire.hop, 'connection') : NONE;
  let keptBytes = 0;
  let keptAll = true;
  if (hop || drop.size > 0)
    for (let i = 0; i < lines.length; i += 3) {
      if (isDropped(raw, lines[i] as number, lines[i + 1] as number, hop, keepTransferEncoding, named, drop)) keptAll = false;
      else keptBytes += (lines[i + 2] as number) + 2 - (lines[i] as number);
    }
  if (keptAll && startLine === undefined && extra.length === 0) return raw;
  if (keptAll) keptBytes = raw.length - 2 - (wire.startLineEnd + 2);
  let size = (startLine === undefined ? wire.startLineEnd : startLine.length) + 2 + keptBytes + 2;
  for (const line of extra) size += line.length + 2;
  const out = Buffer.allocUnsafe(size);
  let at = startLine === undefined ? raw.copy(out, 0, 0, wire.startLineEnd + 2) : out.write(`${startLine}\r\n`, 0, 'latin1');
  if (keptAll) at += raw.copy(out, at, wire.startLineEnd + 2, raw.length - 2);
  else
    for (let i = 0; i < lines.length; i += 3) {
      const from = lines[i] as number;
      if (isDropped(raw, from, lines[i + 1] as number, hop, keepTransferEncoding, named, drop)) continue;
      at += raw.copy(out, at, from, (lines[i + 2] as number) + 2);
    }
  for (const line of extra) at += out.write(`${line}\r\n`, at, 'latin1');
  out.write('\r\n', at, 'latin1');
  return out;
}

/** Whether the field line whose name is bytes [from, colon) of `raw` stays behind (see rewriteHead). */
function isDropped(
  raw: Buffer,
  from: number,
  colon: number,
  hop: boolean,
  keepTransferEncoding: boolean,
  named: readonly string[],
  drop: ReadonlySet<string>,
): boolean {
  if (hop && !(keepTransferEncoding && nameEquals(raw, from, colon, 'transfer-encoding'))) {
    for (const n of hopByHopNames) if (nameEquals(raw, from, colon, n)) return true;
    for (const n of named) if (nameEquals(raw, from, colon, n)) return true;
  }
  for (const n of drop) if (nameEquals(raw, from, colon, n)) return true;
  return false;
}
