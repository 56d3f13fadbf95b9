// The `feed` service takes a WebSocket per client and answers each event with an acknowledgement, so the mesh
// carries an upgraded, long-lived connection next to request/response traffic.
import type http from 'node:http';
import WebSocket, { WebSocketServer } from 'ws';

/** Attaches the feed's WebSocket endpoint (`/events`) to an HTTP server that also answers health checks. */
export function attachFeed(server: http.Server): WebSocketServer {
  const wss = new WebSocketServer({ server, path: '/events' });
  let seq = 0;
  wss.on('connection', (socket) => {
    socket.on('message', (data) => socket.send(JSON.stringify({ ack: ++seq, bytes: (data as Buffer).length })));
  });
  return wss;
}

/**
 * Keeps one WebSocket to the feed open through the caller's outbound proxy (Host-routed), reconnecting with a
 * capped backoff; events published while it is down are dropped, as a best-effort feed would.
 */
export function createFeedPublisher(outboundProxy: string, authority: string) {
  let socket: WebSocket | undefined;
  let closed = false;
  let delay = 100;
  const connect = () => {
    const ws = new WebSocket(`ws://${outboundProxy}/events`, { headers: { host: authority } });
    ws.on('open', () => (delay = 100));
    ws.on('error', () => undefined);
    ws.on('close', () => {
      socket = undefined;
      if (!closed) setTimeout(connect, (delay = Math.min(delay * 2, 5000)));
    });
    socket = ws;
  };
  connect();
  return {
    publish(event: unknown): boolean {
      if (socket?.readyState !== WebSocket.OPEN) return false;
      socket.send(JSON.stringify(event));
      return true;
    },
    close() {
      closed = true;
      socket?.close();
    },
  };
}
