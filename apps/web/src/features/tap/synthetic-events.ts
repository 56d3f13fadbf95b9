// Synthetic tap traffic for the tap view's measurement (`/bench/tap`): relay messages as the browser receives them,
// three per request (init, head, end), with plausible peers, paths, statuses and headers.
import type { TapEvent } from '@signalbox/shared';

const paths = ['/books', '/books/1', '/authors', '/authors/7', '/api/v1/orders', '/healthz'];
const peer = (deployment: string, i: number) => ({
  addr: `10.0.${i % 8}.${(i * 7) % 250}:${40000 + (i % 2000)}`,
  meta: { namespace: 'bench', deployment, pod: `${deployment}-${i % 3}`, tls: 'true' },
});
const headers = [
  { name: 'content-type', value: 'application/json' },
  { name: 'user-agent', value: 'bench/1.0' },
  { name: 'x-request-id', value: '3f2a9c1e-0000-4000-8000-000000000000' },
];

/** The three relay messages (JSON text) of synthetic request `n`. */
export function syntheticRequest(n: number, at: number): string[] {
  const base = { id: { base: 1, stream: n }, direction: 'outbound' as const, source: peer('web', n), destination: peer('books', n + 1), at };
  const status = n % 10 === 0 ? 503 : 200;
  const events: TapEvent[] = [
    { ...base, requestInit: { method: 'GET', scheme: 'http', authority: 'books.bench:7001', path: paths[n % paths.length] as string, headers } },
    { ...base, at: at + 1, responseInit: { sinceRequestInitUs: 800 + (n % 50) * 100, status, headers } },
    { ...base, at: at + 2, responseEnd: { sinceRequestInitUs: 1500 + (n % 50) * 120, sinceResponseInitUs: 500, responseBytes: 300 + (n % 400), trailers: [] } },
  ];
  return events.map((event) => JSON.stringify({ type: 'event', event }));
}
