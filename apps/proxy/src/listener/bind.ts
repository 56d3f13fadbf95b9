// Binding a server (the proxy's listeners, its admin and tap servers) without loading node:cluster. Server#listen()
// requires node:cluster first thing, to ask whether this process is a cluster worker whose primary should own the
// socket, and cluster brings child_process, dgram and their internals: ~15 built-in modules, ~0.4 MB of heap and
// ~0.7 MB of the node binary's pages in every proxy, which is never a cluster worker. `_listen2` is the step
// listen() takes in a primary, kept under that name in net.js "to avoid breaking code that wraps this method"; it
// binds an IP literal only, so a host name (or a Node without the method) goes through listen() as before.
import type net from 'node:net';
import { formatHostPort, parseHostPort } from '@signalbox/shared';

type Listen2 = (address: string, port: number, addressType: 4 | 6, backlog: number | undefined, fd: number | undefined, flags: number) => void;

/** Binds `server` to `addr` (`host:port`, port 0 for any); resolves with the bound address, the real port in it. */
export function bind(server: net.Server, addr: string): Promise<string> {
  const hp = parseHostPort(addr);
  if (!hp) return Promise.reject(new Error(`invalid listen address ${addr}`));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.once('listening', () => {
      server.off('error', reject);
      const a = server.address() as net.AddressInfo;
      resolve(formatHostPort({ host: a.address, port: a.port }));
    });
    const family = ipLiteralFamily(hp.host);
    const listen2 = (server as { _listen2?: Listen2 })._listen2;
    if (family && typeof listen2 === 'function') listen2.call(server, hp.host, hp.port, family, undefined, undefined, 0);
    else server.listen(hp.port, hp.host);
  });
}

/**
 * 4 or 6 for what looks like an IP literal (bind refuses a malformed one: EINVAL), else undefined. Not net.isIP,
 * whose IPv6 pattern compiles to ~140 KB of machine code.
 */
export function ipLiteralFamily(host: string): 4 | 6 | undefined {
  if (host.includes(':')) return 6;
  return /^\d{1,3}(?:\.\d{1,3}){3}$/.test(host) ? 4 : undefined;
}
