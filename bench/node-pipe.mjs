// The Node floor: a `net` server that, per accepted connection, connects to the backend and pipes bytes both
// ways, nothing else. Whatever a Node proxy does costs at least this on this machine (event loop, libuv, one read
// and one write per direction), so the table shows it beside nginx/haproxy. Plain JavaScript on purpose: no
// loader (tsx) runs in the measured process, so its CPU and RSS are Node's alone.
// Usage: node bench/node-pipe.mjs <listen-port> <backend-port>
import net from 'node:net';

const [listenPort, backendPort] = process.argv.slice(2).map(Number);

net
  .createServer((client) => {
    const upstream = net.connect({ host: '127.0.0.1', port: backendPort });
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.on('error', () => {});
    upstream.on('error', () => {});
  })
  .listen(listenPort, '127.0.0.1', () => console.log(`node net pipe on ${listenPort} → ${backendPort}`));
