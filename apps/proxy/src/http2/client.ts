// HTTP/2 client connections, one long-lived session per endpoint shared by all its requests (Linkerd's h2
// endpoint client). A session that receives GOAWAY or closes is forgotten and the next request reconnects. Streams
// per session are bounded: beyond the limit requests wait, in a bounded queue, for a stream to finish.
import type { OutgoingHttpHeaders } from 'node:http2';
import type net from 'node:net';
import { ProxyError } from '../errors.js';
import { letYoungGenerationGrowOnce } from '../young-generation.js';
import { maxHeadBytes } from '../http/parse-head.js';
import type { ClientSession, ClientStream, H2Engine, RequestOptions } from './engine.js';
import { WireSession } from './wire/session.js';

export interface H2Target {
  /** `host:port`, the session key. */
  readonly addr: string;
}

export interface H2SessionsOptions<T extends H2Target> {
  /** Opens (and instruments) the TCP connection for a new session. */
  readonly connect: (target: T) => Promise<net.Socket>;
  /** A session without activity for this long is closed once it has no streams. */
  readonly idleTimeoutMs: number;
  /** Our cap on concurrent streams per session (the peer's SETTINGS may lower it). */
  readonly maxConcurrentStreams?: number;
  /** Requests waiting for a stream slot, per endpoint; beyond it requests fail with `upstream-busy`. */
  readonly maxQueued?: number;
  /** Which HTTP/2 implementation the sessions use (`--h2-engine`). */
  readonly engine: H2Engine;
}

interface Entry {
  session: ClientSession | undefined;
  connecting: Promise<ClientSession> | undefined;
  active: number;
  readonly waiters: (() => void)[];
}

export class H2Sessions<T extends H2Target> {
  readonly #entries = new Map<string, Entry>();
  readonly #maxStreams: number;
  readonly #maxQueued: number;

  constructor(private readonly options: H2SessionsOptions<T>) {
    this.#maxStreams = options.maxConcurrentStreams ?? 1000;
    this.#maxQueued = options.maxQueued ?? 10_000;
  }

  /**
   * The stream at once when `target`'s session is up with a stream slot free (the common case, without the
   * promises `request` costs); undefined when it would have to wait or connect.
   */
  requestNow(target: T, headers: OutgoingHttpHeaders, options: RequestOptions): ClientStream | undefined {
    const entry = this.#entries.get(target.addr);
    const session = entry?.session;
    // Requests already waiting for a slot go first.
    if (!entry || !session || session.closed || session.destroyed || entry.waiters.length > 0 || entry.active >= this.#limit(session))
      return undefined;
    try {
      return this.#opened(entry, session.request(headers, options));
    } catch {
      this.#forget(entry, session); // gone between lookup and use (GOAWAY): `request` connects afresh
      return undefined;
    }
  }

  /** Opens a stream to `target`; rejects with the connect error, or `upstream-busy` when the queue is full. */
  async request(target: T, headers: OutgoingHttpHeaders, options: RequestOptions): Promise<ClientStream> {
    let e = this.#entries.get(target.addr);
    if (!e) this.#entries.set(target.addr, (e = { session: undefined, connecting: undefined, active: 0, waiters: [] }));
    const entry = e;
    for (let attempt = 0; ; attempt++) {
      const session = await this.#session(entry, target);
      if (entry.active >= this.#limit(session)) {
        if (entry.waiters.length >= this.#maxQueued)
          throw new ProxyError('upstream-busy', `${target.addr} has ${entry.active} streams in flight`);
        await new Promise<void>((r) => entry.waiters.push(r));
        continue;
      }
      let stream: ClientStream;
      try {
        stream = session.request(headers, options);
      } catch (err) {
        // The session went away (GOAWAY, closed) between lookup and use: forget it and try a fresh one once.
        this.#forget(entry, session);
        if (attempt > 0) throw err;
        continue;
      }
      return this.#opened(entry, stream);
    }
  }

  #limit(session: ClientSession): number {
    return Math.min(this.#maxStreams, session.remoteSettings.maxConcurrentStreams ?? Infinity);
  }

  /** Counts the stream against its session's slots until it closes. */
  #opened(entry: Entry, stream: ClientStream): ClientStream {
    entry.active++;
    // A stream's 'close' comes once: `on` spares once()'s wrapper, on every stream.
    stream.on('close', () => {
      entry.active--;
      entry.waiters.shift()?.();
    });
    return stream;
  }

  #session(e: Entry, target: T): Promise<ClientSession> {
    const s = e.session;
    if (s && !s.closed && !s.destroyed) return Promise.resolve(s);
    e.session = undefined;
    e.connecting ??= this.#connect(e, target).finally(() => (e.connecting = undefined));
    return e.connecting;
  }

  async #connect(e: Entry, target: T): Promise<ClientSession> {
    const socket = await this.options.connect(target);
    // Sockets come half-open capable (tcp/connect.ts), but HTTP/2 has no half-close: left so, node:http2 never
    // notices a peer's FIN, and streams in flight on a connection that died would wait for an answer forever.
    socket.allowHalfOpen = false;
    const session = this.options.engine === 'wire' ? wireSession(socket) : nodeSession(socket, target);
    session.on('error', () => {}); // streams see their own errors; 'close' follows
    session.once('goaway', () => this.#forget(e, session));
    session.once('close', () => {
      this.#forget(e, session);
      // Waiters for a slot on this session try again (on a new one).
      for (const w of e.waiters.splice(0)) w();
    });
    session.setTimeout(this.options.idleTimeoutMs, () => {
      if (e.active === 0 || e.session !== session) session.close();
    });
    e.session = session;
    return session;
  }

  #forget(e: Entry, session: ClientSession): void {
    if (e.session === session) e.session = undefined;
  }

  /** Closes every session (shutdown): in-flight streams are torn down. */
  closeAll(): void {
    for (const e of this.#entries.values()) {
      e.session?.destroy();
      e.session = undefined;
    }
    this.#entries.clear();
  }
}

/** node:http2 is loaded by the first session, not at import: HTTP/1-only proxies never need it. */
function nodeSession(socket: net.Socket, target: H2Target): ClientSession {
  letYoungGenerationGrowOnce();
  return process.getBuiltinModule('node:http2').connect(`http://${target.addr}`, {
    createConnection: () => socket,
    settings: { enablePush: false },
  });
}

function wireSession(socket: net.Socket): ClientSession {
  letYoungGenerationGrowOnce();
  return new WireSession(socket, 'client', { settings: { maxHeaderListSize: maxHeadBytes } });
}
