// The detect stage shared by inbound and outbound: skip it for opaque ports and destinations discovery marks opaque,
// else one peek and a classification, then hand the connection to the branch the composition root wired for that
// protocol.
import type net from 'node:net';
import { classify, type Protocol } from './classify.js';
import { peek } from './peek.js';

export interface Detected {
  /** `opaque` also after a timeout (`timedOut`), or for a configured opaque port or an opaque hint (`skipped`). */
  readonly protocol: Protocol;
  /** The bytes detection read; the next stage must send them on first. */
  readonly first: Buffer;
  readonly timedOut: boolean;
  readonly skipped: boolean;
}

export interface DetectOptions {
  readonly timeoutMs: number;
  /** `--opaque-ports`: Linkerd's default list unless the pod's own replaces it. */
  readonly opaquePorts: ReadonlySet<number>;
}

const EMPTY = Buffer.alloc(0);

/**
 * Decides how to serve `socket`, bound for `port` (the destination port: the app's, or the logical authority's).
 * `prior` are bytes already read (after a CONNECT head): when present they are the one read. `hinted`: discovery
 * said the destination is opaque (Linkerd's protocol hint), so nothing is read. A client that closes before
 * sending anything is closed; `next` is not called.
 */
export function detect(
  socket: net.Socket,
  port: number,
  options: DetectOptions,
  next: (d: Detected) => void,
  prior: Buffer = EMPTY,
  hinted = false,
): void {
  if (hinted || options.opaquePorts.has(port)) return next({ protocol: 'opaque', first: prior, timedOut: false, skipped: true });
  if (prior.length > 0) return next({ protocol: classify(prior), first: prior, timedOut: false, skipped: false });
  peek(socket, options.timeoutMs, (p) => {
    if (p.kind === 'closed') return void socket.destroy();
    if (p.kind === 'timeout') return next({ protocol: 'opaque', first: EMPTY, timedOut: true, skipped: false });
    next({ protocol: classify(p.bytes), first: p.bytes, timedOut: false, skipped: false });
  });
}
