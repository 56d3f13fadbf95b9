// The `stock` service speaks a plain line protocol over TCP ("STOCK <id>\n" → "<id> <count>\n"), so the mesh
// carries opaque TCP: the proxies balance the connection and count its bytes without understanding it.
import net from 'node:net';
import { parseHostPort } from '@signalbox/shared';

export function startStockServer(listen: string): Promise<net.Server> {
  const addr = parseHostPort(listen);
  if (!addr) throw new Error(`bad listen address ${listen}`);
  const server = net.createServer((socket) => {
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl).trim();
        buffered = buffered.slice(nl + 1);
        const m = /^STOCK (\d{1,6})$/.exec(line);
        socket.write(m ? `${m[1]} ${(Number(m[1]) * 7) % 23}\n` : 'ERR bad command\n');
      }
      if (buffered.length > 1024) socket.destroy();
    });
    socket.on('error', () => undefined);
  });
  return new Promise((resolve) => server.listen(addr.port, addr.host, () => resolve(server)));
}

/**
 * One long-lived connection to `addr` (the caller's proxy listener for the stock service), with replies matched to
 * queries in order; reconnects on the next query after a failure.
 */
export function createStockClient(addr: string) {
  const target = parseHostPort(addr);
  if (!target) throw new Error(`bad stock address ${addr}`);
  let socket: net.Socket | undefined;
  let buffered = '';
  const waiting: { resolve: (n: number) => void; reject: (e: Error) => void }[] = [];
  const fail = (err: Error) => {
    socket = undefined;
    waiting.splice(0).forEach((w) => w.reject(err));
  };
  const open = () => {
    const s = net.connect(target.port, target.host);
    s.setNoDelay(true);
    s.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const [, count] = buffered.slice(0, nl).split(' ');
        buffered = buffered.slice(nl + 1);
        waiting.shift()?.resolve(Number(count));
      }
    });
    s.on('error', (err) => fail(err));
    s.on('close', () => fail(new Error('stock connection closed')));
    buffered = '';
    return s;
  };
  return {
    query(id: number): Promise<number> {
      socket ??= open();
      const result = new Promise<number>((resolve, reject) => waiting.push({ resolve, reject }));
      socket.write(`STOCK ${id}\n`);
      return result;
    },
    close: () => socket?.destroy(),
  };
}
