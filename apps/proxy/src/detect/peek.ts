// Protocol detection, the I/O part: exactly one read from a fresh connection, bounded by a timeout (Linkerd's
// detect timeout, 10 s). The bytes are handed on, not consumed: the next stage takes them as its first input or
// puts them back with `replay`. It runs once per connection, never per request.
import type net from 'node:net';
import { monotonicMs } from '../clock.js';

export type Peeked =
  | { readonly kind: 'data'; readonly bytes: Buffer }
  /** Nothing arrived in time: a server-speaks-first protocol, or an idle client. */
  | { readonly kind: 'timeout' }
  /** The client closed (or reset) before sending anything. */
  | { readonly kind: 'closed' };

/**
 * Waits for the first chunk `socket` delivers, or `timeoutMs`. The socket is left paused with no listeners of
 * ours, so the next stage starts from a clean socket and resumes it when ready.
 */
export function peek(socket: net.Socket, timeoutMs: number, done: (p: Peeked) => void): void {
  const finish = (p: Peeked) => {
    clearTimeout(timer);
    socket.off('data', onData);
    socket.off('end', onClosed);
    socket.off('close', onClosed);
    socket.off('error', noop);
    socket.pause();
    done(p);
  };
  const onData = (bytes: Buffer) => finish({ kind: 'data', bytes });
  const onClosed = () => finish({ kind: 'closed' });
  const timer = setTimeout(() => finish({ kind: 'timeout' }), timeoutMs);
  socket.on('data', onData);
  socket.once('end', onClosed);
  socket.once('close', onClosed);
  socket.on('error', noop); // 'close' follows
  socket.resume();
}

/** Puts bytes back in front of the socket's stream, for a consumer that reads the socket itself (node:http2). */
export function replay(socket: net.Socket, bytes: Buffer): void {
  if (bytes.length > 0) socket.unshift(bytes);
}

function noop(): void {}

export type Gathered =
  | { readonly kind: 'data'; readonly bytes: Buffer }
  /** The deadline passed first; `bytes`: what had arrived. */
  | { readonly kind: 'timeout'; readonly bytes: Buffer }
  | { readonly kind: 'closed' };

/**
 * Reads until `enough(bytes)` says the bytes so far decide (a whole ClientHello, a whole transport header), at most
 * `maxBytes`, within one deadline of `timeoutMs` for all reads together. `prior`: bytes already read. Like `peek`,
 * the socket is left paused with no listeners of ours.
 */
export function gather(
  socket: net.Socket,
  timeoutMs: number,
  prior: Buffer,
  enough: (bytes: Buffer) => boolean,
  maxBytes: number,
  done: (g: Gathered) => void,
): void {
  const deadline = monotonicMs() + timeoutMs;
  const step = (bytes: Buffer) => {
    if (bytes.length >= maxBytes || enough(bytes)) return done({ kind: 'data', bytes });
    const left = deadline - monotonicMs();
    if (left <= 0) return done({ kind: 'timeout', bytes });
    peek(socket, left, (p) => {
      if (p.kind === 'closed') return done(p);
      if (p.kind === 'timeout') return done({ kind: 'timeout', bytes });
      step(bytes.length === 0 ? p.bytes : Buffer.concat([bytes, p.bytes]));
    });
  };
  step(prior);
}
