// Graceful drain bookkeeping: which accepted connections are open, so shutdown can close idle HTTP ones at once,
// let busy ones finish their response (sent with `connection: close`) and destroy what is left after the grace.
import type net from 'node:net';

/** An accepted connection shutdown must know about: HTTP ones finish their response; opaque ones wait for grace. */
export interface Drainable {
  readonly socket: net.Socket;
  /** Close now if idle, else after the exchange in flight. */
  drain(): void;
}

export class Drain {
  #draining = false;
  readonly #conns = new Set<Drainable>();

  get draining(): boolean {
    return this.#draining;
  }

  readonly isDraining = (): boolean => this.#draining;

  add(conn: Drainable): void {
    this.#conns.add(conn);
    conn.socket.once('close', () => this.#conns.delete(conn));
    if (this.#draining) conn.drain();
  }

  get open(): number {
    return this.#conns.size;
  }

  start(): void {
    this.#draining = true;
    for (const c of this.#conns) c.drain();
  }

  /** Destroys whatever is left (grace period over). */
  destroyAll(): void {
    for (const c of this.#conns) c.socket.destroy();
  }
}
