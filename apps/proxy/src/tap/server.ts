// The proxy's tap endpoint: a WebSocket at `/tap`. Only the control plane may subscribe. With identity on, as in
// Linkerd, it must come over the mTLS tap listener (tap/listener.ts) with a client certificate naming the tap
// service's identity; the admin listener's `/tap` and the token are then refused. With identity off it must present
// the shared tap token (`Authorization: Bearer`) on the admin listener. The first message is a
// ProxyTapSubscription; events then flow through a bounded outbox per subscriber.
import type { AdminRequest } from '../admin/http.js';
import type { Duplex } from 'node:stream';
import { proxyTapSubscriptionSchema, TapOutbox, tapCloseCodes, tapCloseReason, tapPaths } from '@signalbox/shared';
import { RateWindow } from './rate-window.js';
import type { TapRegistry, TapSubscriber } from './registry.js';
import { dnsNames } from '../tls/context.js';
import { acceptWebSocket, type ServerWebSocket } from './websocket.js';

/** Why a subscriber was refused (the `reason` label of `tap_subscribe_refused_total`). */
export type TapRefusal = 'token' | 'plaintext' | 'identity' | 'handshake';

export interface TapServerOptions {
  readonly registry: TapRegistry;
  /** The shared token the control plane presents; without one, tap is disabled (404). */
  readonly token: string | undefined;
  /**
   * Identity on: the only client identity allowed (the tap service's). Subscriptions must then arrive over TLS with
   * a verified client certificate naming it (else 403); the token is not consulted and plaintext is refused.
   */
  readonly clientIdentity?: string;
  /** Each refused subscriber, with why. */
  readonly onRefused?: (reason: TapRefusal) => void;
  /** Messages a subscriber may have waiting before new events are dropped. */
  readonly outboxCap?: number;
  readonly firstMessageTimeoutMs?: number;
}

export interface TapServer {
  /** Takes over an `upgrade` for `/tap`; returns false for other paths (the caller refuses those). */
  handleUpgrade(req: AdminRequest, socket: Duplex, head: Buffer): boolean;
  /** Open subscriber sockets. */
  readonly connections: number;
  /** Closes every subscription (1001 going away): shutdown. */
  closeAll(): void;
}

export function createTapServer(options: TapServerOptions): TapServer {
  const { registry } = options;
  const upgrade = (req: AdminRequest, socket: Duplex, head: Buffer): true => {
    const ws = acceptWebSocket(req, socket, head, 64 * 1024);
    if (ws) accept(ws);
    return true;
  };
  const { token } = options;
  let expected: Buffer | undefined;
  const sockets = new Set<ServerWebSocket>();

  function accept(ws: ServerWebSocket): void {
    sockets.add(ws);
    let sub: TapSubscriber | undefined;
    let outbox: TapOutbox | undefined;
    const timer = setTimeout(
      () => ws.close(tapCloseCodes.badRequest, 'no subscription received'),
      options.firstMessageTimeoutMs ?? 10_000,
    );
    ws.on('message', (data: Buffer, isBinary: boolean) => {
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
      const denied = (status: 401 | 403, reason: TapRefusal, body: string) => {
        options.onRefused?.(reason);
        refuse(socket, status, body);
        return true;
      };
      if (options.clientIdentity !== undefined) {
        // node:tls is loaded already with identity on, and only then needed: not imported for every proxy.
        const tlsSocket = req.socket instanceof process.getBuiltinModule('node:tls').TLSSocket ? req.socket : undefined;
        if (!tlsSocket) return denied(403, 'plaintext', 'identity is on: tap is served over mTLS on the tap listener only\n');
        // The listener already refused unverified certificates; checked again so a misconfigured one cannot open tap.
        const [peer] = tlsSocket.authorized ? dnsNames(tlsSocket.getPeerCertificate()) : [];
        if (peer !== options.clientIdentity) return denied(403, 'identity', `tap is for ${options.clientIdentity} only\n`);
        return upgrade(req, socket, head);
      }
      if (!token) return refuse(socket, 404, 'tap is disabled: the proxy has no --tap-token\n'), true;
      expected ??= digest(token);
      const auth = req.headers.authorization ?? '';
      const presented = /^Bearer (.+)$/i.exec(auth)?.[1];
      if (!presented || !process.getBuiltinModule('node:crypto').timingSafeEqual(digest(presented), expected))
        return denied(401, 'token', 'tap requires the control plane\'s token\n');
      return upgrade(req, socket, head);
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

// node:crypto only once someone asks for tap (~0.5 MB of RSS): not at start, not without a token.
function digest(token: string): Buffer {
  return process.getBuiltinModule('node:crypto').createHash('sha256').update(token).digest();
}

function refuse(socket: Duplex, status: 401 | 403 | 404, body: string): void {
  const text = status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : 'Not Found';
  const extra = status === 401 ? 'www-authenticate: Bearer realm="signalbox-tap"\r\n' : '';
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\n${extra}content-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}
