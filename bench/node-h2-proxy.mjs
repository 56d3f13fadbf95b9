// The node:http2 floor: a minimal h2c proxy (one upstream session, each stream's headers and body passed on, no
// metrics, no trailers, no resets) to show what node:http2 alone costs per request next to nginx, as
// node-pipe.mjs does for bytes. Plain JavaScript for the same reason: nothing but Node in the measured process.
// Usage: node bench/node-h2-proxy.mjs <listen-port> <backend-port>
import http2 from 'node:http2';

const [listenPort, backendPort] = process.argv.slice(2).map(Number);
const upstream = http2.connect(`http://127.0.0.1:${backendPort}`);
const pseudo = new Set([':scheme', ':authority', ':method', ':path']);

http2
  .createServer((req, res) => {
    const headers = { ':method': req.method, ':path': req.url, ':authority': req.headers[':authority'] ?? 'backend' };
    for (const [k, v] of Object.entries(req.headers)) if (!pseudo.has(k)) headers[k] = v;
    const up = upstream.request(headers, { endStream: req.stream.endAfterHeaders });
    if (!req.stream.endAfterHeaders) req.pipe(up);
    up.on('response', (h) => {
      const out = {};
      for (const [k, v] of Object.entries(h)) if (k !== ':status') out[k] = v;
      res.writeHead(Number(h[':status']), out);
      up.pipe(res);
    });
    up.on('error', () => res.stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR));
  })
  .listen(listenPort, '127.0.0.1', () => console.log(`node h2 proxy on ${listenPort} → ${backendPort}`));
