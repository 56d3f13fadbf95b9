// The HTTP/1.1 server side of one accepted connection: parse a request head, hand the exchange to the handler,
// stream the request body through, then (keep-alive) parse the next request. Pipelined requests wait, in a
// bounded buffer, for the previous exchange to finish. Bad input gets a 400/431 and the connection is closed; a
// head that takes longer than the header timeout (slowloris) gets a 408; an idle keep-alive connection is closed.
// A handler may take the socket over (CONNECT tunnel, 101 upgrade) with `detach`. A handler answers through a
// promise or, on the common path, by calling `done` itself: no promise or closure per request.
import type net from 'node:net';
import { closesConnection, ProxyError } from '../errors.js';
import type { Sweepable, Sweeper } from '../listener/sweep.js';
import { readDirect } from '../tcp/direct-reads.js';
import { BodyReader, type Flow } from './body.js';
import { requestFraming } from './framing.js';
import { wantsClose } from './headers.js';
import { hostProblem } from './host.js';
import { hopFields, maxHeadBytes, parseRequestHead, type RequestHead, type WireHead, type Wired } from './parse-head.js';
import { formatPlainResponse } from './response.js';
import { monotonicMs } from '../clock.js';

export interface Exchange {
  readonly head: RequestHead;
  /** The request head as received (`head.wire`, always there for a parsed head), for forwarding it as it came. */
  readonly wire: WireHead;
  readonly body: BodyReader;
  readonly client: net.Socket;
  /** When the head was parsed (monotonicMs(), ms). */
  readonly startedAt: number;
  /** Decided when the response head is written: client asked to close, or the proxy is draining. */
  shouldClose(): boolean;
  /** Told if the client connection goes away before the exchange finished. */
  onClientGone: ClientGone | undefined;
  /**
   * Takes the socket over (CONNECT, 101): the connection stops parsing HTTP and removes its listeners. Returns the
   * bytes it had read beyond this request (the start of the tunnel's content). The socket is left paused.
   */
  detach(): Buffer;
  /** Ends the exchange; later calls are ignored. */
  done(result: ExchangeResult): void;
}

export interface ClientGone {
  onClientGone(): void;
}

export interface ExchangeResult {
  /** The response was close-delimited or otherwise left the connection unusable. */
  readonly close: boolean;
}

/**
 * Ends the exchange by calling `ex.done` (the common path: no promise per request), or by resolving the promise it
 * returns; a promise of undefined says `ex.done` was called. A rejection aborts the connection.
 */
export type Handler = (ex: Exchange) => Promise<ExchangeResult | undefined> | undefined;

export interface ServerOptions {
  readonly isDraining: () => boolean;
  /** Called when a request could not be parsed (for logs/metrics). */
  readonly onBadRequest?: (err: ProxyError) => void;
  readonly deadlines?: Deadlines;
}

export interface Deadlines {
  readonly sweeper: Sweeper;
  /** From the first byte of a request head to its end (slowloris): 408 and close after this. */
  readonly headerTimeoutMs: number;
  /** A keep-alive connection with no request in flight and nothing buffered is closed after this. */
  readonly idleTimeoutMs: number;
}

const EMPTY = Buffer.alloc(0);
/** Pipelined bytes held while an exchange is in flight, beyond which the socket is paused. */
const maxPipelined = maxHeadBytes;

export class ServerConnection implements Flow, Sweepable {
  #buf: Buffer = EMPTY;
  #exchange: Exchange | undefined;
  #clientEnded = false;
  #closed = false;
  #detached = false;
  #bodyPaused = false;
  /** Inside #next's loop: an exchange that ends synchronously lets the loop go on instead of recursing. */
  #parsing = false;
  /** The last response is still waiting in the socket's buffer: the next request waits for 'drain'. */
  #awaitingDrain = false;
  /** Sweeper time when the buffered head started / when the connection last became idle. */
  #headSince = 0;
  #idleSince = 0;
  readonly #onDataBound = (d: Buffer) => this.#onData(d);
  readonly #onEndBound = () => this.#onEnd();
  readonly #onCloseBound = () => this.#onClose();
  readonly #onDrainBound = () => this.#onDrain();

  /** `first`: bytes already read from the socket (protocol detection's read), parsed before anything else. */
  constructor(
    readonly socket: net.Socket,
    private readonly handler: Handler,
    private readonly options: ServerOptions,
    first?: Buffer,
  ) {
    socket.setNoDelay(true);
    readDirect(socket);
    socket.on('data', this.#onDataBound);
    socket.on('end', this.#onEndBound);
    socket.on('error', noop); // per-connection: 'close' follows and cleans up
    socket.on('close', this.#onCloseBound);
    const d = options.deadlines;
    if (d) {
      this.#idleSince = this.#headSince = d.sweeper.now;
      d.sweeper.add(this);
    }
    if (first && first.length > 0) this.#onData(first);
    if (!this.#bodyPaused && this.#buf.length <= maxPipelined) socket.resume();
  }

  get idle(): boolean {
    return this.#exchange === undefined;
  }

  /** Graceful drain: idle connections close now; busy ones after their response (`connection: close`). */
  drain(): void {
    if (this.idle && !this.#closed && !this.#detached) this.socket.end();
  }

  sweep(now: number): void {
    if (this.#exchange || this.#awaitingDrain || this.#closed || this.#detached) return;
    const d = this.options.deadlines as Deadlines;
    if (this.#buf.length > 0) {
      if (now - this.#headSince >= d.headerTimeoutMs)
        this.#reject(new ProxyError('header-timeout', `request head not received within ${d.headerTimeoutMs} ms`));
    } else if (now - this.#idleSince >= d.idleTimeoutMs) {
      this.#closed = true;
      this.socket.end();
    }
  }

  pause(): void {
    this.#bodyPaused = true;
    this.socket.pause();
  }

  resume(): void {
    this.#bodyPaused = false;
    if (this.#buf.length <= maxPipelined && !this.#awaitingDrain) this.socket.resume();
  }

  #onData(d: Buffer): void {
    if (this.#closed) return;
    const ex = this.#exchange;
    if (ex && !ex.body.ended) {
      const used = ex.body.feed(d);
      if (used < 0) return this.#abort();
      if (used === d.length) return;
      d = d.subarray(used);
    }
    if (this.#buf.length === 0) {
      this.#buf = d;
      if (!ex && this.options.deadlines) this.#headSince = this.options.deadlines.sweeper.now;
    } else this.#buf = Buffer.concat([this.#buf, d]);
    if (this.#exchange) {
      if (this.#buf.length > maxPipelined) this.socket.pause();
      return;
    }
    this.#next();
  }

  #next(): void {
    this.#parsing = true;
    while (!this.#exchange && this.#buf.length > 0 && !this.#closed) {
      const parsed = parseRequestHead(this.#buf);
      if (parsed.kind === 'incomplete') break;
      if (parsed.kind === 'error') {
        const code = parsed.status === 431 ? 'header-too-large' : 'bad-request';
        this.#reject(new ProxyError(code, parsed.reason));
        break;
      }
      const head = parsed.head;
      this.#buf = parsed.size === this.#buf.length ? EMPTY : this.#buf.subarray(parsed.size);
      const framing = requestFraming(head);
      if (framing.kind === 'error') {
        this.#reject(new ProxyError('bad-request', framing.reason));
        break;
      }
      const hostError = hostProblem(head);
      if (hostError !== undefined) {
        this.#reject(new ProxyError('bad-request', hostError));
        break;
      }
      if (head.method === 'CONNECT' && framing.kind !== 'none') {
        this.#reject(new ProxyError('bad-request', 'CONNECT with a request body'));
        break;
      }
      const body = new BodyReader(framing, this);
      if (!body.ended && this.#buf.length > 0) {
        const used = body.feed(this.#buf);
        if (used < 0) {
          this.#reject(new ProxyError('bad-request', body.error ?? 'bad body'));
          break;
        }
        this.#buf = this.#buf.subarray(used);
      }
      const ex = new ServerExchange(this, head, body, wantsClose(hopFields(head), head.minor));
      this.#exchange = ex;
      const answer = this.handler(ex);
      answer?.then(
        (result) => {
          if (result) ex.done(result);
        },
        () => this.#abort(),
      );
    }
    this.#parsing = false;
    if (this.#clientEnded && !this.#exchange && !this.#closed) this.socket.end();
  }

  /** Whether the exchange's response must close the connection (client asked, client half-closed, draining). */
  closeAfter(clientClose: boolean): boolean {
    return clientClose || this.#clientEnded || this.options.isDraining();
  }

  /** The exchange ended (its `done`): the next request may start. */
  finish(ex: Exchange, result: ExchangeResult): void {
    if (this.#exchange !== ex) return;
    this.#exchange = undefined;
    if (this.#detached) return;
    // A pipelined head already buffered starts its deadline now, not when its bytes arrived.
    if (this.options.deadlines) this.#idleSince = this.#headSince = this.options.deadlines.sweeper.now;
    if (result.close || ex.shouldClose() || !ex.body.ended || this.#closed) {
      this.#closed = true;
      this.socket.end();
      return;
    }
    // A client that does not read its responses gets no more of them (as Node's own HTTP server does): a response
    // that fits in one read ends its exchange at once, so a flood of pipelined requests would otherwise pile their
    // responses up in this socket's buffer without bound.
    if (this.socket.writableNeedDrain) {
      this.#awaitingDrain = true;
      this.socket.pause();
      this.socket.once('drain', this.#onDrainBound);
      return;
    }
    this.#continue();
  }

  #onDrain(): void {
    this.#awaitingDrain = false;
    if (this.#closed || this.#detached) return;
    if (this.options.deadlines) this.#idleSince = this.#headSince = this.options.deadlines.sweeper.now;
    this.#continue();
  }

  /** Reads and parses again after an exchange. */
  #continue(): void {
    if (!this.#bodyPaused) this.socket.resume();
    if (!this.#parsing) this.#next();
  }

  #reject(err: ProxyError): void {
    this.options.onBadRequest?.(err);
    this.#closed = true;
    this.#buf = EMPTY;
    this.socket.pause();
    const close = closesConnection(err.code);
    this.socket.end(formatPlainResponse({ status: err.status, body: `${err.message}\n`, error: err.code, close }));
  }

  /** The exchange's `detach`. */
  detach(): Buffer {
    this.#detached = true;
    this.options.deadlines?.sweeper.delete(this);
    const s = this.socket;
    s.off('data', this.#onDataBound);
    s.off('end', this.#onEndBound);
    s.off('close', this.#onCloseBound);
    s.pause();
    const rest = this.#buf;
    this.#buf = EMPTY;
    return rest;
  }

  #abort(): void {
    this.#closed = true;
    this.#buf = EMPTY;
    this.socket.destroy();
  }

  #onEnd(): void {
    // The client half-closed: answer what is in flight, then close (an HTTP/1.0-style client may do this).
    this.#clientEnded = true;
    const ex = this.#exchange;
    if (ex && !ex.body.ended) {
      if (ex.body.framing.kind !== 'close') return this.#abort();
    }
    if (!ex) this.#next();
  }

  #onClose(): void {
    this.#closed = true;
    this.options.deadlines?.sweeper.delete(this);
    const ex = this.#exchange;
    this.#exchange = undefined;
    ex?.onClientGone?.onClientGone();
  }
}

/** One request on a connection: its methods stand in for per-request closures. */
class ServerExchange implements Exchange {
  readonly wire: WireHead;
  readonly client: net.Socket;
  readonly startedAt = monotonicMs();
  onClientGone: ClientGone | undefined = undefined;

  constructor(
    private readonly conn: ServerConnection,
    readonly head: Wired<RequestHead>,
    readonly body: BodyReader,
    private readonly clientClose: boolean,
  ) {
    this.wire = head.wire;
    this.client = conn.socket;
  }

  shouldClose(): boolean {
    return this.conn.closeAfter(this.clientClose);
  }

  detach(): Buffer {
    return this.conn.detach();
  }

  done(result: ExchangeResult): void {
    this.conn.finish(this, result);
  }
}

function noop(): void {}
