// Admin server: /metrics (Prometheus text), /ready (200 once listening and not draining), /live, /identity (the
// current certificate, public parts only), the tap WebSocket (/tap) and, when enabled, POST /shutdown. HTTP/1.1 by
// admin/http.ts (not node:http: it says why).
import net from 'node:net';
import type { Registry } from 'prom-client';
import type { ProxyIdentityStatus } from '@signalbox/shared';
import type { TapServer } from '../tap/server.js';
import { createAdminHttp, type AdminListener, type AdminResponse } from '../admin/http.js';

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

const text = (status: number, body: string): AdminResponse => ({ status, body });
const shuttingDown = text(202, 'shutting down\n');

export function createAdmin(deps: AdminDeps): AdminListener {
  const http = createAdminHttp({
    respond(req) {
      const path = req.url.split('?')[0];
      if (path === '/shutdown') {
        if (!deps.shutdown) return text(404, 'not enabled (--shutdown-endpoint)\n');
        if (req.method !== 'POST') return text(405, 'POST only\n');
        if (!isLoopback(req.socket.remoteAddress)) return text(403, 'only from the pod itself (loopback)\n');
        return shuttingDown;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') return text(405, 'method not allowed\n');
      if (path === '/live') return text(200, 'live\n');
      if (path === '/ready') return deps.isReady() ? text(200, 'ready\n') : text(503, 'not ready\n');
      if (path === '/identity' && deps.identity) return { status: 200, body: `${JSON.stringify(deps.identity())}\n`, contentType: 'application/json' };
      if (path === '/metrics') return deps.registry.metrics().then((body) => ({ status: 200, body, contentType: deps.registry.contentType }));
      return text(404, 'not found\n');
    },
    // After the answer has left: draining closes the admin server's connections, this one included.
    answered(req, res) {
      if (res === shuttingDown) deps.shutdown?.(String(req.socket.remoteAddress));
    },
    upgrade: (req, socket, head) => deps.tap.handleUpgrade(req, socket, head),
  });
  return { server: net.createServer(http.accept), closeAll: http.closeAll };
}
