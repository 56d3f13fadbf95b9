// The two HTTP/2 engines and what the proxy's HTTP/2 stages need of their streams and sessions. `node` is
// node:http2 (nghttp2 underneath, a Node Duplex per stream); `wire` owns the framing (wire/session.ts) and costs a
// fraction of the CPU per stream. Both satisfy these shapes, so forward.ts, orig-proto.ts, replay-body.ts and
// response.ts run unchanged on either.
import type { OutgoingHttpHeaders } from 'node:http2';
import type { EventEmitter } from 'node:events';
import type net from 'node:net';

export type H2Engine = 'node' | 'wire';

/** Any event listener, as EventEmitter types it: each event's arguments are the engine's to say. */
type Listener = Parameters<EventEmitter['on']>[1];

/** What both directions' streams offer. */
export interface H2Stream {
  readonly closed: boolean;
  readonly destroyed: boolean;
  /** The RST_STREAM code the stream closed with; 0 when both sides ended cleanly. */
  readonly rstCode: number | undefined;
  readonly writableFinished: boolean;
  write(chunk: Buffer | string): boolean;
  end(chunk?: Buffer | string): unknown;
  close(code?: number): void;
  sendTrailers(headers: OutgoingHttpHeaders): void;
  pause(): unknown;
  resume(): unknown;
  on(event: string, listener: Listener): unknown;
  once(event: string, listener: Listener): unknown;
  off(event: string, listener: Listener): unknown;
  /** A stream that hands its body on itself (a wire stream: no listener or closure per stream); else relay() does. */
  relayTo?(sink: H2Stream): void;
}

/** A request stream the proxy serves. */
export interface ServerStream extends H2Stream {
  readonly headersSent: boolean;
  readonly session: { readonly socket: net.Socket } | undefined;
  respond(headers?: OutgoingHttpHeaders, options?: { endStream?: boolean; waitForTrailers?: boolean }): void;
  additionalHeaders(headers: OutgoingHttpHeaders): void;
}

/**
 * Streams `from`'s body into `to` with backpressure, then ends it (Readable.pipe's part the proxy needs; a wire
 * stream is not a Node readable).
 */
export function relay(from: H2Stream, to: H2Stream): void {
  if (from.relayTo) return from.relayTo(to);
  from.on('data', (chunk: Buffer) => {
    if (to.write(chunk)) return;
    from.pause();
    to.once('drain', () => from.resume());
  });
  from.once('end', () => to.end());
}

/** A request stream the proxy opened to an upstream. */
export type ClientStream = H2Stream;

export interface RequestOptions {
  readonly endStream?: boolean;
  readonly waitForTrailers?: boolean;
}

/** An HTTP/2 connection the proxy opened to an upstream. */
export interface ClientSession {
  readonly closed: boolean;
  readonly destroyed: boolean;
  readonly remoteSettings: { readonly maxConcurrentStreams?: number | undefined };
  request(headers: OutgoingHttpHeaders, options: RequestOptions): ClientStream;
  close(): void;
  destroy(): void;
  setTimeout(ms: number, onTimeout: () => void): void;
  on(event: 'error', listener: (err: Error) => void): unknown;
  once(event: 'goaway' | 'close', listener: () => void): unknown;
}
