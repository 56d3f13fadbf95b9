// Protocol detection, the pure part: the bytes of a connection's first read → which stack serves it. Like
// Linkerd's HTTP detection it biases to availability: one read decides, and a read that cannot be HTTP (or is cut
// before anything HTTP-shaped) is opaque TCP, which always works.

/** `tls` is application TLS (a ClientHello we do not terminate): forwarded as opaque bytes, labelled apart. */
export type Protocol = 'http1' | 'http2' | 'tls' | 'opaque';

/** RFC 9113 §3.4: the client connection preface of prior-knowledge HTTP/2 (h2c). */
export const h2Preface = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
/** "PRI " is never a valid HTTP/1 method use, so a read cut inside the preface is already decisive. */
const h2Decisive = 4;
/** Longest method token we look at before the first SP; real methods are short. */
const maxMethod = 24;
/**
 * With one of these methods the connection is HTTP even when the rest of the line is malformed: the strict
 * HTTP/1 parser then answers 400, rather than the bytes reaching the app as opaque TCP.
 */
const knownMethods = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH']);
const SP = 0x20;
const CR = 0x0d;
const LF = 0x0a;
const version = 'HTTP/1.';

/**
 * Classifies the first bytes a client sent. Partial reads are judged on what they prove so far: a prefix of the
 * HTTP/2 preface from "PRI " on is HTTP/2; a line starting with a standard method and SP is HTTP/1, and so is an
 * extension method once the whole `method SP target SP HTTP/1.x` is there (then CRLF, or a bare LF the parser
 * will reject); the first bytes of a TLS handshake record are TLS; anything else is opaque.
 */
export function classify(buf: Uint8Array): Protocol {
  const n = buf.length;
  if (n === 0) return 'opaque';
  if (isPrefixOfPreface(buf)) return n >= h2Decisive ? 'http2' : 'opaque';
  if (buf[0] === 0x16) return isTlsRecord(buf) ? 'tls' : 'opaque';
  return isHttp1RequestLine(buf) ? 'http1' : 'opaque';
}

function isPrefixOfPreface(buf: Uint8Array): boolean {
  const n = Math.min(buf.length, h2Preface.length);
  for (let i = 0; i < n; i++) if (buf[i] !== h2Preface[i]) return false;
  return true;
}

/** A TLS record header: ContentType handshake (22), then legacy_record_version 0x03 0x00..0x04 (SSL 3.0 – TLS 1.3). */
function isTlsRecord(buf: Uint8Array): boolean {
  if (buf.length >= 2 && buf[1] !== 0x03) return false;
  if (buf.length >= 3 && (buf[2] as number) > 0x04) return false;
  return true;
}

// RFC 9110 tchar, as a 128-entry table.
const tchar = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") tchar[c.charCodeAt(0)] = 1;

/** `method SP request-target SP HTTP/1.x CRLF`, complete or cut anywhere after the first SP. */
function isHttp1RequestLine(buf: Uint8Array): boolean {
  const n = buf.length;
  let i = 0;
  while (i < n && i <= maxMethod && (buf[i] as number) < 128 && tchar[buf[i] as number] === 1) i++;
  if (i === 0 || i >= n || buf[i] !== SP) return false;
  if (knownMethods.has(Buffer.from(buf.buffer, buf.byteOffset, i).toString('latin1'))) return true;
  i++;
  const targetStart = i;
  // An extension method: only a complete request line (up to the version) makes it HTTP.
  while (i < n && (buf[i] as number) > SP && (buf[i] as number) < 0x7f) i++;
  if (i === n || i === targetStart || buf[i] !== SP) return false;
  i++;
  for (let k = 0; k < version.length; k++, i++) if (i === n || buf[i] !== version.charCodeAt(k)) return false;
  if (i === n || (buf[i] !== 0x30 && buf[i] !== 0x31)) return false;
  i++;
  if (i === n) return true;
  if (buf[i] === LF) return true;
  if (buf[i] !== CR) return false;
  i++;
  return i === n || buf[i] === LF;
}
