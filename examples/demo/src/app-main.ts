#!/usr/bin/env node
// One demo application process: `app-main.js --role=books --listen=127.0.0.1:7101 --outbound=127.0.0.1:7401`.
import http from 'node:http';
import { parseArgs } from 'node:util';
import { parseHostPort } from '@signalbox/shared';
import { createMeshClient } from './mesh-client.js';
import { authorsHandler, booksHandler, healthHandler, webHandler, type Handler } from './services.js';
import { startTraffic } from './traffic.js';

const { values } = parseArgs({
  options: {
    role: { type: 'string' },
    listen: { type: 'string' },
    outbound: { type: 'string' },
    rps: { type: 'string', default: '5' },
  },
});
const listen = parseHostPort(values.listen ?? '');
if (!listen || !values.role || !values.outbound) {
  console.error('usage: app-main --role=web|books|authors|traffic --listen=host:port --outbound=host:port [--rps=N]');
  process.exit(2);
}
const mesh = createMeshClient(values.outbound);
const handlers: Record<string, () => Handler> = {
  web: () => webHandler(mesh),
  books: () => booksHandler(),
  authors: () => authorsHandler(),
  traffic: () => healthHandler(),
};
const make = handlers[values.role];
if (!make) {
  console.error(`unknown role ${values.role}`);
  process.exit(2);
}
const handler = make();
const server = http.createServer((req, res) => {
  Promise.resolve(handler(req, res)).catch((err: unknown) => {
    res.writeHead(500).end(String(err));
  });
});
server.keepAliveTimeout = 10_000;
server.listen(listen.port, listen.host);

const traffic = values.role === 'traffic' ? startTraffic(mesh, Number(values.rps)) : undefined;
const report = traffic && setInterval(() => console.log(JSON.stringify(traffic.stats)), 10_000);

for (const signal of ['SIGTERM', 'SIGINT'] as const)
  process.once(signal, () => {
    traffic?.stop();
    if (report) clearInterval(report);
    server.close(() => process.exit(0));
    server.closeIdleConnections();
  });
