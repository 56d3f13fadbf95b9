// The CLI's side of `/v1/tap`: open the WebSocket, send the request, hand each validated message over, and
// report how the stream ended (the close code and reason the control plane gave).
import { tapCloseCodes, tapMessageSchema, tapPaths, type TapMessage, type TapRequestInput } from '@signalbox/shared';
import WebSocket from 'ws';

export interface TapStreamEnd {
  readonly code: number;
  readonly reason: string;
}

export interface TapStream {
  readonly ended: Promise<TapStreamEnd>;
  /** Stops reading from the socket (the control plane then queues, then drops). */
  pause(): void;
  close(): void;
}

export interface TapStreamOptions {
  readonly apiUrl: string;
  readonly request: TapRequestInput;
  /** The API's `--tap-auth-token`, when it has one. */
  readonly token?: string | undefined;
  readonly onMessage: (message: TapMessage) => void;
}

export function tapWebSocketUrl(apiUrl: string): string {
  const u = new URL(apiUrl);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  u.pathname = `${u.pathname.replace(/\/+$/, '')}${tapPaths.api}`;
  return u.toString();
}

export function openTapStream(options: TapStreamOptions): TapStream {
  const ws = new WebSocket(tapWebSocketUrl(options.apiUrl), {
    headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
    perMessageDeflate: false,
    handshakeTimeout: 10_000,
  });
  const ended = new Promise<TapStreamEnd>((resolve) => {
    let failure: string | undefined;
    ws.on('unexpected-response', (_req, res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => {
        resolve({ code: tapCloseCodes.badRequest, reason: `HTTP ${res.statusCode}: ${Buffer.concat(parts).toString('utf8').trim()}` });
        ws.terminate();
      });
    });
    ws.on('open', () => ws.send(JSON.stringify(options.request)));
    ws.on('message', (data) => {
      let parsed;
      try {
        parsed = tapMessageSchema.safeParse(JSON.parse(String(data)));
      } catch {
        return;
      }
      if (parsed.success) options.onMessage(parsed.data);
    });
    ws.on('error', (err) => (failure ??= err.message));
    ws.on('close', (code, reason) => resolve({ code, reason: reason.length > 0 ? String(reason) : (failure ?? '') }));
  });
  return {
    ended,
    pause: () => ws.pause(),
    close: () => (ws.readyState === WebSocket.CONNECTING ? ws.terminate() : ws.close(tapCloseCodes.normal)),
  };
}
