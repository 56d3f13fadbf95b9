// One proxy's tap stream, as the control plane subscribes to it: `ws://<admin>/tap` with the shared token, the
// subscription as first message, then messages validated at this edge. When the proxy goes away (restart,
// crash) the client reconnects with capped backoff until closed, and says so through `onDown` / `onUp`.
import { proxyTapSubscriptionSchema, tapMessageSchema, tapPaths, type ProxyTapSubscription, type TapMessage } from '@signalbox/shared';
import WebSocket from 'ws';

export interface ProxyTapOptions {
  readonly admin: string;
  readonly token: string | undefined;
  readonly subscription: ProxyTapSubscription;
  readonly onMessage: (message: TapMessage) => void;
  /** The subscription is (again) in place. */
  readonly onUp: () => void;
  /** The stream failed or could not be opened; `refused` when the proxy said no (401/404), not just unreachable. */
  readonly onDown: (reason: string, refused: boolean) => void;
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
}

export interface ProxyTap {
  close(): void;
}

export function connectProxyTap(options: ProxyTapOptions): ProxyTap {
  const first = JSON.stringify(proxyTapSubscriptionSchema.parse(options.subscription));
  const initial = options.initialBackoffMs ?? 100;
  const max = options.maxBackoffMs ?? 2000;
  let backoff = initial;
  let closed = false;
  let ws: WebSocket | undefined;
  let timer: NodeJS.Timeout | undefined;

  const connect = () => {
    if (closed) return;
    let up = false;
    let failure: { reason: string; refused: boolean } | undefined;
    const socket = new WebSocket(`ws://${options.admin}${tapPaths.proxy}`, {
      headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
      perMessageDeflate: false,
      handshakeTimeout: 5000,
      maxPayload: 1024 * 1024,
    });
    ws = socket;
    socket.on('unexpected-response', (_req, res) => {
      failure = { reason: `proxy at ${options.admin} refused tap: HTTP ${res.statusCode}`, refused: true };
      res.resume();
      socket.terminate();
    });
    socket.on('open', () => {
      up = true;
      backoff = initial;
      socket.send(first);
      options.onUp();
    });
    socket.on('message', (data, isBinary) => {
      if (isBinary) return;
      let parsed;
      try {
        parsed = tapMessageSchema.safeParse(JSON.parse(String(data)));
      } catch {
        return;
      }
      if (parsed.success) options.onMessage(parsed.data);
    });
    socket.on('error', (err) => {
      failure ??= { reason: `proxy at ${options.admin}: ${err.message}`, refused: false };
    });
    socket.on('close', (code, reason) => {
      ws = undefined;
      if (closed) return;
      const why =
        failure ?? { reason: `proxy at ${options.admin} closed the tap stream (${code}${reason.length ? ` ${String(reason)}` : ''})`, refused: false };
      options.onDown(why.reason, why.refused);
      timer = setTimeout(connect, up ? initial : backoff);
      if (!up) backoff = Math.min(max, backoff * 2);
    });
  };
  connect();

  return {
    close() {
      closed = true;
      clearTimeout(timer);
      if (ws && ws.readyState === WebSocket.CONNECTING) ws.terminate();
      else ws?.close(1000, 'tap ended');
    },
  };
}
