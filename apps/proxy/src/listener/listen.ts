// TCP listeners that hand each accepted socket to a connection handler, and can stop accepting (drain).
import net from 'node:net';
import { parseHostPort } from '@signalbox/shared';

export interface Listener {
  readonly server: net.Server;
  /** The bound address, `host:port` (the real port when 0 was asked for). */
  readonly addr: string;
  /** Stops accepting; resolves once every accepted connection has closed. */
  close(): Promise<void>;
}

export function listen(addr: string, onConnection: (socket: net.Socket) => void): Promise<Listener> {
  const hp = parseHostPort(addr);
  if (!hp) return Promise.reject(new Error(`invalid listen address ${addr}`));
  // allowHalfOpen: a client that half-closes after its request still gets the response.
  const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
    try {
      onConnection(socket);
    } catch {
      socket.destroy();
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(hp.port, hp.host, () => {
      server.off('error', reject);
      const a = server.address() as net.AddressInfo;
      const bound = a.family === 'IPv6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
      resolve({
        server,
        addr: bound,
        close: () => new Promise<void>((r) => server.close(() => r())),
      });
    });
  });
}
