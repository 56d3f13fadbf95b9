// Inbound TLS detection, the I/O part (Linkerd's inbound TLS detect): read until the first bytes are a whole
// ClientHello or clearly not one, within the detect timeout; the pure parse is client-hello.ts. The bytes read are
// handed on for replay: to the TLS server when the hello is ours, to HTTP/opaque detection otherwise.
import type net from 'node:net';
import { gather } from '../detect/peek.js';
import { parseClientHello } from './client-hello.js';

export type HelloDetected =
  /** A complete ClientHello; `sni` absent when the client sent no server_name. */
  | { readonly kind: 'tls'; readonly sni: string | undefined; readonly bytes: Buffer }
  /** Plaintext (or garbage): `bytes` go to protocol detection as its one read (empty after a timeout). */
  | { readonly kind: 'not-tls'; readonly bytes: Buffer; readonly timedOut: boolean }
  | { readonly kind: 'closed' };

/** Linkerd reads up to 8 KiB buffered when the first peek holds a partial hello; ours may carry more extensions. */
const maxHelloBytes = 16 * 1024;

export function detectClientHello(socket: net.Socket, timeoutMs: number, done: (d: HelloDetected) => void): void {
  gather(socket, timeoutMs, Buffer.alloc(0), (b) => b.length > 0 && parseClientHello(b).kind !== 'incomplete', maxHelloBytes, (g) => {
    if (g.kind === 'closed') return done(g);
    const hello = g.kind === 'data' ? parseClientHello(g.bytes) : ({ kind: 'incomplete' } as const);
    if (hello.kind === 'tls') return done({ kind: 'tls', sni: hello.sni, bytes: g.bytes });
    // Cut short (timeout, or over the size bound): not a hello we will terminate; detection sees the bytes.
    done({ kind: 'not-tls', bytes: g.bytes, timedOut: g.kind === 'timeout' && g.bytes.length === 0 });
  });
}
