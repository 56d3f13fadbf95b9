// Keep-alive upstream connections per endpoint (Linkerd's HTTP/1 pool): reuse the most recently used idle
// socket, close idle ones after `idleTimeoutMs` (3 s as Linkerd, below common servers' 5 s so the server is
// rarely the one to close first), cap idle sockets per endpoint. Idle deadlines are one coarse sweep per pool
// (ticks of a quarter of the timeout, so up to 25 % late), not a socket timer armed and cleared per request.
import type net from 'node:net';
import { readDirect } from '../tcp/direct-reads.js';
import type { Splice } from '../tcp/forward.js';

/** Whoever currently uses the connection receives its events; an idle connection has no owner. */
export interface UpstreamOwner {
  onData(d: Buffer): void;
  onEnd(): void;
  onClose(err: Error | undefined): void;
}

export interface PoolTarget {
  /** `host:port`, the pool key. */
  readonly addr: string;
}

/** Where a finished connection goes back (or is forgotten when it closes). */
export interface IdleSink {
  release(conn: UpstreamConn): void;
  forget(conn: UpstreamConn): void;
}

export class UpstreamConn {
  owner: UpstreamOwner | undefined;
  /** True once the socket served a previous exchange: it may have been closed by the server meanwhile. */
  reused = false;
  /** The pool's sweep tick when the connection was last released. */
  idleSince = 0;
  #error: Error | undefined;
  readonly #listeners = {
    data: (d: Buffer) => (this.owner ? this.owner.onData(d) : this.socket.destroy()),
    end: () => (this.owner ? this.owner.onEnd() : this.socket.destroy()),
    error: (err: Error) => (this.#error = err),
    close: () => {
      this.pool.forget(this);
      this.owner?.onClose(this.#error);
    },
  };

  constructor(
    readonly socket: net.Socket,
    readonly addr: string,
    private readonly pool: IdleSink,
  ) {
    readDirect(socket);
    for (const [event, fn] of Object.entries(this.#listeners)) socket.on(event, fn);
  }

  /** Closes the connection for good, without telling its owner (which is done with it). */
  destroy(): void {
    this.owner = undefined;
    this.socket.destroy();
  }

  /** Takes the socket out of HTTP use for good (a 101 upgrade): it is never pooled again. Left paused. */
  detach(): net.Socket {
    this.owner = undefined;
    for (const [event, fn] of Object.entries(this.#listeners)) this.socket.off(event, fn);
    this.socket.pause();
    return this.socket;
  }

  get alive(): boolean {
    return !this.socket.destroyed && this.socket.readable && this.socket.writable;
  }
}

export interface PoolOptions<T extends PoolTarget> {
  readonly connect: (target: T) => Promise<net.Socket>;
  readonly idleTimeoutMs: number;
  readonly maxIdlePerEndpoint: number;
  /** Relays a connection that left HTTP (a 101 upgrade) as bytes: the proxy's opaque relay. */
  readonly splice: Splice;
}

/** Retired addresses remembered at most (discovery churn must not grow the set forever). */
const maxRetired = 1024;
/** Sweep ticks per idle timeout. */
const ticksPerTimeout = 4;

export class ConnectionPool<T extends PoolTarget> implements IdleSink {
  readonly #idle = new Map<string, UpstreamConn[]>();
  /** Endpoints discovery removed: connections still in use close when released instead of idling. */
  readonly #retired = new Set<string>();
  #ticks = 0;
  /** Runs only while some connection is idle. */
  #sweep: NodeJS.Timeout | undefined;

  constructor(private readonly options: PoolOptions<T>) {}

  get splice(): Splice {
    return this.options.splice;
  }

  /**
   * An idle connection to `target` if one is alive (unless `fresh`), else a new one. The idle case returns the
   * connection itself, not a promise: the common path of a request then allocates and awaits nothing here.
   */
  acquire(target: T, fresh = false): UpstreamConn | Promise<UpstreamConn> {
    if (this.#retired.size > 0) this.#retired.delete(target.addr); // in use again (re-added, or a direct target)
    if (!fresh) {
      const list = this.#idle.get(target.addr);
      while (list && list.length > 0) {
        const conn = list.pop() as UpstreamConn;
        if (!conn.alive) continue;
        conn.socket.resume();
        return conn;
      }
    }
    return this.options.connect(target).then((socket) => new UpstreamConn(socket, target.addr, this));
  }

  release(conn: UpstreamConn): void {
    conn.owner = undefined;
    if (!conn.alive || this.#retired.has(conn.addr)) return void conn.socket.destroy();
    let list = this.#idle.get(conn.addr);
    if (!list) this.#idle.set(conn.addr, (list = []));
    if (list.length >= this.options.maxIdlePerEndpoint) return void conn.socket.destroy();
    conn.reused = true;
    conn.idleSince = this.#ticks;
    list.push(conn);
    if (!this.#sweep) {
      this.#sweep = setInterval(() => this.#closeExpired(), Math.max(1, this.options.idleTimeoutMs / ticksPerTimeout));
      this.#sweep.unref();
    }
  }

  #closeExpired(): void {
    const now = ++this.#ticks;
    for (const [addr, list] of this.#idle) {
      // Oldest first: released connections are pushed, reused ones popped.
      let expired = 0;
      while (expired < list.length && now - (list[expired] as UpstreamConn).idleSince >= ticksPerTimeout) expired++;
      if (expired === 0) continue;
      const gone = list.splice(0, expired);
      if (list.length === 0) this.#idle.delete(addr);
      for (const conn of gone) conn.socket.destroy();
    }
    if (this.#idle.size === 0) this.#stopSweep();
  }

  #stopSweep(): void {
    clearInterval(this.#sweep);
    this.#sweep = undefined;
  }

  forget(conn: UpstreamConn): void {
    const list = this.#idle.get(conn.addr);
    if (!list) return;
    const i = list.indexOf(conn);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.#idle.delete(conn.addr);
  }

  /** The endpoint left the balancer (drain): close its idle connections now, the busy ones once released. */
  retire(addr: string): void {
    if (this.#retired.size >= maxRetired) this.#retired.clear();
    this.#retired.add(addr);
    const list = this.#idle.get(addr);
    this.#idle.delete(addr);
    for (const conn of list ?? []) conn.socket.destroy();
  }

  /** Closes every idle connection (shutdown). */
  closeIdle(): void {
    for (const list of this.#idle.values()) for (const conn of [...list]) conn.socket.destroy();
    this.#idle.clear();
    this.#stopSweep();
  }
}
