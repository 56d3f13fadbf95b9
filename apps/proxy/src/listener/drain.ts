// Graceful drain bookkeeping: which HTTP connections are open, so shutdown can close idle ones at once and let
// busy ones finish their response (sent with `connection: close`).
import type { ServerConnection } from '../http/server.js';

export class Drain {
  #draining = false;
  readonly #conns = new Set<ServerConnection>();

  get draining(): boolean {
    return this.#draining;
  }

  readonly isDraining = (): boolean => this.#draining;

  add(conn: ServerConnection): void {
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
