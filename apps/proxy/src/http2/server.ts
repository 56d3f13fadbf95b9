// The HTTP/2 (h2c) server side of connections that detection classified as HTTP/2: node:http2 does the framing,
// HPACK and flow control; each stream is handed to the direction's handler. Per connection, streams the client
// resets are counted and a rapid-reset client is sent GOAWAY(ENHANCE_YOUR_CALM) and cut off.
import http2, { constants, type IncomingHttpHeaders, type ServerHttp2Session, type ServerHttp2Stream } from 'node:http2';
import type net from 'node:net';
import { maxHeadBytes } from '../http/parse-head.js';
import { defaultResetLimit, ResetBudget, type ResetLimit } from './rapid-reset.js';

/** One request stream, as the handler receives it. */
export interface H2Request {
  readonly stream: ServerHttp2Stream;
  readonly headers: IncomingHttpHeaders;
  /** The request HEADERS frame ended the stream: no body. */
  readonly endStream: boolean;
  /** When the request head arrived (performance.now(), ms). */
  readonly startedAt: number;
}

export type H2Handler = (req: H2Request) => void;

/** What graceful drain needs from a connection (see listener/drain.ts). */
export interface H2DrainRegistry {
  add(conn: { readonly socket: net.Socket; drain(): void }): void;
}

export interface H2ServerDeps {
  readonly handle: H2Handler;
  readonly drain?: H2DrainRegistry;
  readonly resetLimit?: ResetLimit;
  readonly now?: () => number;
  /** SETTINGS_MAX_CONCURRENT_STREAMS we advertise; bounds the work one connection can have in flight. */
  readonly maxConcurrentStreams?: number;
}

/** Linkerd's (hyper's) default is unlimited; a bound keeps one connection from holding unbounded upstream work. */
export const defaultMaxConcurrentStreams = 1000;

const resetByProxy = new WeakSet<http2.Http2Stream>();

/** Resets a stream on the proxy's own initiative (so it is not counted against the client's reset budget). */
export function resetStream(stream: http2.Http2Stream, code: number): void {
  if (stream.destroyed || stream.closed) return;
  resetByProxy.add(stream);
  stream.close(code);
}

/**
 * Returns the entry detection calls with an accepted socket whose peeked bytes were unshifted back: the socket
 * becomes one HTTP/2 session of a shared node:http2 server.
 */
export function createH2Server(deps: H2ServerDeps): (socket: net.Socket) => void {
  const limit = deps.resetLimit ?? defaultResetLimit;
  const server = http2.createServer({
    settings: {
      maxConcurrentStreams: deps.maxConcurrentStreams ?? defaultMaxConcurrentStreams,
      maxHeaderListSize: maxHeadBytes,
      enablePush: false,
    },
  });
  const budgets = new WeakMap<ServerHttp2Session, ResetBudget>();
  let accepting: net.Socket | undefined;

  server.on('session', (session: ServerHttp2Session) => {
    budgets.set(session, new ResetBudget(limit, deps.now));
    session.on('error', () => {}); // per connection: 'close' follows
    const socket = accepting;
    if (socket && deps.drain)
      deps.drain.add({
        socket,
        // GOAWAY now; streams in flight finish, then the session (and socket) close.
        drain: () => {
          if (!session.closed && !session.destroyed) session.close();
        },
      });
  });

  server.on('stream', (stream: ServerHttp2Stream, headers: IncomingHttpHeaders, flags: number) => {
    const session = stream.session as ServerHttp2Session;
    stream.on('error', () => {}); // reported through 'close' and the handler's own listeners
    stream.once('close', () => {
      if (stream.rstCode === constants.NGHTTP2_NO_ERROR || resetByProxy.has(stream)) return;
      if (session.destroyed || session.closed) return;
      if (budgets.get(session)?.record()) calm(session);
    });
    deps.handle({
      stream,
      headers,
      endStream: (flags & constants.NGHTTP2_FLAG_END_STREAM) !== 0,
      startedAt: performance.now(),
    });
  });

  return (socket: net.Socket) => {
    // 'session' is emitted synchronously from the connection listener; this is how it learns its raw socket.
    accepting = socket;
    try {
      server.emit('connection', socket);
    } finally {
      accepting = undefined;
    }
  };
}

/** GOAWAY(ENHANCE_YOUR_CALM) and close: open streams are torn down, which cancels their upstream streams. */
function calm(session: ServerHttp2Session): void {
  session.destroy(undefined, constants.NGHTTP2_ENHANCE_YOUR_CALM);
}
