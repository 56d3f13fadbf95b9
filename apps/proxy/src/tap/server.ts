// The proxy's tap endpoint: a WebSocket on the admin listener (`/tap`). Only the control plane may subscribe: it
// must present the shared tap token (`Authorization: Bearer`), as Linkerd requires the tap service's mTLS
// identity. The first message is a ProxyTapSubscription; events then flow through a bounded outbox per subscriber.
import { createHash, timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { proxyTapSubscriptionSchema, TapOutbox, tapCloseCodes, tapCloseReason, tapPaths } from '@signalbox/shared';
import { WebSocketServer, type WebSocket } from 'ws';
import { RateWindow } from './rate-window.js';
import type { TapRegistry, TapSubscriber } from './registry.js';

export interface TapServerOptions {
  readonly registry: TapRegistry;
  /** The shared token the control plane presents; without one, tap is disabled (404). */
  readonly token: string | undefined;
  /** Messages a subscriber may have waiting before new events are dropped. */
  readonly outboxCap?: number;
  readonly firstMessageTimeoutMs?: number;
}

export interface TapServer {
  /** Takes over an `upgrade` for `/tap`; returns false for other paths (the caller refuses those). */
  handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Open subscriber sockets. */
  readonly connections: number;
  /** Closes every subscription (1001 going away): shutdown. */
  closeAll(): void;
}

export function createTapServer(options: TapServerOptions): TapServer {
  const { registry } = options;
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024, perMessageDeflate: false });
  const expected = options.token ? digest(options.token) : undefined;
  const sockets = new Set<WebSocket>();

  function accept(ws: WebSocket): void {
    sockets.add(ws);
    let sub: TapSubscriber | undefined;
    let outbox: TapOutbox | undefined;
    const timer = setTimeout(
      () => ws.close(tapCloseCodes.badRequest, 'no subscription received'),
      options.firstMessageTimeoutMs ?? 10_000,
    );
    ws.on('message', (data, isBinary) => {
      if (sub) return ws.close(tapCloseCodes.badRequest, 'one subscription per connection');
      clearTimeout(timer);
      let parsed;
      try {
        parsed = proxyTapSubscriptionSchema.safeParse(JSON.parse(isBinary ? '' : String(data)));
      } catch {
        return ws.close(tapCloseCodes.badRequest, 'subscription is not JSON');
      }
      if (!parsed.success)
        return ws.close(tapCloseCodes.badRequest, tapCloseReason(`bad subscription: ${parsed.error.issues[0]?.message ?? ''}`));
      const s = parsed.data;
      const box = new TapOutbox((m, done) => ws.send(m, done), { cap: options.outboxCap ?? 1000 });
      outbox = box;
      sub = { match: s.match, rate: new RateWindow(s.maxRps), extractHeaders: s.extractHeaders, send: (m) => void box.push(m) };
      registry.add(sub, s.labels);
    });
    ws.on('error', () => {}); // 'close' follows
    ws.on('close', () => {
      clearTimeout(timer);
      sockets.delete(ws);
      if (sub) registry.remove(sub);
      outbox?.close();
    });
  }

  return {
    handleUpgrade(req, socket, head) {
      const path = (req.url ?? '/').split('?')[0];
      if (path !== tapPaths.proxy) return false;
      if (!expected) return refuse(socket, 404, 'tap is disabled: the proxy has no --tap-token\n'), true;
      const auth = req.headers.authorization ?? '';
      const presented = /^Bearer (.+)$/i.exec(auth)?.[1];
      if (!presented || !timingSafeEqual(digest(presented), expected))
        return refuse(socket, 401, 'tap requires the control plane\'s token\n'), true;
      wss.handleUpgrade(req, socket, head, accept);
      return true;
    },
    get connections() {
      return sockets.size;
    },
    closeAll() {
      for (const ws of sockets) ws.close(tapCloseCodes.goingAway, 'proxy shutting down');
      // A peer that does not answer the close handshake must not hold shutdown.
      for (const ws of sockets) setTimeout(() => ws.terminate(), 1000).unref();
    },
  };
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

function refuse(socket: Duplex, status: 401 | 404, body: string): void {
  const text = status === 401 ? 'Unauthorized' : 'Not Found';
  const extra = status === 401 ? 'www-authenticate: Bearer realm="signalbox-tap"\r\n' : '';
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\n${extra}content-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}
