// Opaque transport between meshed proxies (Linkerd's `transport.l5d.io/v1`, our own framing): opaque TCP to a meshed
// endpoint travels over mTLS to the peer's inbound listener, negotiated with ALPN `signalbox.transport/v1`, and
// starts with a header naming the app port it is for, so the inbound side knows where to forward after TLS.
//
//   "signalbox.transport/v1\r\n\r\n"  (24 bytes)   4-byte big-endian length   JSON {"port":N}  (≤ 1 KiB)
//
// Everything after the header is the client's bytes. Pure encode/decode; the proxies do the socket I/O.
import * as z from 'zod';

/** The ALPN protocol a client proxy offers when it will send a transport header. */
export const transportAlpn = 'signalbox.transport/v1';
export const transportPreface = Buffer.from('signalbox.transport/v1\r\n\r\n', 'latin1');
/** A header longer than this is refused without waiting for it. */
export const maxTransportHeaderBytes = 1024;

export const transportHeaderSchema = z.strictObject({
  /** The app port on the peer's side (discovery's `Endpoint.appPort`): the inbound proxy forwards there. */
  port: z.number().int().min(1).max(65535),
});
export type TransportHeader = z.infer<typeof transportHeaderSchema>;

export function encodeTransportHeader(header: TransportHeader): Buffer {
  const json = Buffer.from(JSON.stringify(transportHeaderSchema.parse(header)), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(json.length);
  return Buffer.concat([transportPreface, length, json]);
}

export type DecodedTransportHeader =
  | { readonly kind: 'header'; readonly header: TransportHeader; /** Bytes after the header: the client's. */ readonly rest: Buffer }
  | { readonly kind: 'incomplete' }
  | { readonly kind: 'invalid'; readonly reason: string };

/** `bytes`: everything read so far. `incomplete` means read more; `invalid` means close the connection. */
export function decodeTransportHeader(bytes: Buffer): DecodedTransportHeader {
  const p = Math.min(bytes.length, transportPreface.length);
  if (!bytes.subarray(0, p).equals(transportPreface.subarray(0, p))) return { kind: 'invalid', reason: 'no transport preface' };
  const start = transportPreface.length + 4;
  if (bytes.length < start) return { kind: 'incomplete' };
  const length = bytes.readUInt32BE(transportPreface.length);
  if (length === 0 || length > maxTransportHeaderBytes) return { kind: 'invalid', reason: `header length ${length}` };
  if (bytes.length < start + length) return { kind: 'incomplete' };
  let json: unknown;
  try {
    json = JSON.parse(bytes.subarray(start, start + length).toString('utf8'));
  } catch {
    return { kind: 'invalid', reason: 'header is not JSON' };
  }
  const parsed = transportHeaderSchema.safeParse(json);
  if (!parsed.success) return { kind: 'invalid', reason: 'header does not match the schema' };
  return { kind: 'header', header: parsed.data, rest: bytes.subarray(start + length) };
}
