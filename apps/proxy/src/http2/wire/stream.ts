// One HTTP/2 stream of a WireSession, with the part of node:http2's Http2Stream surface the proxy's HTTP/2 stages
// use (events, respond/sendTrailers/close, write/end/pause/resume, rstCode), so they run unchanged on either
// engine. It is not a Node stream: data is handed on as it arrives (or kept while paused), and what is written
// waits in the stream until flow control lets the session frame it.
import { EventEmitter } from 'node:events';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http2';
import type net from 'node:net';
import { bareObject } from '../../bare-object.js';
import { ErrorCode } from './frame.js';

/** What a stream needs from its session. */
export interface StreamOwner {
  readonly socket: net.Socket;
  /** Writes a header block (HEADERS + CONTINUATION) now: blocks must leave in the order they are encoded. */
  sendHeaders(stream: WireStream, headers: OutgoingHttpHeaders, endStream: boolean): void;
  /** The stream has data (or its end) to frame: pumped at the session's next flush. */
  wantsPump(stream: WireStream): void;
  /** RST_STREAM for a stream reset by this side. */
  sendReset(stream: WireStream, code: number): void;
  /** Bytes the stream's reader consumed: the session returns them to the peer's window for this stream. */
  consumed(stream: WireStream, bytes: number): void;
  /** The bytes the stream may send now: its window, the connection's and the peer's frame size. */
  room(stream: WireStream): number;
  /** Writes one DATA frame (`data` undefined: an empty one, to end the stream). */
  frameData(stream: WireStream, data: Buffer | undefined, endStream: boolean): void;
  /** Writes the trailer block, which ends the stream. */
  frameTrailers(stream: WireStream, headers: OutgoingHttpHeaders): void;
  /** The stream is closed: the session forgets it. */
  forget(stream: WireStream): void;
  /** The socket is over its high-water mark. */
  readonly blocked: boolean;
}

const HIGH_WATER = 64 * 1024;

/** Stream error, as node:http2 reports a peer's RST_STREAM with an error code. */
function streamError(code: number): NodeJS.ErrnoException {
  return Object.assign(new Error(`Stream closed with error code ${code}`), { code: 'ERR_HTTP2_STREAM_ERROR' });
}

type Inbound = Buffer | { readonly trailers: IncomingHttpHeaders };

/** Where relayTo sends the body: the other side's stream. */
export interface Sink {
  write(chunk: Buffer): boolean;
  end(): unknown;
  once(event: 'drain', listener: () => void): unknown;
}

export class WireStream extends EventEmitter {
  headersSent = false;
  closed = false;
  destroyed = false;
  /** Set when the stream closes: 0 when both sides ended cleanly. */
  rstCode: number | undefined = undefined;
  writableFinished = false;
  /** Flow control: what the peer lets us send on this stream. */
  sendWindow: number;
  /** Flow control: what we let the peer send on this stream. */
  recvWindow: number;
  /** Bytes the reader consumed that were not yet given back to the peer. */
  unacked = 0;
  /** A declared request/response content-length, checked against the DATA received (RFC 9113 §8.1.1). */
  expectedLength = -1;
  receivedLength = 0;
  /** Client side: a final (non-1xx) response head arrived. */
  responded = false;
  /** Client side: the request is HEAD, so the response's content-length is not that of its DATA. */
  headRequest = false;
  /** In the session's list of streams to pump at its next flush. */
  pumpQueued = false;

  #remoteEnded = false;
  #localEnded = false;
  #ending = false;
  #waitForTrailers = false;
  #trailersAsked = false;
  #trailers: OutgoingHttpHeaders | undefined;
  readonly #outbox: Buffer[] = [];
  #outBytes = 0;
  #needDrain = false;
  readonly #inbox: Inbound[] = [];
  #flowing = false;
  #sink: Sink | undefined;
  #paused = false;
  #endEmitted = false;

  constructor(
    readonly id: number,
    readonly session: StreamOwner,
    sendWindow: number,
    recvWindow: number,
  ) {
    super();
    // EventEmitter keeps listeners in a dictionary (Object.create(null)); a fast object takes ~200 bytes less per
    // stream with its usual five listeners, and adds them ~25 % sooner. Node reads and writes `_events` as a plain
    // object keyed by event name, and goes back to a dictionary of its own when the last listener is removed.
    (this as unknown as { _events: object })._events = bareObject();
    this.sendWindow = sendWindow;
    this.recvWindow = recvWindow;
  }

  // === events: a 'data' listener starts the flow, as on a Node readable ===

  override on(event: string | symbol, listener: Parameters<EventEmitter['on']>[1]): this {
    super.on(event, listener);
    if (event === 'data') this.#flow();
    return this;
  }

  /**
   * Hands the body to `sink` as it arrives, with backpressure, and ends it after the last byte: engine.ts's relay()
   * without a listener or closure per stream (data listeners still get every chunk too).
   */
  relayTo(sink: Sink): void {
    this.#sink = sink;
    this.#flow();
  }

  #flow(): void {
    if (this.#flowing) return;
    this.#flowing = true;
    // Only what is already here needs a later delivery; anything after it is handed on as it arrives.
    if (!this.#paused && (this.#inbox.length > 0 || this.#remoteEnded)) queueMicrotask(() => this.#deliver());
  }

  #hand(data: Buffer): void {
    const sink = this.#sink;
    if (sink && !sink.write(data)) {
      this.#paused = true;
      sink.once('drain', () => this.resume());
    }
    this.emit('data', data);
    this.session.consumed(this, data.length);
  }

  // === sending ===

  /** Server side: the response head. */
  respond(headers: OutgoingHttpHeaders = {}, options: { endStream?: boolean; waitForTrailers?: boolean } = {}): void {
    if (this.closed || this.headersSent) return;
    this.headersSent = true;
    this.#waitForTrailers = options.waitForTrailers === true;
    if (options.endStream === true) {
      this.#ending = true;
      this.session.sendHeaders(this, headers, true);
      this.#sentEnd();
    } else this.session.sendHeaders(this, headers, false);
  }

  /** Opened by a client request: whether trailers are asked for when the body ends. */
  setWaitForTrailers(wait: boolean): void {
    this.#waitForTrailers = wait;
  }

  /** A client request opened with END_STREAM: nothing is sent after its HEADERS. */
  markLocalEnded(): void {
    this.#ending = true;
    this.#sentEnd();
  }

  /** Server side: an informational (1xx) head before the response. */
  additionalHeaders(headers: OutgoingHttpHeaders): void {
    if (this.closed || this.headersSent) return;
    this.session.sendHeaders(this, headers, false);
  }

  /** Trailers, asked for by 'wantTrailers'; an empty object ends the stream without a trailer block. */
  sendTrailers(headers: OutgoingHttpHeaders): void {
    this.#trailers = headers;
  }

  write(chunk: Buffer | string, encoding?: BufferEncoding | (() => void)): boolean {
    if (this.closed || this.#ending) return true;
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, typeof encoding === 'string' ? encoding : 'utf8') : chunk;
    if (buf.length > 0) {
      this.#outbox.push(buf);
      this.#outBytes += buf.length;
      this.session.wantsPump(this);
    }
    const ok = this.#outBytes < HIGH_WATER && !this.session.blocked;
    if (!ok) this.#needDrain = true;
    return ok;
  }

  end(chunk?: Buffer | string): this {
    if (this.closed || this.#ending) return this;
    if (chunk !== undefined) this.write(chunk);
    this.#ending = true;
    this.session.wantsPump(this);
    return this;
  }

  /** Frames what flow control allows. Called by the session at its flush. */
  pump(): void {
    const session = this.session;
    if (this.closed || this.#localEnded) return;
    while (this.#outbox.length > 0) {
      const n = session.room(this);
      if (n <= 0) break;
      const head = this.#outbox[0] as Buffer;
      const piece = head.length <= n ? head : head.subarray(0, n);
      if (piece === head) this.#outbox.shift();
      else this.#outbox[0] = head.subarray(n);
      this.#outBytes -= piece.length;
      const last = this.#outbox.length === 0 && this.#ending;
      const end = last && this.#endsWithoutTrailers();
      session.frameData(this, piece, end);
      if (end) return this.#sentEnd();
    }
    if (this.#outbox.length === 0 && this.#ending) {
      if (!this.#endsWithoutTrailers()) session.frameTrailers(this, this.#trailers as OutgoingHttpHeaders);
      else session.frameData(this, undefined, true);
      this.#sentEnd();
      return;
    }
    if (this.#needDrain && this.#outBytes < HIGH_WATER && !this.session.blocked) {
      this.#needDrain = false;
      this.emit('drain');
    }
  }

  /** The socket drained: a writer told to wait may go on (unless flow control still holds its bytes). */
  socketDrained(): void {
    if (this.#needDrain && this.#outBytes < HIGH_WATER) {
      this.#needDrain = false;
      this.emit('drain');
    }
  }

  get hasOutput(): boolean {
    return (this.#outbox.length > 0 || this.#ending) && !this.#localEnded;
  }

  /** Asks for trailers once the body is out; true when the stream ends on its last DATA frame. */
  #endsWithoutTrailers(): boolean {
    if (!this.#waitForTrailers) return true;
    if (!this.#trailersAsked) {
      this.#trailersAsked = true;
      this.emit('wantTrailers');
    }
    return this.#trailers === undefined || isEmpty(this.#trailers);
  }

  #sentEnd(): void {
    this.#localEnded = true;
    this.writableFinished = true;
    process.nextTick(emitFinish, this);
    if (this.#remoteEnded) this.#closeCleanly();
  }

  /** Resets the stream (RST_STREAM `code`): node:http2's `close`. */
  close(code: number = ErrorCode.NO_ERROR): void {
    if (this.closed) return;
    this.session.sendReset(this, code);
    this.#shut(code);
  }

  // === receiving ===

  /** DATA for this stream (flow control was already checked by the session). */
  receive(data: Buffer): void {
    if (this.closed) return;
    if (data.length === 0) return;
    if (this.#flowing && !this.#paused && this.#inbox.length === 0) this.#hand(data);
    else this.#inbox.push(data);
  }

  receiveTrailers(trailers: IncomingHttpHeaders): void {
    if (this.#inbox.length === 0 && this.#flowing && !this.#paused) this.emit('trailers', trailers);
    else this.#inbox.push({ trailers });
  }

  /** END_STREAM from the peer. */
  remoteEnd(): void {
    this.#remoteEnded = true;
    this.#deliver();
    if (this.#localEnded) this.#closeCleanly();
  }

  get remoteEnded(): boolean {
    return this.#remoteEnded;
  }

  pause(): this {
    this.#paused = true;
    return this;
  }

  resume(): this {
    this.#paused = false;
    if (!this.#flowing) this.#flowing = true;
    queueMicrotask(() => this.#deliver());
    return this;
  }

  #deliver(): void {
    if (!this.#flowing) return;
    while (this.#inbox.length > 0 && !this.#paused) {
      const item = this.#inbox.shift() as Inbound;
      if (Buffer.isBuffer(item)) this.#hand(item);
      else this.emit('trailers', item.trailers);
    }
    if (this.#inbox.length === 0 && this.#remoteEnded && !this.#endEmitted && !this.#paused) {
      this.#endEmitted = true;
      this.emit('end');
      this.#sink?.end();
      if (this.closed) this.#emitClose();
    }
  }

  /** Both sides ended: closed with NO_ERROR once the reader has had everything (or there is no reader). */
  #closeCleanly(): void {
    if (this.closed) return;
    this.closed = true;
    this.rstCode = ErrorCode.NO_ERROR;
    this.session.forget(this);
    if (!this.#flowing) this.#inbox.length = 0;
    if (this.#endEmitted || !this.#flowing) this.#emitClose();
  }

  /** Closed by a reset (ours or the peer's) or by the session going away. */
  #shut(code: number, error?: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.rstCode = code;
    this.#outbox.length = 0;
    this.#inbox.length = 0;
    this.session.forget(this);
    // As node:http2: CANCEL is how clients abort, not an error.
    const err = error ?? (code !== ErrorCode.NO_ERROR && code !== ErrorCode.CANCEL ? streamError(code) : undefined);
    if (err && this.listenerCount('error') > 0) this.emit('error', err);
    this.#emitClose();
  }

  /** The peer sent RST_STREAM. */
  peerReset(code: number): void {
    // NO_ERROR after the peer's whole message (a server done before the request body, RFC 9113 §8.1) only stops
    // our sending: what arrived is still read to its end, so the stream closes as after a clean end.
    if (code === ErrorCode.NO_ERROR && this.#remoteEnded) {
      this.#outbox.length = 0;
      this.#closeCleanly();
      return;
    }
    this.#shut(code);
  }

  /** The session is gone (socket closed, connection error, GOAWAY past this stream). */
  abort(code: number, error: Error): void {
    this.#shut(code, error);
  }

  #emitClose(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    process.nextTick(emitClose, this);
  }
}

// Module-level, so that scheduling an event allocates no closure per stream.
function emitFinish(stream: WireStream): void {
  stream.emit('finish');
}

function emitClose(stream: WireStream): void {
  stream.emit('close');
}

/** No field: asked of every forwarded response's trailers (mostly `{}`), without the array Object.keys makes. */
function isEmpty(headers: OutgoingHttpHeaders): boolean {
  for (const _ in headers) return false;
  return true;
}
