// The dashboard server's tap relay: takes the browser's WebSocket upgrade on `/api/tap` and relays it, message by
// message, to the control plane's `/v1/tap` (Linkerd's web server bridges `/api/tap` the same way). Relaying whole
// messages rather than bytes lets it say why a stream ended (API unreachable, refused, lost) with a close code and
// reason the tap page shows, and lets it apply backpressure so a slow tab makes the API drop and count events.
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { tapCloseCodes, tapCloseReason, tapPaths } from '@signalbox/shared';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { TAP_RELAY_PATH, tapRelayCodes } from '../lib/tap-relay.js';

export interface TapProxyOptions {
  /** The control plane's base URL (`http://127.0.0.1:8085`), read per connection. */
  readonly apiUrl: () => string;
  /** Sent as `Authorization: Bearer <token>` to the API (its `--tap-auth-token`). */
  readonly token?: string | undefined;
  /** How long the API may take to accept the upgrade. */
  readonly connectTimeoutMs?: number;
  /** Messages in flight to the browser before the relay stops reading from the API (then the API drops and counts). */
  readonly highWaterMessages?: number;
  /** How often the API's socket is pinged; a pong missing by the next ping closes the browser with 1011 (default 10 s). */
  readonly upstreamPingIntervalMs?: number;
}

export interface TapProxy {
  /** Takes over an `upgrade` for `/api/tap`; false for any other path. */
  handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): boolean;
  readonly connections: number;
  /** Shutdown: every browser gets 1001. */
  closeAll(): void;
}

// Messages a browser may send before the API's socket is open (the TapRequest; more are ignored by the API anyway).
const MAX_EARLY_MESSAGES = 4;
const PING_INTERVAL_MS = 30_000;

export function createTapProxy(options: TapProxyOptions): TapProxy {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024, perMessageDeflate: false });
  const highWater = options.highWaterMessages ?? 64;
  const lowWater = Math.max(1, Math.floor(highWater / 4));
  const upstreamPingEvery = options.upstreamPingIntervalMs ?? 10_000;
  const sockets = new Set<WebSocket>();

  function relay(browser: WebSocket): void {
    sockets.add(browser);
    const upstream = new WebSocket(upstreamTapUrl(options.apiUrl()), {
      headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
      handshakeTimeout: options.connectTimeoutMs ?? 5_000,
      perMessageDeflate: false,
      maxPayload: 16 * 1024 * 1024,
    });
    const early: { data: RawData; binary: boolean }[] = [];
    let inFlight = 0;
    let paused = false;
    let alive = true;

    const closeBrowser = (code: number, reason: string) => {
      if (browser.readyState === WebSocket.OPEN) browser.close(code, tapCloseReason(reason));
      else if (browser.readyState === WebSocket.CONNECTING) browser.terminate();
    };

    upstream.on('unexpected-response', (_req, res) => {
      const refused = res.statusCode === 401 || res.statusCode === 403;
      closeBrowser(
        refused ? tapCloseCodes.badRequest : tapCloseCodes.internal,
        `${refused ? tapRelayCodes.apiRefused : tapRelayCodes.apiUnreachable}: the API answered HTTP ${res.statusCode}`,
      );
      res.resume();
      upstream.terminate();
    });
    upstream.on('error', (err: NodeJS.ErrnoException) => {
      if (upstream.readyState !== WebSocket.OPEN)
        closeBrowser(tapCloseCodes.internal, `${tapRelayCodes.apiUnreachable}: ${err.code ?? err.message}`);
    });
    // A frozen API or a half-open connection never closes: without this the tab would show a live, empty stream.
    let upstreamAnswered = true;
    let upstreamPing: NodeJS.Timeout | undefined;
    upstream.on('pong', () => (upstreamAnswered = true));
    upstream.on('open', () => {
      for (const m of early.splice(0)) upstream.send(m.data, { binary: m.binary });
      upstreamPing = setInterval(() => {
        if (!upstreamAnswered) {
          closeBrowser(tapCloseCodes.internal, `${tapRelayCodes.apiStalled}: the API stopped answering (no pong within ${upstreamPingEvery} ms)`);
          return upstream.terminate();
        }
        upstreamAnswered = false;
        upstream.ping();
      }, upstreamPingEvery);
    });
    upstream.on('message', (data, binary) => {
      if (browser.readyState !== WebSocket.OPEN) return;
      inFlight += 1;
      browser.send(data, { binary }, () => {
        inFlight -= 1;
        if (paused && inFlight <= lowWater) {
          paused = false;
          upstream.resume();
        }
      });
      // Stop reading from the API: its bounded outbox then drops and counts, and a `dropped` notice follows.
      if (!paused && inFlight >= highWater) {
        paused = true;
        upstream.pause();
      }
    });
    upstream.on('close', (code, reason) => {
      clearInterval(upstreamPing);
      const [relayed, text] = relayedClose(code, reason.toString());
      closeBrowser(relayed, text);
    });

    browser.on('message', (data, binary) => {
      if (upstream.readyState === WebSocket.OPEN) upstream.send(data, { binary });
      else if (upstream.readyState === WebSocket.CONNECTING && early.length < MAX_EARLY_MESSAGES) early.push({ data, binary });
    });
    browser.on('pong', () => (alive = true));
    const ping = setInterval(() => {
      if (!alive) return browser.terminate();
      alive = false;
      browser.ping();
    }, PING_INTERVAL_MS);
    ping.unref();
    browser.on('error', () => {}); // 'close' follows
    browser.on('close', () => {
      clearInterval(ping);
      sockets.delete(browser);
      if (upstream.readyState === WebSocket.OPEN) upstream.close(tapCloseCodes.normal, 'dashboard tab closed');
      else upstream.terminate();
    });
  }

  return {
    handleUpgrade(req, socket, head) {
      const path = (req.url ?? '/').split('?')[0];
      if (path !== TAP_RELAY_PATH) return false;
      if (!sameOrigin(req.headers.origin, req.headers.host)) {
        // A page from another site must not read this mesh's live traffic through the user's browser.
        const body = 'tap is only for pages of this dashboard\n';
        socket.end(
          `HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
        );
        return true;
      }
      wss.handleUpgrade(req, socket, head, relay);
      return true;
    },
    get connections() {
      return sockets.size;
    },
    closeAll() {
      for (const ws of sockets) ws.close(tapCloseCodes.goingAway, 'dashboard shutting down');
      for (const ws of sockets) setTimeout(() => ws.terminate(), 1000).unref();
    },
  };
}

/** `http://api:8085/` → `ws://api:8085/v1/tap` (https → wss). */
export function upstreamTapUrl(apiBase: string): string {
  const url = new URL(apiBase);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${tapPaths.api}`;
  url.search = '';
  return url.toString();
}

/**
 * Browsers send `Origin` on WebSocket upgrades and do not enforce the same-origin policy there, so the relay does:
 * the page must come from this dashboard (`Origin`'s host:port equals `Host`). Non-browser clients send no Origin.
 */
export function sameOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return true;
  if (host === undefined) return false;
  try {
    return new URL(origin).host.toLowerCase() === host.toLowerCase();
  } catch {
    return false;
  }
}

/**
 * The close the browser gets for the API's close: codes a server may send pass through with their reason; "no
 * status" (1005) is a normal end; an abnormal end (1006: no close frame) says the API was lost, as 1011.
 */
export function relayedClose(code: number, reason: string): [number, string] {
  if (code === 1005) return [tapCloseCodes.normal, reason];
  if (code === 1006) return [tapCloseCodes.internal, `${tapRelayCodes.apiLost}: the connection to the API ended abruptly`];
  const sendable = (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
  return sendable ? [code, reason] : [tapCloseCodes.internal, `${tapRelayCodes.apiLost}: the API closed with ${code}`];
}
