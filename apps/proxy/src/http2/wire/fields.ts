// Header fields between HPACK's flat lists and the header objects the proxy's HTTP/2 stages use (node:http2's
// shapes: lower-case names, `:status` a number, repeated fields joined with ", " — "; " for cookie — set-cookie
// an array), and the checks RFC 9113 §8.2–8.3 make a message malformed. Pure.
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http2';
import { isTchar } from '../../http/parse-head.js';
import { bareObject } from '../../bare-object.js';

/** What a header block is: the role decides which pseudo-header fields it must and may carry. */
export type BlockKind = 'request' | 'response' | 'trailers';

const requestPseudo: ReadonlySet<string> = new Set([':method', ':scheme', ':authority', ':path']);
const connectionSpecific: ReadonlySet<string> = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);

/** A tchar name without upper case (RFC 9113 §8.2.1: a field name with upper case is malformed). */
function validName(name: string): boolean {
  if (name.length === 0) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 0x100 || !isTchar(c) || (c >= 0x41 && c <= 0x5a)) return false;
  }
  return true;
}

/** RFC 9113 §8.2.1: NUL, CR and LF are never allowed in a value (they would smuggle lines into HTTP/1). */
function validValue(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0 || c === 0x0a || c === 0x0d) return false;
  }
  return true;
}

/** RFC 9113 §8.2.1: a received value must not start or end with a space or tab (ours never do: parsers trim). */
function edgeWhitespace(value: string): boolean {
  const first = value.charCodeAt(0);
  const last = value.charCodeAt(value.length - 1);
  return first === 0x20 || first === 0x09 || last === 0x20 || last === 0x09;
}

/**
 * A decoded block (`[name, value, …]`) as a header object, or a string saying why the message is malformed (a
 * stream error PROTOCOL_ERROR).
 */
export function toHeaderObject(fields: readonly string[], kind: BlockKind): IncomingHttpHeaders | string {
  const out = bareObject<Record<string, string | string[] | number>>();
  let regular = false;
  for (let i = 0; i < fields.length; i += 2) {
    const name = fields[i] as string;
    const value = fields[i + 1] as string;
    if (!validValue(value) || edgeWhitespace(value)) return `invalid value for ${name}`;
    if (name.charCodeAt(0) === 0x3a) {
      if (regular) return `pseudo-header ${name} after a regular field`;
      if (kind === 'trailers') return `pseudo-header ${name} in trailers`;
      if (kind === 'request' ? !requestPseudo.has(name) : name !== ':status') return `unexpected pseudo-header ${name}`;
      if (out[name] !== undefined) return `repeated ${name}`;
      if (name === ':status') {
        if (!/^[1-5]\d\d$/.test(value)) return `invalid :status ${value}`;
        out[name] = Number(value);
      } else out[name] = value;
      continue;
    }
    regular = true;
    if (!validName(name)) return `invalid field name ${JSON.stringify(name)}`;
    if (connectionSpecific.has(name)) return `connection-specific field ${name}`;
    if (name === 'te' && value.toLowerCase() !== 'trailers') return 'te other than "trailers"';
    const prev = out[name];
    if (prev === undefined) out[name] = name === 'set-cookie' ? [value] : value;
    else if (Array.isArray(prev)) prev.push(value);
    else out[name] = `${prev as string}${name === 'cookie' ? '; ' : ', '}${value}`;
  }
  if (kind === 'response' && out[':status'] === undefined) return 'missing :status';
  if (kind === 'request') {
    const method = out[':method'];
    if (method === undefined) return 'missing :method';
    if (method === 'CONNECT') {
      if (out[':authority'] === undefined || out[':scheme'] !== undefined || out[':path'] !== undefined) return 'malformed CONNECT';
    } else if (out[':scheme'] === undefined || !out[':path']) return 'missing :scheme or :path';
  }
  return out as IncomingHttpHeaders;
}

/**
 * A header object as a flat field list for the encoder: pseudo-header fields first (RFC 9113 §8.3), arrays as
 * repeated fields. Throws on a name or value no HTTP/2 message may carry: the proxy's own code made the object.
 */
export function toFieldList(headers: OutgoingHttpHeaders): string[] {
  const out: string[] = [];
  // Two passes over the keys (pseudo-header fields, then the rest) rather than two lists joined: no garbage.
  for (const key in headers) if (key.charCodeAt(0) === 0x3a) push(out, key, headers[key]);
  for (const key in headers) {
    if (key.charCodeAt(0) === 0x3a) continue;
    const name = lower(key);
    if (!validName(name) || connectionSpecific.has(name)) throw new TypeError(`invalid HTTP/2 field name ${name}`);
    push(out, name, headers[key]);
  }
  return out;
}

function push(out: string[], name: string, value: OutgoingHttpHeaders[string]): void {
  if (value === undefined) return;
  if (Array.isArray(value)) for (const v of value) out.push(name, checked(name, String(v)));
  else out.push(name, checked(name, typeof value === 'string' ? value : String(value)));
}

/** The proxy's own names are lower-case already: checked first, since toLowerCase makes a new string. */
function lower(name: string): string {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) return name.toLowerCase();
  }
  return name;
}

function checked(name: string, value: string): string {
  if (!validValue(value)) throw new TypeError(`invalid value for HTTP/2 field ${name}`);
  return value;
}
