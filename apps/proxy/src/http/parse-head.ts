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
const statusPrefix = [...'HTTP/1.'].map((c) => c.charCodeAt(0));
const bareLf = 'bare LF in header block';
const bareCr = 'bare CR in header block';
const tooLarge = { kind: 'error', status: 431, reason: 'header block too large' } as const;
const END = Buffer.from('\r\n\r\n', 'latin1');
/**
 * A buffer up to this size is searched for the end of its head by the validating pass itself; a longer one is
 * searched natively first, so a head arriving a few bytes per read is not re-walked in JavaScript on every read.
 */
const scanInline = 4096;

/** Per byte: 1 = tchar (field names, RFC 9110 §5.6.2), 2 = field-value byte (VCHAR, obs-text, SP, HTAB). */
const byteClass = new Uint8Array(256);
for (let b = 0x20; b <= 0xff; b++) if (b !== 0x7f) byteClass[b] = 2;
byteClass[0x09] = 2;
for (const c of "!#$%&'*+-.^_`|~") byteClass[c.charCodeAt(0)] = 3;
for (let b = 0x30; b <= 0x39; b++) byteClass[b] = 3;
for (let b = 0x41; b <= 0x5a; b++) byteClass[b] = 3;
for (let b = 0x61; b <= 0x7a; b++) byteClass[b] = 3;

/** Whether a byte (or char code) is a tchar, a character of a field name or token (RFC 9110 §5.6.2). */
export function isTchar(b: number): boolean {
  return byteClass[b] === 3;
}

/**
 * The string bytes decoded to last time, reused while the bytes spell it again: comparing a few bytes costs less
 * than making the string anew (a native call and a new string), and clients repeat themselves: the same Host on
 * every request of a connection, the same path for an API's calls, the same Content-Length for same-sized responses.
 */
class LastString {
  #value = '';

  of(raw: Buffer, from: number, to: number): string {
    return spells(raw, from, to, this.#value) ? this.#value : (this.#value = latin1(raw, from, to));
  }
}

/** A field every message is read for (see `WireHead.hop`): decoded with the head, every other field on demand. */
interface HopName {
  readonly lower: string;
  /** Its last value that was not one of `values`: a connection's next message most likely repeats it. */
  readonly last: LastString;
  /**
   * How senders usually spell it, and its usual values, as they come on the wire: reused instead of decoded, since
   * every message carries some of these fields.
   */
  readonly spellings: readonly string[];
  readonly values: readonly string[];
}

const hopName = (lower: string, spelling: string, values: readonly string[] = []): HopName => ({ lower, spellings: [spelling, lower], values, last: new LastString() });
const hopNames: readonly HopName[] = [
  hopName('content-length', 'Content-Length'),
  hopName('transfer-encoding', 'Transfer-Encoding', ['chunked']),
  hopName('connection', 'Connection', ['keep-alive', 'close', 'Keep-Alive', 'upgrade', 'Upgrade']),
  hopName('keep-alive', 'Keep-Alive'),
  hopName('proxy-connection', 'Proxy-Connection'),
  hopName('te', 'TE', ['trailers']),
  hopName('upgrade', 'Upgrade', ['websocket']),
  hopName('host', 'Host'),
];
const decodedUpFront = new Set(hopNames.map((h) => h.lower));
/** `hopNames` by length, so a field line is compared with the few names as long as its own. */
const hopByLength: HopName[][] = [];
for (const h of hopNames) (hopByLength[h.lower.length] ??= []).push(h);
const methods = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'];

const lastTarget = new LastString();

export function parseRequestHead(buf: Buffer, limit = maxHeadBytes): ParseResult<Wired<RequestHead>> {
  const wire = readHead(buf, limit);
  if (!('raw' in wire)) return wire;
  // method SP request-target SP HTTP-version, read as bytes: only the target becomes a new string.
  const raw = wire.raw;
  const end = wire.startLineEnd;
  let sp1 = 0;
  while (sp1 < end && byteClass[raw[sp1] as number] === 3) sp1++;
  if (sp1 === 0 || raw[sp1] !== 0x20) return bad(sp1 === end || raw[sp1] === 0x20 ? 'malformed request line' : 'invalid method');
  let sp2 = sp1 + 1;
  for (let b = raw[sp2] as number; b >= 0x21 && b <= 0x7e; b = raw[++sp2] as number);
  if (sp2 === end) return bad('malformed request line');
  if (sp2 === sp1 + 1 || raw[sp2] !== 0x20) return bad(raw[sp2] === 0x20 ? 'malformed request line' : 'invalid request-target');
  const minor = versionMinor(raw, sp2 + 1, end);
  if (minor === undefined) return bad(raw.subarray(sp2 + 1, end).includes(0x20) ? 'malformed request line' : 'unsupported HTTP version');
  const method = known(raw, 0, sp1, methods) ?? latin1(raw, 0, sp1);
  const target = lastTarget.of(raw, sp1 + 1, sp2);
  if (!validTargetForm(method, target)) return bad('invalid request-target');
  return { kind: 'ok', head: new ParsedRequestHead(method, target, minor, wire), size: raw.length };
}

export function parseResponseHead(buf: Buffer, limit = maxHeadBytes): ParseResult<Wired<ResponseHead>> {
  const wire = readHead(buf, limit);
  if (!('raw' in wire)) return wire;
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
  return { kind: 'ok', head: new ParsedResponseHead(minor === 0x31 ? 1 : 0, status, wire), size: raw.length };
}

const bufferToString = Buffer.prototype.toString;

/**
 * Bytes [from, to) as a latin1 string. Called through the prototype's function: `raw.toString` looked the
 * method up on every call (a generic property load in the optimised code, as costly as the copy itself).
 */
function latin1(raw: Buffer, from: number, to: number): string {
  return bufferToString.call(raw, 'latin1', from, to);
}

/** 1 for "HTTP/1.1", 0 for "HTTP/1.0" spanning exactly [from, to), else undefined. */
function versionMinor(raw: Buffer, from: number, to: number): 0 | 1 | undefined {
  if (to - from !== 8) return undefined;
  for (let i = 0; i < statusPrefix.length; i++) if (raw[from + i] !== statusPrefix[i]) return undefined;
  const m = raw[from + 7];
  return m === 0x31 ? 1 : m === 0x30 ? 0 : undefined;
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


/** The head at the start of `buf` (a view of its bytes, up to and including CRLFCRLF), or why there is none yet. */
function readHead(buf: Buffer, limit: number): WireHead | Exclude<ParseResult<never>, { kind: 'ok' }> {
  let end = Math.min(buf.length, limit);
  if (buf.length > scanInline) {
    // Servers SHOULD ignore empty lines before a request-line (RFC 9112 §2.2); we don't, keeping one meaning.
    const at = buf.indexOf(END);
    if (at < 0 || at + 4 > limit) {
      if (buf.length >= limit) return tooLarge;
      // A bare-LF sender never produces CRLFCRLF: reject now instead of waiting for the limit.
      return hasBareLf(buf) ? bad(bareLf) : INCOMPLETE;
    }
    end = at + 4;
  }
  const wire = scanHead(buf, end);
  if (typeof wire === 'string') return bad(wire);
  if (wire !== undefined) return wire;
  return end === limit ? tooLarge : INCOMPLETE;
}

function hasBareLf(buf: Buffer): boolean {
  for (let i = buf.indexOf(10); i >= 0; i = buf.indexOf(10, i + 1)) if (i === 0 || buf[i - 1] !== 13) return true;
  return false;
}

// scanHead collects a head's field offsets here, then copies them out at their exact size: a fresh array grown by
// push() starts at 16 elements and regrows past them, which made the offsets and the hop fields the largest part of
// a proxied request's garbage (and each scavenge the proxy needs sooner is a pause in some request's latency).
// scanHead never re-enters, so one array serves every head. The hop fields, one to three on most messages, are held
// in locals and become an array of their own size.
const scratchSize = 96;
let lineScratch: number[] = new Array<number>(scratchSize).fill(0);
const NO_LINES: readonly number[] = Object.freeze([]);
const NO_HOP: readonly Header[] = Object.freeze([]);

/**
 * One pass over the bytes of `buf` before `end`, up to the empty line that ends a head: where the start line ends
 * and where each field line is, every field byte validated, no strings made but for the fields in `hopNames`.
 * Undefined when no head ends before `end`; an error is reported where it is first met, complete head or not.
 * Short heads are most requests, and a JavaScript loop over them costs less than a native call per line.
 */
function scanHead(buf: Buffer, end: number): WireHead | string | undefined {
  let startLineEnd = 0;
  for (let b = buf[0]; b !== 13; b = buf[++startLineEnd]) {
    if (startLineEnd >= end) return undefined;
    if (b === 10) return bareLf;
  }
  if (startLineEnd + 1 >= end) return undefined;
  if (buf[startLineEnd + 1] !== 10) return bareCr;
  // A head with many fields grew the scratch array: it is not kept at that size.
  if (lineScratch.length > scratchSize) lineScratch = new Array<number>(scratchSize).fill(0);
  const lines = lineScratch;
  let nLines = 0;
  let h0: Header | undefined, h1: Header | undefined, more: Header[] | undefined;
  for (let at = startLineEnd + 2; ; ) {
    if (at >= end) return undefined;
    const first = buf[at] as number;
    if (first === 13) {
      if (at + 1 >= end) return undefined;
      if (buf[at + 1] !== 10) return bareCr;
      return {
        // A read that is exactly one head (most requests without a body) is its own raw bytes.
        raw: at + 2 === buf.length ? buf : buf.subarray(0, at + 2),
        startLineEnd,
        lines: nLines === 0 ? NO_LINES : lines.slice(0, nLines),
        hop: more ?? (h1 !== undefined ? [h0 as Header, h1] : h0 !== undefined ? [h0] : NO_HOP),
      };
    }
    if (first === 0x20 || first === 0x09) return 'obsolete line folding';
    let colon = at;
    for (let b = first; b !== 0x3a; b = buf[++colon] as number) {
      if (colon >= end) return undefined;
      if (byteClass[b] === 3) continue;
      if (b === 10) return bareLf;
      if (b === 13 && colon + 1 >= end) return undefined;
      if (b === 13 && buf[colon + 1] !== 10) return bareCr;
      return colon === at ? 'header field without a name' : 'invalid header field name';
    }
    if (colon === at) return 'header field without a name';
    let lineEnd = colon + 1;
    while (lineEnd < end && byteClass[buf[lineEnd] as number] !== 0) lineEnd++;
    if (lineEnd >= end) return undefined;
    const stop = buf[lineEnd];
    if (stop === 10) return bareLf;
    if (stop !== 13) return 'invalid header field value';
    if (lineEnd + 1 >= end) return undefined;
    if (buf[lineEnd + 1] !== 10) return bareCr;
    lines[nLines] = at;
    lines[nLines + 1] = colon;
    lines[nLines + 2] = lineEnd;
    nLines += 3;
    const candidates = hopByLength[colon - at];
    if (candidates !== undefined)
      for (const h of candidates)
        if (nameEquals(buf, at, colon, h.lower)) {
          const field = decodeField(buf, at, colon, lineEnd, h);
          if (h0 === undefined) h0 = field;
          else if (h1 === undefined) h1 = field;
          else (more ??= [h0, h1]).push(field);
        }
    at = lineEnd + 2;
  }
}

/** The string in `strings` that bytes [from, to) spell exactly, if any. */
function known(raw: Buffer, from: number, to: number, strings: readonly string[]): string | undefined {
  for (const s of strings) if (spells(raw, from, to, s)) return s;
  return undefined;
}

/** Whether bytes [from, to) spell `s` exactly. */
function spells(raw: Buffer, from: number, to: number, s: string): boolean {
  if (s.length !== to - from) return false;
  for (let i = 0; i < s.length; i++) if (raw[from + i] !== s.charCodeAt(i)) return false;
  return true;
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
    if (nameEquals(raw, from, colon, lower)) out.push(decodeField(raw, from, colon, lines[i + 2] as number));
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

/** `hop`: the field is that one of `hopNames`, whose usual spellings and values are reused. */
function decodeField(raw: Buffer, from: number, colon: number, lineEnd: number, hop?: HopName): Header {
  const name = (hop && known(raw, from, colon, hop.spellings)) ?? latin1(raw, from, colon);
  let v = colon + 1;
  let e = lineEnd;
  while (v < e && (raw[v] === 0x20 || raw[v] === 0x09)) v++;
  while (e > v && (raw[e - 1] === 0x20 || raw[e - 1] === 0x09)) e--;
  const value = hop === undefined ? latin1(raw, v, e) : (known(raw, v, e, hop.values) ?? hop.last.of(raw, v, e));
  return { name, lower: hop?.lower ?? name.toLowerCase(), value };
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
