// The control plane's one HTTP server: the destination streams proxies watch, the identity service (certify),
// tRPC for the dashboard and CLI, the tap WebSocket (/v1/tap), and its own /ready, /live and /metrics.
import http from 'node:http';
import { destinationPath, identityErrorCodes } from '@signalbox/shared';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import type { DestinationServer } from './discovery/server.js';
import type { IdentityEndpoint } from './identity/server.js';
import type { TapEndpoint } from './tap/ws.js';
import type { Telemetry } from './telemetry.js';
import type { Context } from './trpc/init.js';
import { appRouter } from './trpc/router.js';

export interface ApiServerOptions {
  readonly context: Context;
  readonly destination: DestinationServer;
  readonly telemetry: Telemetry;
  /** Absent: upgrades are refused (tests that need no tap). */
  readonly tap?: TapEndpoint;
  /** Absent: no CA configured, `/v1/identity/*` answers 404. */
  readonly identity?: IdentityEndpoint;
}

export function createApiServer({ context, destination, telemetry, tap, identity }: ApiServerOptions): http.Server {
  const trpc = createHTTPHandler({ router: appRouter, createContext: () => context });
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://api');
    if (url.pathname === '/trpc' || url.pathname.startsWith('/trpc/')) {
      // The dashboard's browser code may call from another origin (Next on :3000).
      res.setHeader('access-control-allow-origin', '*');
      res.setHeader('access-control-allow-headers', '*');
      if (req.method === 'OPTIONS') {
        res.writeHead(204).end();
        return;
      }
      req.url = req.url?.slice('/trpc'.length) || '/';
      trpc(req, res);
      return;
    }
    if (url.pathname.startsWith('/v1/identity/')) {
      if (identity?.handle(req, res, url.pathname)) return;
      if (!identity) {
        const body = { error: { code: identityErrorCodes.disabled, message: 'this control plane runs without an identity service (start it with --identity-dir or the CA files)' } };
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        return;
      }
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'method not allowed\n');
    switch (url.pathname) {
      case destinationPath:
        return destination.handle(req, res, url.searchParams);
      // The registry is loaded before the server listens, so listening means ready.
      case '/ready':
        return plain(res, 200, 'ready\n');
      case '/live':
        return plain(res, 200, 'live\n');
      case '/metrics':
        void telemetry.registry.metrics().then(
          (text) => {
            res.writeHead(200, { 'content-type': telemetry.registry.contentType }).end(text);
          },
          (err: unknown) => plain(res, 500, `${String(err)}\n`),
        );
        return;
      default:
        return plain(res, 404, 'not found\n');
    }
  });
  server.on('upgrade', (req, socket, head) => {
    if (!tap?.handleUpgrade(req, socket, head)) socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
  });
  return server;
}

function plain(res: http.ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(body);
}
