// Streams one message body from a source socket to a sink socket, raw bytes unchanged, stopping exactly at the
// framing's end so the bytes after it (a pipelined request) stay with the connection. Never buffers a whole body:
// a full sink pauses the source until it drains.
import { ChunkedTracker } from './chunked.js';
import type { Framing } from './framing.js';

export interface Sink {
  write(chunk: Buffer): boolean;
  once(event: 'drain', cb: () => void): unknown;
}

/** Pauses and resumes the socket that feeds this body. */
export interface Flow {
  pause(): void;
  resume(): void;
}

/** Told when a piped body was written whole: an object the hot path already has, instead of a closure per body. */
export interface BodyEnd {
  onBodyEnd(body: BodyReader): void;
}

export class BodyReader {
  #remaining: number;
  readonly #tracker: ChunkedTracker | undefined;
  readonly #dechunk: boolean;
  #sink: Sink | undefined;
  /** Chunks read before `pipe` (made only when some are). */
  #queued: Buffer[] | undefined;
  #onEnd: BodyEnd | (() => void) | undefined;
  ended = false;
  error: string | undefined;
  /** Bytes of body forwarded or queued so far. */
  bytes = 0;
  /**
   * Bytes were fed beyond the end of the body (the next message, or a sender that sent too much): set before the end
   * is told, so whoever is told can see it.
   */
  excess = false;

  /** `dechunk`: forward only chunk data (for HTTP/1.0 clients, which do not speak chunked). */
  constructor(
    readonly framing: Framing,
    private readonly flow: Flow,
    dechunk = false,
  ) {
    this.#remaining = framing.kind === 'length' ? framing.length : 0;
    this.#tracker = framing.kind === 'chunked' ? new ChunkedTracker() : undefined;
    this.#dechunk = dechunk && framing.kind === 'chunked';
    if (framing.kind === 'none') this.ended = true;
  }

  /**
   * Accepts bytes read from the source. Returns how many belong to this body (the rest is the next message),
   * or -1 when the framing is malformed.
   */
  feed(buf: Buffer): number {
    if (this.ended) {
      if (buf.length > 0) this.excess = true;
      return 0;
    }
    let used: number;
    switch (this.framing.kind) {
      case 'length':
        used = Math.min(this.#remaining, buf.length);
        this.#remaining -= used;
        if (this.#remaining === 0) this.ended = true;
        this.#deliver(used === buf.length ? buf : buf.subarray(0, used));
        break;
      case 'chunked': {
        const tracker = this.#tracker as ChunkedTracker;
        if (this.#dechunk) {
          used = tracker.feed(buf, 0, (from, to) => this.#deliver(buf.subarray(from, to)));
        } else {
          used = tracker.feed(buf, 0);
          if (used > 0) this.#deliver(used === buf.length ? buf : buf.subarray(0, used));
        }
        if (used < 0) {
          this.error = tracker.error;
          return -1;
        }
        if (tracker.done) this.ended = true;
        break;
      }
      case 'close':
        used = buf.length;
        this.#deliver(buf);
        break;
      default:
        return 0;
    }
    if (used < buf.length) this.excess = true;
    if (this.ended) this.#finish();
    return used;
  }

  /** For close-delimited bodies: the source reached EOF. */
  eof(): void {
    if (this.framing.kind !== 'close' || this.ended) return;
    this.ended = true;
    this.#finish();
  }

  /**
   * Starts forwarding to `sink`; `onEnd` runs (or is told) once the whole body was written to it. `first`: bytes
   * read along with the head, fed before the end is told, so a body that ended before it began (none) still marks
   * them as excess. Returns what `feed` returns for them (-1: malformed framing).
   */
  pipe(sink: Sink, onEnd: BodyEnd | (() => void), first?: Buffer): number {
    this.#sink = sink;
    this.#onEnd = onEnd;
    const queued = this.#queued;
    this.#queued = undefined;
    // Resume even when the body already ended: the queue may have paused the source, which the connection
    // needs flowing again for its next message.
    if (queued !== undefined) {
      let ok = true;
      for (const chunk of queued) ok = sink.write(chunk) && ok;
      if (ok) this.flow.resume();
      else sink.once('drain', () => this.flow.resume());
    }
    const used = first !== undefined && first.length > 0 ? this.feed(first) : 0;
    if (this.ended) this.#finish();
    return used;
  }

  #deliver(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.bytes += chunk.length;
    const sink = this.#sink;
    if (!sink) {
      // Nobody reads yet (e.g. waiting for discovery): keep this one read and stop the socket, bounding memory.
      (this.#queued ??= []).push(chunk);
      this.flow.pause();
      return;
    }
    if (!sink.write(chunk)) {
      this.flow.pause();
      sink.once('drain', () => this.flow.resume());
    }
  }

  #finish(): void {
    const cb = this.#onEnd;
    if (!cb || !this.#sink) return;
    this.#onEnd = undefined;
    if (typeof cb === 'function') cb();
    else cb.onBodyEnd(this);
  }
}
