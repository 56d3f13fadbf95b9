// `/v1/tap`: the control plane's tap WebSocket for the CLI and the dashboard. The client's first message is a
// TapRequest; the socket then carries TapMessages (events, `dropped` and `error` notices) until either side
// closes. Bad requests and unknown resources close with 1008, failures of ours with 1011 (as Linkerd's web server).
import { timingSafeEqual, createHash } from 'node:crypto';
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { tapCloseCodes, tapCloseReason, tapErrorCodes, tapPaths, tapRequestSchema } from '@signalbox/shared';
import { WebSocketServer, type WebSocket } from 'ws';
import type { TapHub, TapSession } from './hub.js';

export interface TapEndpointOptions {
  readonly hub: TapHub;
  /** When set, clients must send `Authorization: Bearer <token>`; unset, only the loopback bind protects tap. */
  readonly authToken: string | undefined;
  readonly firstMessageTimeoutMs?: number;
}

export interface TapEndpoint {
  /** Takes over an `upgrade` for `/v1/tap`; false for other paths. */
  handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): boolean;
  readonly connections: number;
  /** Shutdown: every client gets 1001. */
  closeAll(): void;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export function createTapEndpoint(options: TapEndpointOptions): TapEndpoint {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024, perMessageDeflate: false });
  const expected = options.authToken ? digest(options.authToken) : undefined;
  const sockets = new Set<WebSocket>();

  function accept(ws: WebSocket): void {
    sockets.add(ws);
    let session: TapSession | undefined;
    let started = false;
    const timer = setTimeout(
      () => ws.close(tapCloseCodes.badRequest, 'no tap request received'),
      options.firstMessageTimeoutMs ?? 10_000,
    );
    const fail = (code: number, text: string) => ws.close(code, tapCloseReason(text));
    ws.on('message', (data, isBinary) => {
      if (started) return; // one request per socket; later messages mean nothing
      started = true;
      clearTimeout(timer);
      let json: unknown;
      try {
        json = JSON.parse(isBinary ? '' : String(data));
      } catch {
        return fail(tapCloseCodes.badRequest, `${tapErrorCodes.badRequest}: the first message must be a JSON TapRequest`);
      }
      const parsed = tapRequestSchema.safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return fail(tapCloseCodes.badRequest, `${tapErrorCodes.badRequest}: ${issue?.path.join('.') || 'request'}: ${issue?.message ?? ''}`);
      }
      try {
        const opened = options.hub.open(parsed.data, (m, done) => ws.send(m, done));
        if ('code' in opened) return fail(tapCloseCodes.badRequest, `${opened.code}: ${opened.message}`);
        session = opened;
        if (ws.readyState !== ws.OPEN) session.close();
      } catch (err) {
        return fail(tapCloseCodes.internal, `${tapErrorCodes.internal}: ${(err as Error).message}`);
      }
    });
    ws.on('error', () => {}); // 'close' follows
    ws.on('close', () => {
      clearTimeout(timer);
      sockets.delete(ws);
      session?.close();
    });
  }

  return {
    handleUpgrade(req, socket, head) {
      const path = (req.url ?? '/').split('?')[0];
      if (path !== tapPaths.api) return false;
      if (expected) {
        const presented = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
        if (!presented || !timingSafeEqual(digest(presented), expected))
          return refuse(socket, 401, 'tap requires a token: Authorization: Bearer <token>\n'), true;
      } else if (!loopbackOrigin(req.headers.origin)) {
        // Without a token only the loopback bind protects tap: a page from elsewhere must not read live traffic.
        return refuse(socket, 403, 'tap from another origin needs the API to be started with --tap-auth-token\n'), true;
      }
      wss.handleUpgrade(req, socket, head, accept);
      return true;
    },
    get connections() {
      return sockets.size;
    },
    closeAll() {
      for (const ws of sockets) ws.close(tapCloseCodes.goingAway, 'control plane shutting down');
      for (const ws of sockets) setTimeout(() => ws.terminate(), 1000).unref();
    },
  };
}

/** Non-browser clients send no Origin; browsers must come from a loopback page (the dashboard). */
function loopbackOrigin(origin: string | undefined): boolean {
  if (origin === undefined) return true;
  try {
    return LOOPBACK.has(new URL(origin).hostname);
  } catch {
    return false;
  }
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

function refuse(socket: Duplex, status: 401 | 403, body: string): void {
  const text = status === 401 ? 'Unauthorized' : 'Forbidden';
  const extra = status === 401 ? 'www-authenticate: Bearer realm="signalbox-tap"\r\n' : '';
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\n${extra}content-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}
