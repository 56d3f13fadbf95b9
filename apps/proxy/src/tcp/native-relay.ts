// The native opaque relay: after detection and connect, the two sockets of a plain (not TLS-terminated) opaque
// connection are handed to the relay thread of native/relay.c, which copies bytes off the JS stream machinery. Same
// contract as `splice` in forward.ts. Without the addon (not built, not Linux) the JS relay serves everything; the
// loader says why and the proxy logs it.
//
// The Node sockets stay behind as shells: their libuv handles are closed (the relay owns duplicates of the fds),
// but the net.Socket objects live on until the relay is done, so everything that watches them (tcp metrics,
// drain, onClosed) works unchanged: `bytesRead`/`bytesWritten` read the relay's live counters, 'error' carries
// the errno the relay saw, 'close' comes when the relay has closed both, and `destroy()` asks the relay to close.
import net from 'node:net';
import { getSystemErrorName } from 'node:util';
import { loadAddon } from '../native-addon.js';
import type { Spliced } from './forward.js';

type OnDone = (id: number, errA: number, errB: number, readA: number, writtenA: number, readB: number, writtenB: number) => void;

/** native/relay.c; a handle is an opaque external. */
interface Addon {
  relay(fdA: number, fdB: number, toB: Buffer | undefined, toA: Buffer | undefined, onDone: OnDone): [number, object];
  close(handle: object): void;
  stats(handle: object, out: Float64Array): void;
}

/** The libuv handle behind a net.Socket: only TCP handles have an fd. */
interface Handle {
  fd?: number;
  onread: unknown;
  close(): void;
}

interface Internals {
  _handle: Handle | null;
  _destroy(err: Error | null, cb: (err?: Error | null) => void): void;
}

export interface NativeRelay {
  /**
   * Hands `client` and `upstream` to the relay thread, with `spliced.fromClient`/`fromUpstream` and whatever Node
   * had buffered sent first. Returns false, touching nothing, when they cannot go (TLS, pending writes, a socket
   * already closing): the caller then uses the JS relay.
   */
  splice(client: net.Socket, upstream: net.Socket, spliced?: Spliced): boolean;
  /** Connections being relayed now. */
  readonly open: number;
}

export type NativeRelayLoad = { readonly ok: true; readonly relay: NativeRelay } | { readonly ok: false; readonly reason: string };

/** The addon, relative to this file in src/tcp, dist/tcp or the bundle (dist/bundle) alike. */
const addonPath = '../../native/build/Release/relay.node';

/** One per addon: the addon keeps the first `onDone` it is given, so every proxy in the process shares it. */
const loadedRelays = new Map<string, NativeRelay>();

export function loadNativeRelay(path = addonPath): NativeRelayLoad {
  const known = loadedRelays.get(path);
  if (known) return { ok: true, relay: known };
  const loaded = loadAddon<Addon>(import.meta.url, path, 'native relay');
  if (!loaded.ok) return loaded;
  const relay = createNativeRelay(loaded.addon);
  loadedRelays.set(path, relay);
  return { ok: true, relay };
}

const EMPTY = Buffer.alloc(0);
const socketDestroy = (net.Socket.prototype as unknown as Internals)._destroy;

/** One relayed connection: A is the client, B the upstream (the order of relay()'s arguments and counters). */
interface Relayed {
  readonly handle: object;
  readonly shells: readonly [net.Socket, net.Socket];
  /** Bytes each socket had read and written through Node before the hand-off. */
  readonly base: readonly [number, number, number, number];
  /** [readA, writtenA, readB, writtenB] once the relay is done; live from the addon until then. */
  final: Float64Array | undefined;
  /** Destroys asked for from JS, finished once the relay has closed the sockets. */
  readonly waiting: (() => void)[];
}

function createNativeRelay(addon: Addon): NativeRelay {
  const relayed = new Map<number, Relayed>();
  const live = new Float64Array(4);

  const onDone: OnDone = (id, errA, errB, ...counts) => {
    const r = relayed.get(id);
    if (!r) return;
    relayed.delete(id);
    r.final = Float64Array.from(counts);
    for (const finish of r.waiting.splice(0)) finish();
    const [a, b] = r.shells;
    if (!a.destroyed) a.destroy(errA ? relayError(errA) : undefined);
    if (!b.destroyed) b.destroy(errB ? relayError(errB) : undefined);
  };

  const count = (r: Relayed, i: number): number => {
    if (r.final) return (r.base[i] as number) + (r.final[i] as number);
    addon.stats(r.handle, live);
    return (r.base[i] as number) + (live[i] as number);
  };

  function splice(client: net.Socket, upstream: net.Socket, spliced: Spliced = {}): boolean {
    const a = handleOf(client);
    const b = handleOf(upstream);
    if (!a || !b) return false;
    const base = [client.bytesRead, client.bytesWritten, upstream.bytesRead, upstream.bytesWritten] as const;
    // Bytes Node read past detection (or past a 101 head) are still in the Readables; the relay sends them first.
    const toB = withBuffered(client, spliced.fromClient);
    const toA = withBuffered(upstream, spliced.fromUpstream);
    let id: number;
    let handle: object;
    try {
      [id, handle] = addon.relay(a.fd as number, b.fd as number, toB, toA, onDone);
    } catch {
      unread(client, toB, spliced.fromClient);
      unread(upstream, toA, spliced.fromUpstream);
      return false;
    }
    const r: Relayed = { handle, shells: [client, upstream], base, final: undefined, waiting: [] };
    relayed.set(id, r);
    // Same tick as relay(): libuv has had no chance to read, and closing its handle takes the fd out of its epoll.
    asShell(client, a, r, 0);
    asShell(upstream, b, r, 2);
    let open = 2;
    const closed = () => {
      if (--open === 0) spliced.onClosed?.();
    };
    client.once('close', closed);
    upstream.once('close', closed);
    return true;
  }

  function asShell(socket: net.Socket, handle: Handle, r: Relayed, at: number): void {
    const s = socket as unknown as Internals;
    handle.onread = noop;
    handle.close();
    s._handle = null;
    Object.defineProperty(socket, 'bytesRead', { configurable: true, get: () => count(r, at) });
    Object.defineProperty(socket, 'bytesWritten', { configurable: true, get: () => count(r, at + 1) });
    socket.on('error', noop); // the relay's errno, for whoever tracks the socket; 'close' follows
    s._destroy = (err, cb) => {
      if (r.final) return socketDestroy.call(socket, err, cb);
      addon.close(r.handle);
      r.waiting.push(() => socketDestroy.call(socket, err, cb));
    };
  }

  return {
    splice,
    get open() {
      return relayed.size;
    },
  };
}

/** The TCP handle of a socket the relay may take over, or undefined. */
function handleOf(socket: net.Socket): Handle | undefined {
  if ((socket as { encrypted?: boolean }).encrypted || socket.connecting || socket.destroyed || socket.writableEnded) return undefined;
  // Bytes Node still has to write would be lost: the relay never sees them.
  if (socket.writableLength > 0) return undefined;
  const handle = (socket as unknown as Internals)._handle;
  return handle && typeof handle.fd === 'number' && handle.fd >= 0 ? handle : undefined;
}

function withBuffered(socket: net.Socket, first: Buffer | undefined): Buffer | undefined {
  const buffered = socket.readableLength > 0 ? (socket.read() as Buffer | null) : null;
  if (!buffered) return first;
  return first && first.length > 0 ? Buffer.concat([first, buffered]) : buffered;
}

/** The relay refused: what `withBuffered` took from the Readable goes back, and the JS relay carries on. */
function unread(socket: net.Socket, taken: Buffer | undefined, first: Buffer | undefined): void {
  const mine = taken?.subarray(first?.length ?? 0) ?? EMPTY;
  if (mine.length > 0) socket.unshift(mine);
}

function relayError(errno: number): NodeJS.ErrnoException {
  const code = getSystemErrorName(-errno);
  return Object.assign(new Error(`${code} (native relay)`), { code, errno: -errno });
}

function noop(): void {}
