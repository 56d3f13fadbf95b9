// Opaque forwarding: splice two sockets both ways as bytes (Linkerd's TCP `forward`). Used for connections
// detection could not call HTTP, opaque ports, CONNECT tunnels and upgraded (101) HTTP connections.
import type net from 'node:net';
import type { NativeRelay } from './native-relay.js';

const EMPTY = Buffer.alloc(0);

export interface Spliced {
  /** Bytes already read from the client (detection, the rest of a request buffer), sent upstream first. */
  readonly fromClient?: Buffer;
  /** Bytes already read from the upstream (after a 101 head), sent to the client first. */
  readonly fromUpstream?: Buffer;
  /** Runs once, when both sockets have closed. */
  readonly onClosed?: () => void;
}

/** Which relay copies opaque bytes: native/relay.c's thread, or the JS streams below. */
export type TcpRelay = 'native' | 'js';

export type Splice = (client: net.Socket, upstream: net.Socket, spliced?: Spliced) => void;

/** The relay the proxy uses: the native one for the connections it can take (plain TCP), else `splice`. */
export function createSplice(native: NativeRelay | undefined): Splice {
  if (!native) return splice;
  return (client, upstream, spliced) => {
    if (!native.splice(client, upstream, spliced)) splice(client, upstream, spliced);
  };
}

/**
 * Copies bytes client → upstream and upstream → client until both directions have ended. Half-close is honoured:
 * a FIN from one side ends only the write side towards the other (both sockets need `allowHalfOpen`), so a client
 * that ends its request still receives the rest of the reply. A socket that closes abnormally (reset, error, or
 * destroyed before both halves finished) takes the other down too, with a reset when it was reset itself.
 */
export function splice(client: net.Socket, upstream: net.Socket, spliced: Spliced = {}): void {
  let open = 2;
  const closed = () => {
    if (--open === 0) spliced.onClosed?.();
  };
  oneWay(client, upstream, spliced.fromClient ?? EMPTY, closed);
  oneWay(upstream, client, spliced.fromUpstream ?? EMPTY, closed);
}

function oneWay(src: net.Socket, dst: net.Socket, first: Buffer, closed: () => void): void {
  src.on('error', noop); // 'close' follows; it decides what the other side sees
  if (first.length > 0 && !dst.destroyed) dst.write(first);
  const resume = () => src.resume();
  src.on('data', (d: Buffer) => {
    if (!dst.write(d)) {
      src.pause();
      dst.once('drain', resume);
    }
  });
  const ended = () => {
    if (!dst.destroyed) dst.end();
  };
  // A FIN right behind the first chunk (a client that writes and half-closes at once) is emitted as 'end' while
  // the socket sits paused after detection, before any listener of ours: pass it on now, or it is lost.
  if (src.readableEnded) ended();
  else src.on('end', ended);
  src.once('close', (hadError: boolean) => {
    closed();
    if (dst.destroyed) return;
    if (hadError || (src.errored as NodeJS.ErrnoException | null)?.code === 'ECONNRESET') dst.resetAndDestroy();
    else if (!(src.readableEnded && src.writableFinished)) dst.destroy();
  });
  src.resume();
}

function noop(): void {}
