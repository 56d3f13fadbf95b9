// A message head and the body bytes that came with it leave in one socket write: one syscall and one segment per
// message instead of two (the write is most of a proxied request's cost on loopback). The head waits for the
// body's first chunk, which arrives synchronously when it was read together with the head; `flush()` sends the
// head alone otherwise.
import type net from 'node:net';
import type { Sink } from './body.js';

export class HeadFirstSink implements Sink {
  #head: string | Buffer | undefined;

  /** `head`: a string is written as latin1 (heads are bytes). */
  constructor(
    private readonly socket: net.Socket,
    head: string | Buffer,
  ) {
    this.#head = head;
  }

  write(chunk: Buffer): boolean {
    const head = this.#head;
    if (head === undefined) return this.socket.write(chunk);
    this.#head = undefined;
    // Forwarded unchanged, the head sits just before the body bytes in the buffer they were read into.
    if (typeof head !== 'string' && head.buffer === chunk.buffer && head.byteOffset + head.length === chunk.byteOffset)
      return this.socket.write(Buffer.from(head.buffer, head.byteOffset, head.length + chunk.length));
    const n = head.length; // latin1: one byte per character
    const out = Buffer.allocUnsafe(n + chunk.length);
    if (typeof head === 'string') out.write(head, 0, 'latin1');
    else head.copy(out, 0);
    chunk.copy(out, n);
    return this.socket.write(out);
  }

  once(event: 'drain', cb: () => void): unknown {
    return this.socket.once(event, cb);
  }

  /** Writes the head now if no body bytes were written with it. */
  flush(): void {
    const head = this.#head;
    if (head === undefined) return;
    this.#head = undefined;
    writeHead(this.socket, head);
  }
}

/** Writes a message head (a string is latin1: heads are bytes). */
export function writeHead(socket: net.Socket, head: string | Buffer): boolean {
  return typeof head === 'string' ? socket.write(head, 'latin1') : socket.write(head);
}
