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

/**
 * A head as it came off the wire: its bytes and where its field lines are, so a hop can forward it unchanged, or
 * copy it leaving out lines, instead of re-serialising every field. Only the fields in `hop` are strings from the
 * start; the rest become strings on first use of `headers`.
 */
export interface WireHead {
  /** The head as received, including its final CRLFCRLF. */
  readonly raw: Buffer;
  /** Offset of the CR that ends the start line. */
  readonly startLineEnd: number;
  /** Three offsets per field line: its start, its colon, its end (the CR of its CRLF). */
  readonly lines: readonly number[];
  /** The fields framing and hop-by-hop handling read (RFC 9110 §7.6.1, RFC 9112 §6), in order. */
  readonly hop: readonly Header[];
}

export interface RequestHead {
  readonly method: string;
  readonly target: string;
  /** 0 for HTTP/1.0, 1 for HTTP/1.1. */
  readonly minor: 0 | 1;
  readonly headers: readonly Header[];
  /** Present when parsed from bytes (absent for heads built from h2 or in tests). */
  readonly wire?: WireHead;
}

export interface ResponseHead {
  readonly minor: 0 | 1;
  readonly status: number;
  readonly reason: string;
  readonly headers: readonly Header[];
  readonly wire?: WireHead;
}

/** A head parsed from bytes: its `wire` is always there. */
export type Wired<H> = H & { readonly wire: WireHead };

export type ParseResult<H> =
  | { readonly kind: 'incomplete' }
  | { readonly kind: 'error'; readonly status: 400 | 431; readonly reason: string }
  | { readonly kind: 'ok'; readonly head: H; /** bytes consumed, including the final CRLFCRLF */ readonly size: number };

/** Linkerd and most servers cap the header block; 64 KiB is the brief's limit. */
export const maxHeadBytes = 64 * 1024;

/** The fields framing and hop-by-hop handling read: the parsed subset for a head off the wire, else all of them. */
export function hopFields(head: RequestHead | ResponseHead): readonly Header[] {
  return head.wire?.hop ?? head.headers;
}

const INCOMPLETE = { kind: 'incomplete' } as const;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// request-target: visible ASCII only (RFC 3986 characters; we do not second-guess the path beyond that).
const TARGET = /^[\x21-\x7e]+$/;
const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?: ([\t\x20-\x7e\x80-\xff]*))?$/;

/** Per byte: 1 = tchar (field names, RFC 9110 §5.6.2), 2 = field-value byte (VCHAR, obs-text, SP, HTAB). */
const byteClass = new Uint8Array(256);
for (let b = 0x20; b <= 0xff; b++) if (b !== 0x7f) byteClass[b] = 2;
byteClass[0x09] = 2;
for (const c of "!#$%&'*+-.^_`|~") byteClass[c.charCodeAt(0)] = 3;
for (let b = 0x30; b <= 0x39; b++) byteClass[b] = 3;
for (let b = 0x41; b <= 0x5a; b++) byteClass[b] = 3;
for (let b = 0x61; b <= 0x7a; b++) byteClass[b] = 3;

/** Field names whose values framing and hop-by-hop handling need; every other field stays bytes until asked for. */
const hopNames = ['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'proxy-connection', 'te', 'upgrade'];

export function parseRequestHead(buf: Buffer, limit = maxHeadBytes): ParseResult<Wired<RequestHead>> {
  const found = findHead(buf, limit);
  if (found.kind !== 'ok') return found;
  const startEnd = buf.indexOf(CRLF, 0, 'latin1');
  const start = buf.toString('latin1', 0, startEnd);
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
  const wire = parseFields(buf.subarray(0, found.size), startEnd);
  if (typeof wire === 'string') return bad(wire);
  return { kind: 'ok', head: new ParsedRequestHead(method, target, version === 'HTTP/1.1' ? 1 : 0, wire), size: found.size };
}

export function parseResponseHead(buf: Buffer, limit = maxHeadBytes): ParseResult<Wired<ResponseHead>> {
  const found = findHead(buf, limit);
  if (found.kind !== 'ok') return found;
  const startEnd = buf.indexOf(CRLF, 0, 'latin1');
  const m = STATUS_LINE.exec(buf.toString('latin1', 0, startEnd));
  if (!m) return bad('malformed status line');
  const wire = parseFields(buf.subarray(0, found.size), startEnd);
  if (typeof wire === 'string') return bad(wire);
  return {
    kind: 'ok',
    head: new ParsedResponseHead(m[1] === '1' ? 1 : 0, Number(m[2]), m[3] ?? '', wire),
    size: found.size,
  };
}

// === impl ParsedRequestHead, ParsedResponseHead: `headers` decoded from the bytes once, when first read ===

class ParsedRequestHead implements RequestHead {
  #headers: readonly Header[] | undefined;

  constructor(
    readonly method: string,
    readonly target: string,
    readonly minor: 0 | 1,
    readonly wire: WireHead,
  ) {}

  get headers(): readonly Header[] {
    return (this.#headers ??= decodeFields(this.wire));
  }
}

class ParsedResponseHead implements ResponseHead {
  #headers: readonly Header[] | undefined;

  constructor(
    readonly minor: 0 | 1,
    readonly status: number,
    readonly reason: string,
    readonly wire: WireHead,
  ) {}

  get headers(): readonly Header[] {
    return (this.#headers ??= decodeFields(this.wire));
  }
}

const CRLF = '\r\n';

function findHead(buf: Buffer, limit: number): { kind: 'ok'; size: number } | Exclude<ParseResult<never>, { kind: 'ok' }> {
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
  return { kind: 'ok', size: end + 4 };
}

function hasBareLf(buf: Buffer, end: number): boolean {
  for (let i = buf.indexOf(10); i >= 0 && i < end; i = buf.indexOf(10, i + 1)) {
    if (i === 0 || buf[i - 1] !== 13) return true;
  }
  return false;
}

/** Validates every field line byte by byte (no strings), noting where each is; `raw` ends with CRLFCRLF. */
function parseFields(raw: Buffer, startEnd: number): WireHead | string {
  const lines: number[] = [];
  const hop: Header[] = [];
  const end = raw.length - 2; // the CR of the final, empty line
  for (let at = startEnd + 2; at < end; ) {
    const lineEnd = raw.indexOf(13, at);
    if (raw[lineEnd + 1] !== 10) return 'bare CR in header block';
    const first = raw[at] as number;
    if (first === 0x20 || first === 0x09) return 'obsolete line folding';
    let colon = at;
    while (colon < lineEnd && raw[colon] !== 0x3a) {
      if (byteClass[raw[colon] as number] !== 3) return colon === at ? 'header field without a name' : 'invalid header field name';
      colon++;
    }
    if (colon === lineEnd) return colon === at ? 'header field without a name' : 'invalid header field name';
    if (colon === at) return 'header field without a name';
    for (let i = colon + 1; i < lineEnd; i++) if (byteClass[raw[i] as number] === 0) return 'invalid header field value';
    lines.push(at, colon, lineEnd);
    const lower = hopName(raw, at, colon);
    if (lower !== undefined) hop.push(decodeField(raw, at, colon, lineEnd, lower));
    at = lineEnd + 2;
  }
  return { raw, startLineEnd: startEnd, lines, hop };
}

/** The lower-cased name if the field is one of `hopNames`, compared as bytes (no string for other fields). */
function hopName(raw: Buffer, from: number, to: number): string | undefined {
  for (const name of hopNames) if (nameEquals(raw, from, to, name)) return name;
  return undefined;
}

/** Whether bytes [from, to) spell `lower` case-insensitively (ASCII letters only fold). */
export function nameEquals(raw: Buffer, from: number, to: number, lower: string): boolean {
  if (to - from !== lower.length) return false;
  for (let i = 0; i < lower.length; i++) {
    const b = raw[from + i] as number;
    if ((b >= 0x41 && b <= 0x5a ? b | 0x20 : b) !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/** The fields named `lower`, decoded from the head's bytes alone: a lookup that does not decode every field. */
export function fieldsNamed(head: RequestHead | ResponseHead, lower: string): Header[] {
  const wire = head.wire;
  if (!wire) return head.headers.filter((h) => h.lower === lower);
  const { raw, lines } = wire;
  const out: Header[] = [];
  for (let i = 0; i < lines.length; i += 3) {
    const from = lines[i] as number;
    const colon = lines[i + 1] as number;
    if (nameEquals(raw, from, colon, lower)) out.push(decodeField(raw, from, colon, lines[i + 2] as number, lower));
  }
  return out;
}

function decodeFields(wire: WireHead): Header[] {
  const { raw, lines } = wire;
  const out: Header[] = [];
  for (let i = 0; i < lines.length; i += 3) {
    const from = lines[i] as number;
    const colon = lines[i + 1] as number;
    out.push(decodeField(raw, from, colon, lines[i + 2] as number));
  }
  return out;
}

function decodeField(raw: Buffer, from: number, colon: number, lineEnd: number, lower?: string): Header {
  const name = raw.toString('latin1', from, colon);
  let v = colon + 1;
  let e = lineEnd;
  while (v < e && (raw[v] === 0x20 || raw[v] === 0x09)) v++;
  while (e > v && (raw[e - 1] === 0x20 || raw[e - 1] === 0x09)) e--;
  return { name, lower: lower ?? name.toLowerCase(), value: raw.toString('latin1', v, e) };
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
