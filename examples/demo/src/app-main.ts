#!/usr/bin/env node
// One demo application process: `app-main.js --role=books --listen=127.0.0.1:7101 --outbound=127.0.0.1:7401`.
// Apps know service names only; every call goes through the pod's own proxy.
import http from 'node:http';
import { parseArgs } from 'node:util';
import { parseHostPort } from '@signalbox/shared';
import { attachFeed, createFeedPublisher } from './feed-ws.js';
import { createMeshClient } from './mesh-client.js';
import { createRatingsClient, startRatingsServer } from './ratings-grpc.js';
import { authorsHandler, booksHandler, healthHandler, webHandler, type Handler } from './services.js';
import { createStockClient, startStockServer } from './stock-tcp.js';
import { serviceAuthority } from './topology.js';
import { startTraffic } from './traffic.js';

const usage =
  'usage: app-main --role=web|books|authors|ratings|feed|stock|traffic --listen=host:port --outbound=host:port ' +
  '[--rps=N] [--stock=host:port]';
const { values } = parseArgs({
  options: {
    role: { type: 'string' },
    listen: { type: 'string' },
    outbound: { type: 'string' },
    rps: { type: 'string', default: '5' },
    /** books: its proxy's listener for the stock service (`--outbound-tcp` on the proxy). */
    stock: { type: 'string' },
  },
});
const listen = parseHostPort(values.listen ?? '');
const { role, outbound } = values;
if (!listen || !role || !outbound) {
  console.error(usage);
  process.exit(2);
}

const mesh = createMeshClient(outbound);
const closers: (() => void)[] = [];

function serveHttp(handler: Handler): http.Server {
  const server = http.createServer((req, res) => {
    Promise.resolve(handler(req, res)).catch((err: unknown) => res.writeHead(500).end(String(err)));
  });
  server.keepAliveTimeout = 10_000;
  server.listen(listen!.port, listen!.host);
  closers.push(() => {
    server.close();
    server.closeAllConnections();
  });
  return server;
}

switch (role) {
  case 'web': {
    const ratings = createRatingsClient(outbound, serviceAuthority('ratings'));
    const feed = createFeedPublisher(outbound, serviceAuthority('feed'));
    closers.push(ratings.close, feed.close);
    serveHttp(webHandler({ mesh, ratings, feed }));
    break;
  }
  case 'books': {
    const stock = values.stock ? createStockClient(values.stock) : undefined;
    if (stock) closers.push(stock.close);
    serveHttp(booksHandler({ stock }));
    break;
  }
  case 'authors':
    serveHttp(authorsHandler());
    break;
  case 'feed':
    attachFeed(serveHttp(healthHandler()));
    break;
  case 'ratings': {
    const server = await startRatingsServer(values.listen!);
    closers.push(() => server.forceShutdown());
    break;
  }
  case 'stock': {
    const server = await startStockServer(values.listen!);
    closers.push(() => server.close());
    break;
  }
  case 'traffic': {
    serveHttp(healthHandler());
    const traffic = startTraffic(mesh, Number(values.rps));
    const report = setInterval(() => console.log(JSON.stringify(traffic.stats)), 10_000);
    closers.push(traffic.stop, () => clearInterval(report));
    break;
  }
  default:
    console.error(`unknown role ${role}\n${usage}`);
    process.exit(2);
}

for (const signal of ['SIGTERM', 'SIGINT'] as const)
  process.once(signal, () => {
    closers.forEach((close) => close());
    setImmediate(() => process.exit(0));
  });
