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
const DIGITS = /^\d{1,15}$/;

export function requestFraming(head: RequestHead): FramingResult {
  const fields = hopFields(head);
  const te = listValues(fields, 'transfer-encoding');
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
  const te = listValues(fields, 'transfer-encoding');
  if (te.length > 0) return te[te.length - 1] === 'chunked' ? CHUNKED : CLOSE;
  const cl = contentLength(fields);
  if (cl === undefined) return CLOSE;
  if (typeof cl === 'string') return { kind: 'error', reason: cl };
  return cl === 0 ? NONE : { kind: 'length', length: cl };
}

/** The Content-Length, undefined when absent, or a reason string when invalid or conflicting. */
function contentLength(headers: readonly Header[]): number | string | undefined {
  let value: number | undefined;
  for (const h of headers) {
    if (h.lower !== 'content-length') continue;
    // "Content-Length: 5, 5" is allowed when every member agrees (RFC 9110 §8.6); anything else is not.
    for (let from = 0; from <= h.value.length; ) {
      const to = end(h.value, from);
      const v = member(h.value, from, to);
      if (!DIGITS.test(v)) return 'invalid Content-Length';
      const n = Number(v);
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

/** Where the list member starting at `from` ends (its comma, or the end). */
function end(list: string, from: number): number {
  const comma = list.indexOf(',', from);
  return comma < 0 ? list.length : comma;
}

/** A list member, trimmed; for the common one-member value that is the value itself, no new string. */
function member(list: string, from: number, to: number): string {
  return (from === 0 && to === list.length ? list : list.slice(from, to)).trim();
}
