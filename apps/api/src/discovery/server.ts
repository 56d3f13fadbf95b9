// `GET /v1/destination?v=1|2&authority=…`: one long-lived NDJSON response per watched authority, one
// DestinationUpdate per line; v=2 adds `profile` messages (docs/architecture.md). Streams are tracked so shutdown
// can end them.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { destinationGetSchema, parseServiceAuthority, type DestinationUpdate } from '@signalbox/shared';
import type { DiscoveryWatcher } from './watcher.js';

export interface DestinationServer {
  handle(req: IncomingMessage, res: ServerResponse, query: URLSearchParams): void;
  /** Ends every open stream (shutdown): proxies reconnect to the next control plane. */
  closeAll(): void;
  readonly streamCount: number;
}

export interface DestinationServerOptions {
  readonly watcher: DiscoveryWatcher;
  readonly onStreamsChanged?: (count: number) => void;
}

export function createDestinationServer({ watcher, onStreamsChanged }: DestinationServerOptions): DestinationServer {
  const streams = new Set<ServerResponse>();
  return {
    handle(req, res, query) {
      const v = query.get('v');
      const request = destinationGetSchema.safeParse({
        v: v === null ? undefined : Number(v),
        authority: query.get('authority') ?? undefined,
      });
      if (!request.success) return badRequest(res, `bad destination request: ${request.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      const authority = parseServiceAuthority(request.data.authority);
      if (!authority)
        return badRequest(res, `authority "${request.data.authority}" is not "service.namespace[:port]"`);

      res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' });
      // Discovery waits for no request body; a socket that idles for hours is normal here.
      req.socket.setKeepAlive(true);
      req.socket.setTimeout(0);
      const send = (updates: readonly DestinationUpdate[]) => {
        for (const update of updates) res.write(`${JSON.stringify(update)}\n`);
      };
      streams.add(res);
      onStreamsChanged?.(streams.size);
      const unsubscribe = watcher.subscribe(authority, send, request.data.v);
      res.once('close', () => {
        unsubscribe();
        streams.delete(res);
        onStreamsChanged?.(streams.size);
      });
    },
    closeAll() {
      for (const res of streams) res.end();
    },
    get streamCount() {
      return streams.size;
    },
  };
}

function badRequest(res: ServerResponse, error: string): void {
  res.writeHead(400, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error }));
}
