// Pure parse of the first bytes of an inbound connection: is it a TLS ClientHello, and for which server name (SNI)?
// The inbound proxy terminates mTLS only when the SNI is its own identity (Linkerd's inbound TLS detection,
// linkerd/tls/src/server/client_hello.rs); anything else is not TLS, or TLS for someone else.

export type ClientHello =
  /** A complete ClientHello; `sni` absent when the client sent no server_name. */
  | { readonly kind: 'tls'; readonly sni: string | undefined }
  /** A TLS record has started but the ClientHello is not all here yet: read more (within the detect timeout). */
  | { readonly kind: 'incomplete' }
  /** Not a TLS handshake (plaintext HTTP, garbage, or a malformed hello): the caller treats it as not TLS. */
  | { readonly kind: 'not-tls' };

const RECORD_HANDSHAKE = 0x16;
const HANDSHAKE_CLIENT_HELLO = 0x01;
const EXT_SERVER_NAME = 0x0000;
const NAME_TYPE_HOST = 0x00;
/** RFC 8446 §5.1: a record's plaintext is at most 2^14 bytes. */
const MAX_RECORD = 16_384;
/** A hello bigger than this is not one we will wait for (hybrid post-quantum key shares stay well below). */
const MAX_HELLO = 64 * 1024;

const INCOMPLETE: ClientHello = { kind: 'incomplete' };
const NOT_TLS: ClientHello = { kind: 'not-tls' };

/** `bytes`: everything read from the connection so far. The hello may span several handshake records. */
export function parseClientHello(bytes: Uint8Array): ClientHello {
  // Reassemble the handshake message from consecutive handshake records.
  const fragments: Uint8Array[] = [];
  let have = 0;
  let need: number | undefined;
  let at = 0;
  for (;;) {
    if (bytes.length - at < 5) return at === 0 && !looksLikeRecordStart(bytes) ? NOT_TLS : INCOMPLETE;
    if (bytes[at] !== RECORD_HANDSHAKE || bytes[at + 1] !== 0x03 || (bytes[at + 2] as number) > 0x04) return NOT_TLS;
    const length = u16(bytes, at + 3);
    if (length === 0 || length > MAX_RECORD) return NOT_TLS;
    if (bytes.length - at - 5 < length) {
      // Not all of this record yet; a partial first fragment can still rule out a non-hello.
      if (need === undefined && bytes.length - at - 5 >= 1 && bytes[at + 5] !== HANDSHAKE_CLIENT_HELLO) return NOT_TLS;
      return INCOMPLETE;
    }
    const fragment = bytes.subarray(at + 5, at + 5 + length);
    fragments.push(fragment);
    have += fragment.length;
    at += 5 + length;
    if (need === undefined) {
      const head = concat(fragments, have);
      if (head[0] !== HANDSHAKE_CLIENT_HELLO) return NOT_TLS;
      if (head.length < 4) continue;
      need = 4 + ((head[1] as number) << 16) + u16(head, 2);
      if (need > MAX_HELLO) return NOT_TLS;
    }
    if (have >= need) return parseHello(concat(fragments, have).subarray(4, need));
  }
}

/** Fewer than 5 bytes: could they begin a TLS handshake record? */
function looksLikeRecordStart(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return true;
  if (bytes[0] !== RECORD_HANDSHAKE) return false;
  if (bytes.length >= 2 && bytes[1] !== 0x03) return false;
  if (bytes.length >= 3 && (bytes[2] as number) > 0x04) return false;
  return true;
}

/** The ClientHello body (after type and length): version, random, session id, suites, compression, extensions. */
function parseHello(body: Uint8Array): ClientHello {
  let p = 2 + 32; // legacy_version, random
  if (body.length < p + 1) return NOT_TLS;
  p += 1 + (body[p] as number); // session id
  if (body.length < p + 2) return NOT_TLS;
  p += 2 + u16(body, p); // cipher suites
  if (body.length < p + 1) return NOT_TLS;
  p += 1 + (body[p] as number); // compression methods
  if (p === body.length) return { kind: 'tls', sni: undefined }; // no extensions at all (TLS 1.0-style)
  if (body.length < p + 2) return NOT_TLS;
  const end = p + 2 + u16(body, p);
  if (end !== body.length) return NOT_TLS;
  p += 2;
  while (p < end) {
    if (end - p < 4) return NOT_TLS;
    const type = u16(body, p);
    const length = u16(body, p + 2);
    p += 4;
    if (end - p < length) return NOT_TLS;
    if (type === EXT_SERVER_NAME) return serverName(body.subarray(p, p + length));
    p += length;
  }
  return { kind: 'tls', sni: undefined };
}

/** RFC 6066 §3: a list of (type, name); we take the host_name, which must be a plain ASCII DNS name. */
function serverName(ext: Uint8Array): ClientHello {
  if (ext.length < 2 || u16(ext, 0) !== ext.length - 2) return NOT_TLS;
  let p = 2;
  while (p < ext.length) {
    if (ext.length - p < 3) return NOT_TLS;
    const type = ext[p] as number;
    const length = u16(ext, p + 1);
    p += 3;
    if (ext.length - p < length) return NOT_TLS;
    if (type === NAME_TYPE_HOST) {
      const name = Buffer.from(ext.subarray(p, p + length)).toString('latin1');
      if (!/^[A-Za-z0-9.-]{1,253}$/.test(name)) return NOT_TLS;
      return { kind: 'tls', sni: name.toLowerCase() };
    }
    p += length;
  }
  return { kind: 'tls', sni: undefined };
}

function u16(b: Uint8Array, at: number): number {
  return ((b[at] as number) << 8) | (b[at + 1] as number);
}

function concat(parts: readonly Uint8Array[], length: number): Uint8Array {
  return parts.length === 1 ? (parts[0] as Uint8Array) : Buffer.concat(parts, length);
}
