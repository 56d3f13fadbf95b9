// Opens a TCP connection with a deadline (Linkerd's connect timeout): a black-holed endpoint must fail in
// `timeoutMs`, not after the kernel's minutes-long SYN retries. Sockets are half-open capable: whoever owns one
// decides what a FIN means (HTTP closes the connection; opaque forwarding passes the half-close on).
import net from 'node:net';

export class ConnectTimeoutError extends Error {
  readonly code = 'SB_CONNECT_TIMEOUT';
}

export function connect(host: string, port: number, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port, noDelay: true, allowHalfOpen: true });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new ConnectTimeoutError(`connect to ${host}:${port} timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    const onError = (err: Error) => {
      clearTimeout(timer);
      reject(err);
    };
    socket.once('error', onError);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('error', onError);
      resolve(socket);
    });
  });
}
