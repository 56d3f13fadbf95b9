// The opaque transport header on a socket (format and codec: packages/shared/src/transport-header.ts). Outbound
// writes it first on an mTLS connection to a meshed peer's inbound; inbound reads it, after TLS, to learn which
// local app port the connection is for.
import type net from 'node:net';
import { decodeTransportHeader, maxTransportHeaderBytes, transportPreface, type TransportHeader } from '@signalbox/shared';
import { gather } from '../detect/peek.js';

export type HeaderRead =
  | { readonly kind: 'header'; readonly header: TransportHeader; /** The client's first bytes, read along. */ readonly rest: Buffer }
  | { readonly kind: 'invalid'; readonly reason: string };

const maxBytes = transportPreface.length + 4 + maxTransportHeaderBytes;

/** Reads the header within `timeoutMs`; a missing, malformed, cut or late header is `invalid` (close the connection). */
export function readTransportHeader(socket: net.Socket, timeoutMs: number, done: (r: HeaderRead) => void): void {
  gather(socket, timeoutMs, Buffer.alloc(0), (b) => b.length > 0 && decodeTransportHeader(b).kind !== 'incomplete', maxBytes, (g) => {
    if (g.kind === 'closed') return done({ kind: 'invalid', reason: 'closed before the transport header' });
    if (g.kind === 'timeout') return done({ kind: 'invalid', reason: 'no transport header in time' });
    const d = decodeTransportHeader(g.bytes);
    if (d.kind === 'header') return done(d);
    done({ kind: 'invalid', reason: d.kind === 'invalid' ? d.reason : 'transport header too long' });
  });
}
