// A test client for tap WebSockets (a proxy's `/tap`, the control plane's `/v1/tap`): sends the first message,
// keeps every validated message, and tells how the server closed or why it refused the upgrade.
import { tapMessageSchema, type TapEvent, type TapMessage } from '@signalbox/shared';
import WebSocket from 'ws';

export interface TapClient {
  readonly ws: WebSocket;
  readonly messages: TapMessage[];
  events(): TapEvent[];
  readonly closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

export function openTap(url: string, first: unknown, token?: string): Promise<TapClient> {
  const ws = new WebSocket(url, { headers: token ? { authorization: `Bearer ${token}` } : {}, perMessageDeflate: false });
  const messages: TapMessage[] = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })),
  );
  ws.on('message', (data) => messages.push(tapMessageSchema.parse(JSON.parse(String(data)))));
  return new Promise((resolve, reject) => {
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
    ws.once('open', () => {
      ws.send(JSON.stringify(first));
      resolve({
        ws,
        messages,
        events: () => messages.flatMap((m) => (m.type === 'event' ? [m.event] : [])),
        closed,
        close: () => ws.close(),
      });
    });
  });
}

/** The HTTP status a refused upgrade answers with (0 when it was accepted). */
export function upgradeStatus(url: string, token?: string): Promise<number> {
  const ws = new WebSocket(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return new Promise((resolve) => {
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? -1);
      ws.terminate();
    });
    ws.once('open', () => {
      resolve(0);
      ws.close();
    });
    ws.once('error', () => resolve(-1));
  });
}
