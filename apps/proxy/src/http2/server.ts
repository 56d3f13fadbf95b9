// The HTTP/2 (h2c) server side of connections that detection classified as HTTP/2: the engine (wire/session.ts,
// or node:http2) does framing, HPACK and flow control; each stream is handed to the direction's handler. Per
// connection, streams the client resets are counted and a rapid-reset client is sent GOAWAY(ENHANCE_YOUR_CALM) and
// cut off.
import type { Http2Server, IncomingHttpHeaders, ServerHttp2Session, ServerHttp2Stream } from 'node:http2';
import type net from 'node:net';
import type { TLSSocket } from 'node:tls';
import { maxHeadBytes } from '../http/parse-head.js';
import { NGHTTP2_ENHANCE_YOUR_CALM, NGHTTP2_FLAG_END_STREAM, NGHTTP2_NO_ERROR, NGHTTP2_REFUSED_STREAM } from './codes.js';
import type { H2Engine, H2Stream, ServerStream } from './engine.js';
import { defaultResetLimit, ResetBudget, type ResetLimit } from './rapid-reset.js';
import { WireSession } from './wire/session.js';
import { letYoungGenerationGrowOnce } from '../young-generation.js';
import { monotonicMs } from '../clock.js';

/** One request stream, as the handler receives it. */
export interface H2Request {
  readonly stream: ServerStream;
  readonly headers: IncomingHttpHeaders;
  /** The request HEADERS frame ended the stream: no body. */
  readonly endStream: boolean;
  /** When the request head arrived (monotonicMs(), ms). */
  readonly startedAt: number;
}

/** `context`: what the entry was given with the connection (e.g. a fixed destination, the local app). */
export type H2Handler<C> = (req: H2Request, context: C) => void;

/** What graceful drain needs from a connection (see listener/drain.ts). */
export interface H2DrainRegistry {
  add(conn: { readonly socket: net.Socket; drain(): void }): void;
}

export interface H2ServerDeps<C> {
  readonly handle: H2Handler<C>;
  readonly drain?: H2DrainRegistry;
  readonly resetLimit?: ResetLimit;
  readonly now?: () => number;
  /**
   * A connection without streams and without traffic for this long is closed (ms). It is also what finally
   * closes a connection after a protocol-error GOAWAY: nghttp2 then stops reading and node reports nothing.
   */
  readonly idleTimeoutMs: number;
  /** SETTINGS_MAX_CONCURRENT_STREAMS we advertise; bounds the work one connection can have in flight. */
  readonly maxConcurrentStreams?: number;
  /** Which HTTP/2 implementation serves the connections (`--h2-engine`). */
  readonly engine: H2Engine;
}

/** Linkerd's (hyper's) default is unlimited; a bound keeps one connection from holding unbounded upstream work. */
export const defaultMaxConcurrentStreams = 1000;

const resetByProxy = new WeakSet<H2Stream>();

/** Resets a stream on the proxy's own initiative (so it is not counted against the client's reset budget). */
export function resetStream(stream: H2Stream, code: number): void {
  if (stream.destroyed || stream.closed) return;
  resetByProxy.add(stream);
  stream.close(code);
}

/**
 * Returns the entry detection calls with an accepted socket whose peeked bytes were unshifted back: the socket
 * becomes one HTTP/2 session of a shared node:http2 server, and every stream on it is handled with `context`.
 */
export function createH2Server<C = undefined>(deps: H2ServerDeps<C>): (socket: net.Socket, context: C) => void {
  const limit = deps.resetLimit ?? defaultResetLimit;
  const sessions = new WeakMap<ServerHttp2Session, ConnectionState<C>>();
  let accepting: { readonly socket: net.Socket; readonly context: C } | undefined;
  // Made on the first HTTP/2 connection: node:http2 (with node:tls and the nghttp2 binding) is loaded only then,
  // so a proxy whose traffic is all HTTP/1 never has it in memory.
  let server: Http2Server | undefined;

  const open = (): Http2Server => {
    letYoungGenerationGrowOnce();
    const server = process.getBuiltinModule('node:http2').createServer({
      settings: {
        maxConcurrentStreams: deps.maxConcurrentStreams ?? defaultMaxConcurrentStreams,
        maxHeaderListSize: maxHeadBytes,
        enablePush: false,
      },
    });
    server.on('session', onSession);
    server.on('stream', onStream);
    return server;
  };

  const onSession = (session: ServerHttp2Session) => {
    const conn = accepting;
    if (!conn) return void session.destroy(); // not ours: only the entry below makes sessions
    const state = { budget: new ResetBudget(limit, deps.now), context: conn.context, streams: 0 };
    sessions.set(session, state);
    session.setTimeout(deps.idleTimeoutMs, () => {
      if (state.streams === 0) session.destroy();
    });
    session.on('error', () => {}); // per connection: 'close' follows
    // After a GOAWAY node:http2 only half-closes; the listener allows half-open sockets, so close it for real.
    session.once('close', () => conn.socket.destroy());
    if (deps.drain)
      deps.drain.add({
        socket: conn.socket,
        // GOAWAY now; streams in flight finish, then the session (and socket) close.
        drain: () => {
          if (!session.closed && !session.destroyed) session.close();
        },
      });
  };

  const onStream = (stream: ServerHttp2Stream, headers: IncomingHttpHeaders, flags: number) => {
    const session = stream.session as ServerHttp2Session;
    const state = sessions.get(session);
    if (!state) return void stream.close(NGHTTP2_REFUSED_STREAM);
    serve(deps.handle, state, session, stream, headers, flags);
  };

  if (deps.engine === 'wire') return wireEntry(deps, limit);
  return (socket: net.Socket, context: C) => {
    // node:http2 assumes it did TLS itself and refuses a TLS socket without ALPN `h2` ('unknownProtocol'); over
    // mesh mTLS detection has already seen the h2 preface, which is what decides here. (`encrypted` rather than
    // instanceof TLSSocket, which would load node:tls for plaintext connections too.)
    const tls = socket as net.Socket & Partial<TLSSocket>;
    if (tls.encrypted === true && tls.alpnProtocol !== 'h2') tls.alpnProtocol = 'h2';
    // Accepted half-open capable (opaque TCP needs it), but HTTP/2 has no half-close: left so, node:http2 never
    // notices a client's FIN, and its streams' upstream calls would run on for nobody (as http2/client.ts says).
    socket.allowHalfOpen = false;
    // 'session' is emitted synchronously from the connection listener; this is how it learns its socket and context.
    accepting = { socket, context };
    try {
      (server ??= open()).emit('connection', socket);
    } finally {
      accepting = undefined;
    }
  };
}

interface ConnectionState<C> {
  readonly budget: ResetBudget;
  readonly context: C;
  streams: number;
}

/** Hands a stream to the handler, counting it and the resets the client makes on this connection. */
function serve<C>(
  handle: H2Handler<C>,
  state: ConnectionState<C>,
  session: { readonly closed: boolean; readonly destroyed: boolean; destroy(error: Error, code: number): void },
  stream: ServerStream,
  headers: IncomingHttpHeaders,
  flags: number,
): void {
  stream.on('error', () => {}); // reported through 'close' and the handler's own listeners
  state.streams++;
  stream.on('close', () => {
    state.streams--;
    if (stream.rstCode === NGHTTP2_NO_ERROR || resetByProxy.has(stream)) return;
    if (session.destroyed || session.closed) return;
    if (state.budget.record()) calm(session);
  });
  handle({ stream, headers, endStream: (flags & NGHTTP2_FLAG_END_STREAM) !== 0, startedAt: monotonicMs() }, state.context);
}

/** The entry for the wire engine: one WireSession per connection. */
function wireEntry<C>(deps: H2ServerDeps<C>, limit: ResetLimit): (socket: net.Socket, context: C) => void {
  const settings = { maxConcurrentStreams: deps.maxConcurrentStreams ?? defaultMaxConcurrentStreams, maxHeaderListSize: maxHeadBytes };
  return (socket: net.Socket, context: C) => {
    letYoungGenerationGrowOnce();
    socket.allowHalfOpen = false; // as for node:http2 below
    const state: ConnectionState<C> = { budget: new ResetBudget(limit, deps.now), context, streams: 0 };
    const session: WireSession = new WireSession(socket, 'server', {
      settings,
      onStream: (stream, headers, flags) => serve(deps.handle, state, session, stream, headers, flags),
    });
    session.on('error', () => {}); // per connection: 'close' follows
    session.setTimeout(deps.idleTimeoutMs, () => {
      if (state.streams === 0) session.destroy();
    });
    deps.drain?.add({ socket, drain: () => session.close() });
  };
}

/** GOAWAY(ENHANCE_YOUR_CALM) and close: open streams are torn down, which cancels their upstream streams. */
function calm(session: { destroy(error: Error, code: number): void }): void {
  // With an error: destroy(undefined, code) would send NO_ERROR (node defaults the error argument to 0, which wins).
  session.destroy(new Error('rapid reset: too many streams reset by the client'), NGHTTP2_ENHANCE_YOUR_CALM);
}
