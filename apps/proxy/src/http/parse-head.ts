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
  /**
   * The fields every message is read for, in order: framing and hop-by-hop handling (RFC 9110 §7.6.1, RFC 9112 §6)
   * and, on requests, Host (checked by the server, routed by the outbound).
   */
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
const statusPrefix = [...'HTTP/1.'].map((c) => c.charCodeAt(0));
const bareLf = 'bare LF in header block';
const bareCr = 'bare CR in header block';

/** Per byte: 1 = tchar (field names, RFC 9110 §5.6.2), 2 = field-value byte (VCHAR, obs-text, SP, HTAB). */
const byteClass = new Uint8Array(256);
for (let b = 0x20; b <= 0xff; b++) if (b !== 0x7f) byteClass[b] = 2;
byteClass[0x09] = 2;
for (const c of "!#$%&'*+-.^_`|~") byteClass[c.charCodeAt(0)] = 3;
for (let b = 0x30; b <= 0x39; b++) byteClass[b] = 3;
for (let b = 0x41; b <= 0x5a; b++) byteClass[b] = 3;
for (let b = 0x61; b <= 0x7a; b++) byteClass[b] = 3;

/** Field names whose values every message needs (see `WireHead.hop`); every other field stays bytes until asked for. */
const hopNames = ['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'proxy-connection', 'te', 'upgrade', 'host'];
const decodedUpFront = new Set(hopNames);

export function parseRequestHead(buf: Buffer, limit = maxHeadBytes): ParseResult<Wired<RequestHead>> {
  const found = findHead(buf, limit);
  if (found.kind !== 'ok') return found;
  const wire = scanHead(buf.subarray(0, found.size));
  if (typeof wire === 'string') return bad(wire);
  const start = buf.toString('latin1', 0, wire.startLineEnd);
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
  return { kind: 'ok', head: new ParsedRequestHead(method, target, version === 'HTTP/1.1' ? 1 : 0, wire), size: found.size };
}

export function parseResponseHead(buf: Buffer, limit = maxHeadBytes): ParseResult<Wired<ResponseHead>> {
  const found = findHead(buf, limit);
  if (found.kind !== 'ok') return found;
  const wire = scanHead(buf.subarray(0, found.size));
  if (typeof wire === 'string') return bad(wire);
  // "HTTP/1.x NNN[ reason]", read as bytes: the reason phrase becomes a string only if someone asks for it.
  const raw = wire.raw;
  const end = wire.startLineEnd;
  const minor = raw[7];
  for (let i = 0; i < statusPrefix.length; i++) if (raw[i] !== statusPrefix[i]) return bad('malformed status line');
  if (
    end < 12 ||
    (minor !== 0x30 && minor !== 0x31) ||
    raw[8] !== 0x20 ||
    (end > 12 && raw[12] !== 0x20)
  )
    return bad('malformed status line');
  let status = 0;
  for (let i = 9; i < 12; i++) {
    const d = (raw[i] as number) - 0x30;
    if (d < 0 || d > 9) return bad('malformed status line');
    status = status * 10 + d;
  }
  for (let i = 13; i < end; i++) if (byteClass[raw[i] as number] === 0) return bad('malformed status line');
  return { kind: 'ok', head: new ParsedResponseHead(minor === 0x31 ? 1 : 0, status, wire), size: found.size };
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
    readonly wire: WireHead,
  ) {}

  get reason(): string {
    const { raw, startLineEnd } = this.wire;
    return startLineEnd > 13 ? raw.toString('latin1', 13, startLineEnd) : '';
  }

  get headers(): readonly Header[] {
    return (this.#headers ??= decodeFields(this.wire));
  }
}


function findHead(buf: Buffer, limit: number): { kind: 'ok'; size: number } | Exclude<ParseResult<never>, { kind: 'ok' }> {
  // Servers SHOULD ignore empty lines before a request-line (RFC 9112 §2.2); we don't, keeping one meaning.
  const end = buf.indexOf('\r\n\r\n', 0, 'latin1');
  if (end < 0) {
    if (buf.length > limit) return { kind: 'error', status: 431, reason: 'header block too large' };
    // A bare-LF sender never produces CRLFCRLF: reject now instead of waiting for the limit.
    if (buf.indexOf(10) >= 0 && hasBareLf(buf)) return bad(bareLf);
    return INCOMPLETE;
  }
  if (end + 4 > limit) return { kind: 'error', status: 431, reason: 'header block too large' };
  return { kind: 'ok', size: end + 4 };
}

function hasBareLf(buf: Buffer): boolean {
  for (let i = buf.indexOf(10); i >= 0; i = buf.indexOf(10, i + 1)) if (i === 0 || buf[i - 1] !== 13) return true;
  return false;
}

/**
 * One pass over a complete head's bytes (`raw` ends with CRLFCRLF): where the start line ends and where each field
 * line is, every field byte validated, no strings made. Short heads are most requests, and a JavaScript loop over
 * them costs less than a native call per line; each error is reported where it is first met.
 */
function scanHead(raw: Buffer): WireHead | string {
  let startLineEnd = 0;
  for (let b = raw[0]; b !== 13; b = raw[++startLineEnd]) if (b === 10) return bareLf;
  if (raw[startLineEnd + 1] !== 10) return bareCr;
  const lines: number[] = [];
  const hop: Header[] = [];
  const end = raw.length - 2; // the CR of the final, empty line
  for (let at = startLineEnd + 2; at < end; ) {
    const first = raw[at] as number;
    if (first === 0x20 || first === 0x09) return 'obsolete line folding';
    let colon = at;
    for (let b = first; b !== 0x3a; b = raw[++colon] as number) {
      if (byteClass[b] === 3) continue;
      if (b === 10) return bareLf;
      if (b === 13 && raw[colon + 1] !== 10) return bareCr;
      return colon === at ? 'header field without a name' : 'invalid header field name';
    }
    if (colon === at) return 'header field without a name';
    let lineEnd = colon + 1;
    while (byteClass[raw[lineEnd] as number] !== 0) lineEnd++;
    const stop = raw[lineEnd];
    if (stop === 10) return bareLf;
    if (stop !== 13) return 'invalid header field value';
    if (raw[lineEnd + 1] !== 10) return bareCr;
    lines.push(at, colon, lineEnd);
    const lower = hopName(raw, at, colon);
    if (lower !== undefined) hop.push(decodeField(raw, at, colon, lineEnd, lower));
    at = lineEnd + 2;
  }
  return { raw, startLineEnd, lines, hop };
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
  if (decodedUpFront.has(lower)) return wire.hop.filter((h) => h.lower === lower);
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
