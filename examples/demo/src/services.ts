// The demo's applications. Each is an ordinary HTTP server that knows nothing of the mesh except the name of the
// services it calls; failures and latency are deterministic enough that tests can check what the mesh reports.
import type http from 'node:http';
import type { createFeedPublisher } from './feed-ws.js';
import type { MeshClient } from './mesh-client.js';
import type { createRatingsClient } from './ratings-grpc.js';
import type { createStockClient } from './stock-tcp.js';
import { serviceAuthority } from './topology.js';

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>;

const books = [
  { id: 1, title: 'The Left Hand of Darkness', authorId: 1 },
  { id: 2, title: 'A Wizard of Earthsea', authorId: 1 },
  { id: 3, title: 'Kindred', authorId: 2 },
];
const authors = [
  { id: 1, name: 'Ursula K. Le Guin' },
  { id: 2, name: 'Octavia E. Butler' },
];

export interface BooksOptions {
  readonly failEvery?: number;
  readonly random?: () => number;
  /** Stock levels come from the stock service over TCP; without it books answers without them. */
  readonly stock?: ReturnType<typeof createStockClient>;
}

/** Every `failEvery`-th request fails with 500: exactly 1/failEvery of requests, per replica. */
export function booksHandler({ failEvery = 10, random = Math.random, stock }: BooksOptions = {}): Handler {
  let count = 0;
  return async (_req, res) => {
    count += 1;
    // 5–45 ms, with a tail: enough spread for p50 and p99 to differ.
    const delay = 5 + 20 * random() + (random() < 0.1 ? 20 : 0);
    await sleep(delay);
    if (count % failEvery === 0) return json(res, 500, { error: 'books store unavailable' });
    const levels = stock ? await Promise.all(books.map((b) => stock.query(b.id).catch(() => null))) : [];
    json(res, 200, books.map((b, i) => ({ ...b, stock: levels[i] ?? null })));
  };
}

export function authorsHandler({ random = Math.random } = {}): Handler {
  return async (_req, res) => {
    await sleep(2 + 8 * random());
    json(res, 200, authors);
  };
}

export interface WebDeps {
  readonly mesh: MeshClient;
  readonly ratings?: ReturnType<typeof createRatingsClient>;
  readonly feed?: ReturnType<typeof createFeedPublisher>;
}

/**
 * The front: a page needs books and authors, so their failure fails the page (502); ratings (gRPC) are optional
 * and a failed call only leaves them out; every page view is published to the feed (WebSocket).
 */
export function webHandler({ mesh, ratings, feed }: WebDeps): Handler {
  let views = 0;
  return async (_req, res) => {
    views += 1;
    try {
      const [b, a, r] = await Promise.all([
        mesh(serviceAuthority('books'), '/books'),
        mesh(serviceAuthority('authors'), '/authors'),
        // Book 4 does not exist: NOT_FOUND is a success to the mesh, as in Linkerd's gRPC classification.
        ratings?.get(1 + (views % 4)).catch(() => null),
      ]);
      feed?.publish({ view: views });
      if (b.status !== 200 || a.status !== 200)
        return json(res, 502, { error: `upstream failed: books ${b.status}, authors ${a.status}` });
      json(res, 200, { books: JSON.parse(b.body), authors: JSON.parse(a.body), rating: r ?? null });
    } catch (err) {
      json(res, 502, { error: (err as Error).message });
    }
  };
}

export function healthHandler(): Handler {
  return (_req, res) => json(res, 200, { ok: true });
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
