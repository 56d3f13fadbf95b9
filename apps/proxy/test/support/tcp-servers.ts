// Plain TCP peers for opaque-forwarding tests: an echo that answers a half-close with a last word (so a test can see
// the reply still flows after the client ended its side), and a server-speaks-first greeter.
import net from 'node:net';

export interface TcpServer {
  readonly addr: string;
  /** Connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

/** A TCP server on `listen` that hands each connection to `onSocket`, counts them, and destroys them on close. */
export async function serveTcp(listen: string, onSocket: (s: net.Socket) => void): Promise<TcpServer> {
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ allowHalfOpen: true }, (s) => {
    connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    onSocket(s);
  });
  const [host, port] = listen.split(':') as [string, string];
  await new Promise<void>((r) => server.listen(Number(port), host, () => r()));
  return {
    addr: listen,
    connections: () => connections,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Echoes every byte; when the client half-closes, writes `farewell` and ends its own side. */
export function startTcpEcho(listen: string, farewell = ''): Promise<TcpServer> {
  return serveTcp(listen, (s) => {
    s.pipe(s, { end: false });
    s.on('end', () => s.end(farewell));
  });
}

/** Speaks first (like SMTP, MySQL): sends `greeting` on accept, then echoes. */
export function startGreeter(listen: string, greeting: string): Promise<TcpServer> {
  return serveTcp(listen, (s) => {
    s.write(greeting);
    s.pipe(s);
  });
}

/** A raw TCP client that records what it receives and whether the other side ended. */
export interface RawConn {
  readonly socket: net.Socket;
  received(): string;
  readonly ended: Promise<void>;
}

export function rawConnect(addr: string): Promise<RawConn> {
  const [host, port] = addr.split(':') as [string, string];
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port: Number(port), allowHalfOpen: true });
    const parts: Buffer[] = [];
    socket.on('data', (d: Buffer) => parts.push(d));
    const ended = new Promise<void>((r) => socket.once('end', () => r()));
    socket.once('error', reject);
    socket.once('connect', () =>
      resolve({ socket, received: () => Buffer.concat(parts).toString('latin1'), ended }),
    );
  });
}
