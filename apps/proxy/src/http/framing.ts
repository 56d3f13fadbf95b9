// Message framing (RFC 9112 §6): how long a body is, decided from the head alone. Requests with ambiguous framing
// are rejected (the classic smuggling vectors); responses follow the request method and status.
import { hopFields, type Header, type RequestHead, type ResponseHead } from './parse-head.js';

export type Framing =
  | { readonly kind: 'none' }
  | { readonly kind: 'length'; readonly length: number }
  | { readonly kind: 'chunked' }
  /** Response body ends when the upstream closes the connection. */
  | { readonly kind: 'close' };

export type FramingResult = Framing | { readonly kind: 'error'; readonly reason: string };

const NONE: Framing = { kind: 'none' };
const CHUNKED: Framing = { kind: 'chunked' };
const CLOSE: Framing = { kind: 'close' };

export function requestFraming(head: RequestHead): FramingResult {
  const fields = hopFields(head);
  const te = codings(fields);
  const cl = contentLength(fields);
  if (te.length > 0) {
    if (cl !== undefined) return { kind: 'error', reason: 'both Transfer-Encoding and Content-Length' };
    if (head.minor === 0) return { kind: 'error', reason: 'Transfer-Encoding in an HTTP/1.0 request' };
    if (te[te.length - 1] !== 'chunked') return { kind: 'error', reason: 'final transfer coding is not chunked' };
    if (te.indexOf('chunked') !== te.length - 1) return { kind: 'error', reason: 'chunked applied more than once' };
    return CHUNKED;
  }
  if (cl === undefined) return NONE;
  if (typeof cl === 'string') return { kind: 'error', reason: cl };
  return cl === 0 ? NONE : { kind: 'length', length: cl };
}

export function responseFraming(method: string, head: ResponseHead): FramingResult {
  const s = head.status;
  if (method === 'HEAD' || (s >= 100 && s < 200) || s === 204 || s === 304) return NONE;
  const fields = hopFields(head);
  const te = codings(fields);
  if (te.length > 0) return te[te.length - 1] === 'chunked' ? CHUNKED : CLOSE;
  const cl = contentLength(fields);
  if (cl === undefined) return CLOSE;
  if (typeof cl === 'string') return { kind: 'error', reason: cl };
  return cl === 0 ? NONE : { kind: 'length', length: cl };
}

const noCodings: readonly string[] = [];

/**
 * The value of 1 to 15 decimal digits (safe as a number), else undefined: a Content-Length member, read in the pass
 * that checks it (no regex, and no Number(), which hashes the string to cache it as an array index).
 */
export function lengthOf(v: string): number | undefined {
  if (v.length === 0 || v.length > 15) return undefined;
  let n = 0;
  for (let i = 0; i < v.length; i++) {
    const d = v.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return undefined;
    n = n * 10 + d;
  }
  return n;
}

/** The transfer codings, in order (most messages have none: no list is built for them). */
function codings(fields: readonly Header[]): readonly string[] {
  return getHeader(fields, 'transfer-encoding') === undefined ? noCodings : listValues(fields, 'transfer-encoding');
}

/** The value of the first field named `lower`. */
export function getHeader(headers: readonly Header[], lower: string): string | undefined {
  for (const h of headers) if (h.lower === lower) return h.value;
  return undefined;
}

/** The Content-Length, undefined when absent, or a reason string when invalid or conflicting. */
function contentLength(headers: readonly Header[]): number | string | undefined {
  let value: number | undefined;
  for (const h of headers) {
    if (h.lower !== 'content-length') continue;
    // "Content-Length: 5, 5" is allowed when every member agrees (RFC 9110 §8.6); anything else is not.
    for (let from = 0; from <= h.value.length; ) {
      const to = end(h.value, from);
      const n = lengthOf(member(h.value, from, to));
      if (n === undefined) return 'invalid Content-Length';
      if (value !== undefined && value !== n) return 'conflicting Content-Length';
      value = n;
      from = to + 1;
    }
  }
  return value;
}

/** Comma-separated list header values across all fields of that name, lower-cased and trimmed. */
export function listValues(headers: readonly Header[], lower: string): string[] {
  const out: string[] = [];
  for (const h of headers) {
    if (h.lower !== lower) continue;
    for (let from = 0; from <= h.value.length; ) {
      const to = end(h.value, from);
      const v = member(h.value, from, to).toLowerCase();
      if (v) out.push(v);
      from = to + 1;
    }
  }
  return out;
}

/**
 * Whether a comma-separated member of the fields named `lower` is `token` (lower-case; compared ignoring ASCII case
 * and surrounding whitespace): listValues(headers, lower).includes(token) without building the list.
 */
export function listHas(headers: readonly Header[], lower: string, token: string): boolean {
  for (const h of headers) {
    if (h.lower !== lower) continue;
    const v = h.value;
    for (let from = 0; from <= v.length; ) {
      const to = end(v, from);
      let a = from;
      let b = to;
      while (a < b && isOws(v.charCodeAt(a))) a++;
      while (b > a && isOws(v.charCodeAt(b - 1))) b--;
      if (b - a === token.length && equalsIgnoringCase(v, a, token)) return true;
      from = to + 1;
    }
  }
  return false;
}

function isOws(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

/** Whether `s` at `from` spells `lower`, ASCII letters compared without case. */
function equalsIgnoringCase(s: string, from: number, lower: string): boolean {
  for (let i = 0; i < lower.length; i++) {
    const c = s.charCodeAt(from + i);
    if ((c >= 0x41 && c <= 0x5a ? c | 0x20 : c) !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/** Where the list member starting at `from` ends (its comma, or the end). */
function end(list: string, from: number): number {
  const comma = list.indexOf(',', from);
  return comma < 0 ? list.length : comma;
}

/** A list member, trimmed; for the common one-member value that is the value itself, no new string. */
function member(list: string, from: number, to: number): string {
  return (from === 0 && to === list.length ? list : list.slice(from, to)).trim();
}
