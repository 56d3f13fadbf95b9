// TCP listeners that hand each accepted socket to a connection handler, and can stop accepting (drain).
import net from 'node:net';
import { bind } from './bind.js';

export interface Listener {
  readonly server: net.Server;
  /** The bound address, `host:port` (the real port when 0 was asked for). */
  readonly addr: string;
  /** Stops accepting; resolves once every accepted connection has closed. */
  close(): Promise<void>;
}

export async function listen(addr: string, onConnection: (socket: net.Socket) => void): Promise<Listener> {
  // allowHalfOpen: a client that half-closes after its request still gets the response.
  const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
    try {
      onConnection(socket);
    } catch {
      socket.destroy();
    }
  });
  return {
    server,
    addr: await bind(server, addr),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
