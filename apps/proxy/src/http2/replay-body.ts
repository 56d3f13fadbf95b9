// A stream's request body on its way upstream, kept for a retry (Linkerd's ReplayBody): the first attempt gets
// the body as it arrives (piped, so flow control follows the upstream) while a copy is kept up to a limit; a later
// attempt is sent the copy. Only a body that ended (END_STREAM) within the limit can be sent again: a larger or
// unfinished one makes the request non-retryable instead of holding it back, so a bidirectional stream that
// waits for a response before ending never deadlocks.
import type { IncomingHttpHeaders } from 'node:http2';
import { relay, type ClientStream, type ServerStream } from './engine.js';
import { forwardableH2 } from './headers.js';
import type { H2Request } from './server.js';

export class ReplayBody {
  readonly #down: ServerStream;
  readonly #chunks: Buffer[] = [];
  #bytes = 0;
  #started = false;
  #ended: boolean;
  /** Part of the body was not kept (over the limit). */
  #lost = false;
  #trailers: IncomingHttpHeaders | undefined;

  /** `limit` 0: nothing is kept (a stream that is never retried). */
  constructor(
    req: H2Request,
    private readonly limit: number,
  ) {
    this.#down = req.stream;
    this.#ended = req.endStream;
  }

  /** Whether another attempt can get the whole body: none was read yet, or all of it is held. */
  get replayable(): boolean {
    return !this.#started || (this.#ended && !this.#lost);
  }

  /** The upstream request's HEADERS can end the stream: there is nothing after them. */
  get empty(): boolean {
    return this.#started ? this.#bytes === 0 && this.#trailers === undefined : this.#ended;
  }

  /** Sends the body (and trailers) to `up`, opened with `{ endStream: empty, waitForTrailers: !empty }`. */
  sendTo(up: ClientStream): void {
    if (this.empty) {
      this.#started = true;
      return;
    }
    up.on('wantTrailers', () => up.sendTrailers(this.#trailers ? forwardableH2(this.#trailers) : {}));
    if (this.#started) {
      for (const chunk of this.#chunks) up.write(chunk);
      up.end();
      return;
    }
    this.#started = true;
    const down = this.#down;
    down.on('trailers', (t: IncomingHttpHeaders) => (this.#trailers = t));
    down.once('end', () => (this.#ended = true));
    if (this.limit > 0) down.on('data', this.#keep);
    else this.#lost = true;
    relay(down, up);
  }

  readonly #keep = (chunk: Buffer): void => {
    this.#bytes += chunk.length;
    if (this.#bytes <= this.limit) return void this.#chunks.push(chunk);
    this.#lost = true;
    this.#chunks.length = 0;
    this.#down.off('data', this.#keep);
  };
}
