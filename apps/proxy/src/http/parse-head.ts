// Pure HTTP/1.1 head parser (RFC 9112): start line + header fields, nothing else. Strict on purpose: every
// ambiguity a downstream server might resolve differently (bare LF, obs-fold, space before colon) is a 400,
// because a proxy that tolerates them is a request-smuggling vector.

export interface Header {
  /** As received, so the forwarded head keeps the sender's spelling. */
  readonly name: string;
  /** Lower-cased, for lookups. */
  readonly lower: string;
  readonly value: string;
}

export interface RequestHead {
  readonly method: string;
  readonly target: string;
  /** 0 for HTTP/1.0, 1 for HTTP/1.1. */
  readonly minor: 0 | 1;
  readonly headers: readonly Header[];
}

export interface ResponseHead {
  readonly minor: 0 | 1;
  readonly status: number;
  readonly reason: string;
  readonly headers: readonly Header[];
}

export type ParseResult<H> =
  | { readonly kind: 'incomplete' }
  | { readonly kind: 'error'; readonly status: 400 | 431; readonly reason: string }
  | { readonly kind: 'ok'; readonly head: H; /** bytes consumed, including the final CRLFCRLF */ readonly size: number };

/** Linkerd and most servers cap the header block; 64 KiB is the brief's limit. */
export const maxHeadBytes = 64 * 1024;

const INCOMPLETE = { kind: 'incomplete' } as const;
const OWS = /^[ \t]+|[ \t]+$/g;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// field-value: VCHAR, obs-text, SP, HTAB; no other control characters (NUL, CR, LF...).
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
// request-target: visible ASCII only (RFC 3986 characters; we do not second-guess the path beyond that).
const TARGET = /^[\x21-\x7e]+$/;
const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?: ([\t\x20-\x7e\x80-\xff]*))?$/;

export function parseRequestHead(buf: Buffer, limit = maxHeadBytes): ParseResult<RequestHead> {
  const found = findHead(buf, limit);
  if (found.kind !== 'ok') return found;
  const lines = found.text.split('\r\n');
  const start = lines[0] as string;
  const sp1 = start.indexOf(' ');
  const sp2 = start.indexOf(' ', sp1 + 1);
  if (sp1 <= 0 || sp2 < 0 || start.indexOf(' ', sp2 + 1) >= 0) return bad('malformed request line');
  const method = start.slice(0, sp1);
  const target = start.slice(sp1 + 1, sp2);
  const version = start.slice(sp2 + 1);
  if (!TOKEN.test(method)) return bad('invalid method');
  if (!TARGET.test(target)) return bad('invalid request-target');
  if (!validTargetForm(method, target)) return bad('invalid request-target');
  if (version !== 'HTTP/1.1' && version !== 'HTTP/1.0') return bad('unsupported HTTP version');
  const headers = parseFields(lines);
  if (typeof headers === 'string') return bad(headers);
  return { kind: 'ok', head: { method, target, minor: version === 'HTTP/1.1' ? 1 : 0, headers }, size: found.size };
}

export function parseResponseHead(buf: Buffer, limit = maxHeadBytes): ParseResult<ResponseHead> {
  const found = findHead(buf, limit);
  if (found.kind !== 'ok') return found;
  const lines = found.text.split('\r\n');
  const m = STATUS_LINE.exec(lines[0] as string);
  if (!m) return bad('malformed status line');
  const headers = parseFields(lines);
  if (typeof headers === 'string') return bad(headers);
  return {
    kind: 'ok',
    head: { minor: m[1] === '1' ? 1 : 0, status: Number(m[2]), reason: m[3] ?? '', headers },
    size: found.size,
  };
}

type Found = { kind: 'ok'; text: string; size: number } | Exclude<ParseResult<never>, { kind: 'ok' }>;

function findHead(buf: Buffer, limit: number): Found {
  // Servers SHOULD ignore empty lines before a request-line (RFC 9112 §2.2); we don't, keeping one meaning.
  const end = buf.indexOf('\r\n\r\n', 0, 'latin1');
  if (end < 0) {
    if (buf.length > limit) return { kind: 'error', status: 431, reason: 'header block too large' };
    // A bare-LF sender never produces CRLFCRLF: reject now instead of waiting for the limit.
    if (hasBareLf(buf, buf.length)) return bad('bare LF in header block');
    return INCOMPLETE;
  }
  if (end + 4 > limit) return { kind: 'error', status: 431, reason: 'header block too large' };
  if (hasBareLf(buf, end)) return bad('bare LF in header block');
  return { kind: 'ok', text: buf.toString('latin1', 0, end), size: end + 4 };
}

function hasBareLf(buf: Buffer, end: number): boolean {
  for (let i = buf.indexOf(10); i >= 0 && i < end; i = buf.indexOf(10, i + 1)) {
    if (i === 0 || buf[i - 1] !== 13) return true;
  }
  return false;
}

function parseFields(lines: string[]): Header[] | string {
  const headers: Header[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.includes('\r')) return 'bare CR in header block';
    const first = line.charCodeAt(0);
    if (first === 0x20 || first === 0x09) return 'obsolete line folding';
    const colon = line.indexOf(':');
    if (colon <= 0) return 'header field without a name';
    const name = line.slice(0, colon);
    if (!TOKEN.test(name)) return 'invalid header field name';
    const value = line.slice(colon + 1).replace(OWS, '');
    if (!FIELD_VALUE.test(value)) return 'invalid header field value';
    headers.push({ name, lower: name.toLowerCase(), value });
  }
  return headers;
}

function validTargetForm(method: string, target: string): boolean {
  if (target.charCodeAt(0) === 0x2f) return true; // origin-form "/..."
  if (target === '*') return method === 'OPTIONS';
  if (method === 'CONNECT') return true; // authority-form; answered 405 by the server loop
  const lower = target.slice(0, 8).toLowerCase();
  return lower.startsWith('http://') || lower.startsWith('https://');
}

function bad(reason: string): { kind: 'error'; status: 400; reason: string } {
  return { kind: 'error', status: 400, reason };
}
