// node-http-proxy (npm http-proxy) in front of the backend, with keep-alive upstream sockets: the common Node
// reverse proxy the targets are stated against. Usage: node --import tsx bench/node-http-proxy.ts <listen-port> <backend-port>
import http from 'node:http';
import httpProxy from 'http-proxy';

const [listenPort, backendPort] = process.argv.slice(2).map(Number) as [number, number];
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const proxy = httpProxy.createProxyServer({ target: `http://127.0.0.1:${backendPort}`, agent });
proxy.on('error', (_err, _req, res) => {
  if ('writeHead' in res && !res.headersSent) res.writeHead(502);
  res.end();
});
http
  .createServer((req, res) => proxy.web(req, res))
  .listen(listenPort, '127.0.0.1', () => console.log(`node-http-proxy on ${listenPort} → ${backendPort}`));
