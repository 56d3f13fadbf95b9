// Transparent interception: where a connection iptables REDIRECTed to one of our listeners was really going.
// SO_ORIGINAL_DST (IPv4) / IP6T_SO_ORIGINAL_DST (IPv6) through a small N-API addon (native/original_dst.c, built
// by the package's build). Without the addon (not built, not Linux) interception is off, never a crash: the
// loader says why and the proxy logs it.
import type net from 'node:net';
import { loadAddon } from '../native-addon.js';

interface Addon {
  originalDst(fd: number): { family: 4 | 6; address: string; port: number } | null;
}

/** `ip:port` (`[v6]:port`) of the connection's original destination; undefined when it was not redirected. */
export type OriginalDst = (socket: net.Socket) => string | undefined;

export type OriginalDstLoad = { readonly ok: true; readonly originalDst: OriginalDst } | { readonly ok: false; readonly reason: string };

/** The addon, relative to this file in src/intercept, dist/intercept or the bundle (dist/bundle) alike. */
const addonPath = '../../native/build/Release/original_dst.node';

export function loadOriginalDst(path = addonPath): OriginalDstLoad {
  const loaded = loadAddon<Addon>(import.meta.url, path, 'original-destination (SO_ORIGINAL_DST)');
  if (!loaded.ok) return loaded;
  return { ok: true, originalDst: (socket) => originalDst(loaded.addon, socket) };
}

function originalDst(addon: Addon, socket: net.Socket): string | undefined {
  const fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd;
  if (typeof fd !== 'number' || fd < 0) return undefined;
  let dst: ReturnType<Addon['originalDst']>;
  try {
    dst = addon.originalDst(fd);
  } catch {
    return undefined; // no conntrack (no nat rule ever loaded), a closed socket: not redirected
  }
  if (!dst) return undefined;
  // A connection made straight to the listener has a conntrack entry too, naming the listener itself.
  if (dst.port === socket.localPort && sameHost(dst.address, socket.localAddress)) return undefined;
  return dst.family === 6 ? `[${dst.address}]:${dst.port}` : `${dst.address}:${dst.port}`;
}

function sameHost(a: string, b: string | undefined): boolean {
  return b !== undefined && (a === b || `::ffff:${a}` === b);
}
