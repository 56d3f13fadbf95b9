// Admin server: /metrics (Prometheus text), /ready (200 once listening and not draining), /live, /identity (the
// current certificate, public parts only), the tap WebSocket (/tap) and, when enabled, POST /shutdown. Not on the
// data path, so node:http is fine.
import http from 'node:http';
import type { Registry } from 'prom-client';
import type { ProxyIdentityStatus } from '@signalbox/shared';
import type { TapServer } from '../tap/server.js';
import { httpDate } from '../utc-time.js';

export interface AdminDeps {
  readonly registry: Registry;
  readonly isReady: () => boolean;
  readonly tap: TapServer;
  /** The cert manager's `status`; absent: identity is off and `/identity` answers 404. */
  readonly identity?: () => ProxyIdentityStatus;
  /** Drains and stops the proxy (`--shutdown-endpoint`); absent: `/shutdown` answers 404. */
  readonly shutdown?: (from: string) => void;
}

/** The pod's own processes: the admin port listens on every address (Prometheus scrapes it), /shutdown must not. */
export function isLoopback(addr: string | undefined): boolean {
  return addr !== undefined && (addr.startsWith('127.') || addr === '::1' || addr.startsWith('::ffff:127.'));
}

export function createAdmin(deps: AdminDeps): http.Server {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, body: string, type = 'text/plain; charset=utf-8') => {
      // The Date header from utc-time.ts rather than node:http's, which would map ICU's time-zone data (~0.6 MB).
      res.sendDate = false;
      res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), date: httpDate() });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (path === '/shutdown') {
      if (!deps.shutdown) return send(404, 'not enabled (--shutdown-endpoint)\n');
      if (req.method !== 'POST') return send(405, 'POST only\n');
      const from = req.socket.remoteAddress;
      if (!isLoopback(from)) return send(403, 'only from the pod itself (loopback)\n');
      send(202, 'shutting down\n');
      // After the answer has left: draining closes the admin server's connections, this one included.
      res.once('finish', () => deps.shutdown?.(String(from)));
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed\n');
    if (path === '/live') return send(200, 'live\n');
    if (path === '/ready') return deps.isReady() ? send(200, 'ready\n') : send(503, 'not ready\n');
    if (path === '/identity' && deps.identity) return send(200, `${JSON.stringify(deps.identity())}\n`, 'application/json');
    if (path === '/metrics') {
      deps.registry.metrics().then(
        (text) => send(200, text, deps.registry.contentType),
        (err: Error) => send(500, `${err.message}\n`),
      );
      return;
    }
    send(404, 'not found\n');
  });
  server.on('upgrade', (req, socket, head) => {
    if (!deps.tap.handleUpgrade(req, socket, head)) socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
  });
  return server;
}
