// One proxy's tap stream, as the control plane subscribes to it: `ws://<admin>/tap` with the shared token, or, with
// identity on, `wss://<tap listener>/tap` presenting the control plane's tap certificate and verifying that the proxy
// is the identity discovery expects (TLS 1.3, exact DNS SAN match); the subscription as first message, then messages validated at this edge. When the proxy goes away (restart,
// crash) the client reconnects with capped backoff until closed, and says so through `onDown` / `onUp`. A proxy that
// stops answering without closing (frozen, half-open TCP) is caught by a ping that must be ponged within one interval.
import { proxyTapSubscriptionSchema, tapMessageSchema, tapPaths, type ProxyTapSubscription, type TapMessage } from '@signalbox/shared';
import type { ConnectionOptions, PeerCertificate } from 'node:tls';
import WebSocket from 'ws';

/** The control plane's side of an mTLS tap connection. */
export interface ProxyTapTls {
  /** The tap service's current certificate (read per connection attempt, so a renewed one is used). */
  readonly material: () => { readonly keyPem: string; readonly leafPem: string; readonly chainPem: readonly string[]; readonly trustAnchorsPem: string } | undefined;
  /** The proxy's identity, from discovery: the only name its certificate may carry. */
  readonly serverIdentity: string;
}

export interface ProxyTapOptions {
  /** The proxy's tap endpoint: its admin listener, or its mTLS tap listener when `tls` is given. */
  readonly admin: string;
  readonly tls?: ProxyTapTls;
  readonly token: string | undefined;
  readonly subscription: ProxyTapSubscription;
  readonly onMessage: (message: TapMessage) => void;
  /** The subscription is (again) in place. */
  readonly onUp: () => void;
  /** The stream failed or could not be opened; `refused` when the proxy said no (401/404), not just unreachable. */
  readonly onDown: (reason: string, refused: boolean) => void;
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** How often the open stream is pinged; a pong missing by the next ping ends it as a failure (default 10 s). */
  readonly pingIntervalMs?: number;
}

export interface ProxyTap {
  close(): void;
}

class TapIdentityMismatch extends Error {}

/** TLS options ws hands to `tls.connect` as they are (its typings narrow `checkServerIdentity`, hence the cast). */
function mtlsOptions(serverIdentity: string, m: NonNullable<ReturnType<ProxyTapTls['material']>>): WebSocket.ClientOptions {
  const options: ConnectionOptions = {
    key: m.keyPem,
    cert: [m.leafPem, ...m.chainPem].join(''),
    ca: m.trustAnchorsPem,
    servername: serverIdentity,
    minVersion: 'TLSv1.3' as const,
    maxVersion: 'TLSv1.3' as const,
    rejectUnauthorized: true,
    // Exact match on DNS SANs only (no wildcard, no CN fallback), as the proxies' own mTLS client checks.
    checkServerIdentity: (_host: string, cert: PeerCertificate) => {
      const names = (cert.subjectaltname ?? '').split(', ').filter((e) => e.startsWith('DNS:')).map((e) => e.slice(4));
      return names.includes(serverIdentity)
        ? undefined
        : new TapIdentityMismatch(`proxy identity ${names.join(', ') || '(none)'} is not the expected ${serverIdentity}`);
    },
  };
  return options as unknown as WebSocket.ClientOptions;
}

export function connectProxyTap(options: ProxyTapOptions): ProxyTap {
  const first = JSON.stringify(proxyTapSubscriptionSchema.parse(options.subscription));
  const initial = options.initialBackoffMs ?? 100;
  const max = options.maxBackoffMs ?? 2000;
  const pingEvery = options.pingIntervalMs ?? 10_000;
  let backoff = initial;
  let closed = false;
  let ws: WebSocket | undefined;
  let timer: NodeJS.Timeout | undefined;

  const connect = () => {
    if (closed) return;
    let up = false;
    let failure: { reason: string; refused: boolean } | undefined;
    const material = options.tls?.material();
    if (options.tls && !material) {
      options.onDown(`no tap certificate yet for ${options.admin}`, false);
      timer = setTimeout(connect, backoff);
      backoff = Math.min(max, backoff * 2);
      return;
    }
    const base = { perMessageDeflate: false, handshakeTimeout: 5000, maxPayload: 1024 * 1024 };
    const socket =
      options.tls && material
        ? new WebSocket(`wss://${options.admin}${tapPaths.proxy}`, { ...base, ...mtlsOptions(options.tls.serverIdentity, material) })
        : new WebSocket(`ws://${options.admin}${tapPaths.proxy}`, { ...base, headers: options.token ? { authorization: `Bearer ${options.token}` } : {} });
    ws = socket;
    let ping: NodeJS.Timeout | undefined;
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
      let answered = true;
      socket.on('pong', () => (answered = true));
      ping = setInterval(() => {
        if (!answered) {
          failure ??= { reason: `proxy at ${options.admin} stopped answering (no pong within ${pingEvery} ms)`, refused: false };
          return socket.terminate();
        }
        answered = false;
        socket.ping();
      }, pingEvery);
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
      // A TLS alert from the proxy (our certificate refused) or a proxy that is not who discovery says: refused.
      const code = String((err as NodeJS.ErrnoException).code ?? '');
      const refused = /^ERR_SSL_|^ERR_TLS_CERT|^CERT_|^UNABLE_TO_|^SB_TLS_/.test(code) || err instanceof TapIdentityMismatch;
      failure ??= { reason: `proxy at ${options.admin}: ${err.message}`, refused };
    });
    socket.on('close', (code, reason) => {
      clearInterval(ping);
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
