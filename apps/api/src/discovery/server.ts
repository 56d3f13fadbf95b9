// `GET /v1/destination?v=1|2&authority=…`: one long-lived NDJSON response per watched authority, one
// DestinationUpdate per line; v=2 adds `profile` messages, v=3 protocol hints; an `ip:port` authority gets `address`
// messages (docs/architecture.md). Streams are tracked so shutdown can end them.
import type { IncomingMessage, ServerResponse } from 'node:http';
import net from 'node:net';
import { destinationGetSchema, parseHostPort, parseServiceAuthority, type DestinationGet, type DestinationUpdate, type Endpoint } from '@signalbox/shared';
import type { DestinationListener, DiscoveryWatcher } from './watcher.js';

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
      const subscribe = subscription(watcher, request.data);
      if (typeof subscribe === 'string') return badRequest(res, subscribe);

      res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' });
      // Discovery waits for no request body; a socket that idles for hours is normal here.
      req.socket.setKeepAlive(true);
      req.socket.setTimeout(0);
      const hints = request.data.v >= 3;
      const send = (updates: readonly DestinationUpdate[]) => {
        for (const update of updates) res.write(`${JSON.stringify(hints ? update : withoutHints(update))}\n`);
      };
      streams.add(res);
      onStreamsChanged?.(streams.size);
      const unsubscribe = subscribe(send);
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

/** What a stream watches: a service's endpoints (and profile, v=2), or what an intercepted `ip:port` is. */
function subscription(watcher: DiscoveryWatcher, { v, authority }: DestinationGet): ((listener: DestinationListener) => () => void) | string {
  const service = parseServiceAuthority(authority);
  if (service) return (listener) => watcher.subscribe(service, listener, v);
  const address = parseHostPort(authority);
  if (address && net.isIP(address.host) !== 0) return (listener) => watcher.subscribeAddress(address, listener);
  return `authority "${authority}" is not "service.namespace[:port]" or "ip:port"`;
}

/** For streams older than v=3, whose proxies' strict schema would drop an update with a field they do not know. */
function withoutHints(update: DestinationUpdate): DestinationUpdate {
  switch (update.type) {
    case 'add':
      return { ...update, endpoints: update.endpoints.map(endpointWithoutHint) };
    case 'address': {
      const { protocolHint: _, ...rest } = update;
      return rest.endpoint ? { ...rest, endpoint: endpointWithoutHint(rest.endpoint) } : rest;
    }
    default:
      return update;
  }
}

function endpointWithoutHint(endpoint: Endpoint): Endpoint {
  const { protocolHint: _, ...rest } = endpoint;
  return rest;
}

function badRequest(res: ServerResponse, error: string): void {
  res.writeHead(400, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error }));
}
