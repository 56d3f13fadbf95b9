#!/usr/bin/env node
// The dashboard's production server: Next's request handler for pages and route handlers, plus the tap relay on
// `/api/tap` (route handlers cannot take a WebSocket upgrade). Replaces `next start`; same flags (-H, -p).
//   node apps/web/dist/server/main.js -H 127.0.0.1 -p 3000
// SIGNALBOX_API_URL (read per request, so one build runs against any API) and SIGNALBOX_TAP_AUTH_TOKEN (the API's
// --tap-auth-token, sent on the relay's upgrade; the browser never sees it).
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { NextServer, NextServerOptions } from 'next/dist/server/next.js';
import { DEFAULT_API_URL } from '../lib/api-proxy.js';
import { createTapProxy } from './tap-proxy.js';

const { values } = parseArgs({
  options: {
    hostname: { type: 'string', short: 'H', default: '0.0.0.0' },
    port: { type: 'string', short: 'p', default: process.env.PORT ?? '3000' },
  },
});
const hostname = values.hostname;
const port = Number(values.port);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error(`--port must be a port number, got "${values.port}"`);
  process.exit(2);
}

// dist/server/main.js → apps/web, where .next lives.
const dir = path.join(import.meta.dirname, '..', '..');
// As `next start` does: React and Next pick their production paths from NODE_ENV, read when next is loaded. And as
// Next's standalone server.js does: run with the config the build serialised, so next.config.ts is not loaded (the
// image has neither it nor the compilers loading it takes; deploy/docker/runtime-tree.mjs).
Object.assign(process.env, {
  NODE_ENV: 'production',
  NEXT_TELEMETRY_DISABLED: process.env.NEXT_TELEMETRY_DISABLED ?? '1',
  __NEXT_PRIVATE_STANDALONE_CONFIG: JSON.stringify(
    (JSON.parse(readFileSync(path.join(dir, '.next', 'required-server-files.json'), 'utf8')) as { config: unknown }).config,
  ),
});
// next is CommonJS (`module.exports = createServer`); its types describe the ESM build's default instead.
const next = (await import('next')).default as unknown as (options: NextServerOptions) => NextServer;
const app = next({ dev: false, dir, hostname, port });
const handle = app.getRequestHandler();
await app.prepare();

const tap = createTapProxy({
  apiUrl: () => process.env.SIGNALBOX_API_URL || DEFAULT_API_URL,
  token: process.env.SIGNALBOX_TAP_AUTH_TOKEN || undefined,
});

const server = http.createServer((req, res) => void handle(req, res));
server.on('upgrade', (req, socket, head) => {
  if (tap.handleUpgrade(req, socket, head)) return;
  // No other WebSocket here. (Next also listens for upgrades once it has served a request; it only ends sockets.)
  socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
});
server.listen(port, hostname, () => {
  console.log(`Signalbox dashboard on http://${hostname}:${port} (API ${process.env.SIGNALBOX_API_URL || DEFAULT_API_URL})`);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    tap.closeAll();
    server.close();
    server.closeIdleConnections();
    void app.close().finally(() => setTimeout(() => process.exit(0), 200).unref());
    setTimeout(() => process.exit(0), 3_000).unref();
  });
