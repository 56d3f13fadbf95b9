import { describe, expect, it } from 'vitest';
import type { TapEvent } from './tap.js';
import { createTopState, addTopEvent, topRows, topStateRows } from './top.js';

const web = { addr: '127.0.0.1:50000', meta: { pod: 'web-0', namespace: 'demo' } };
const books = (pod: string) => ({ addr: '127.0.0.1:7101', meta: { pod, tls: 'no_identity' } });
const anon = { addr: '127.0.0.1:51234', meta: {} };

let stream = 0;
/** One request's three events: req, rsp (unless reset before it), end. */
function request(o: { src?: TapEvent['source']; dst?: TapEvent['destination']; method?: string; path?: string; status?: number; ms: number; grpc?: number; reset?: string }): TapEvent[] {
  const b = { id: { base: 0, stream: ++stream }, direction: 'outbound' as const, source: o.src ?? web, destination: o.dst ?? books('books-0'), at: 0 };
  const events: TapEvent[] = [
    { ...b, requestInit: { method: o.method ?? 'GET', scheme: 'http', authority: 'books.demo:7001', path: o.path ?? '/books', headers: [] } },
  ];
  if (o.status !== undefined) events.push({ ...b, responseInit: { sinceRequestInitUs: o.ms * 500, status: o.status, headers: [] } });
  events.push({
    ...b,
    responseEnd: {
      sinceRequestInitUs: o.ms * 1000,
      sinceResponseInitUs: o.ms * 500,
      responseBytes: 10,
      ...(o.grpc !== undefined ? { grpcStatus: o.grpc } : {}),
      ...(o.reset ? { resetError: o.reset } : {}),
      trailers: [],
    },
  });
  return events;
}

describe('topRows', () => {
  it.each<[string, TapEvent[], object[]]>([
    ['nothing', [], []],
    [
      'best, worst, last and success rate per (source, destination, method, path)',
      [...request({ status: 200, ms: 20 }), ...request({ status: 500, ms: 40 }), ...request({ status: 200, ms: 10 })],
      [{ source: 'web-0', destination: 'books-0', method: 'GET', path: '/books', count: 3, bestMs: 10, worstMs: 40, lastMs: 10, successes: 2, successRate: 2 / 3 }],
    ],
    [
      'separate rows, busiest first, IP when the pod is unknown',
      [...request({ status: 200, ms: 1, dst: books('books-1') }), ...request({ status: 200, ms: 1, src: anon, method: 'POST' }), ...request({ status: 200, ms: 2, src: anon, method: 'POST' })],
      [
        { source: '127.0.0.1', destination: 'books-0', method: 'POST', count: 2 },
        { source: 'web-0', destination: 'books-1', method: 'GET', count: 1 },
      ],
    ],
    [
      'gRPC status decides over HTTP 200; resets fail; 4xx succeed (Linkerd: status < 500)',
      [...request({ status: 200, ms: 1, grpc: 14 }), ...request({ status: 200, ms: 1, grpc: 0 }), ...request({ ms: 1, reset: 'upstream-reset' }), ...request({ status: 404, ms: 1 })],
      [{ count: 4, successes: 2, successRate: 0.5 }],
    ],
  ])('%s', (_name, events, expected) => {
    const rows = topRows(events);
    expect(rows).toHaveLength(expected.length);
    expected.forEach((e, i) => expect(rows[i]).toMatchObject(e));
  });

  it('ignores responses whose request it never saw, and caps requests awaiting their end', () => {
    const [req, rsp, end] = request({ status: 200, ms: 5 });
    expect(topRows([rsp as TapEvent, end as TapEvent])).toEqual([]);
    const state = createTopState(2);
    for (const r of [request({ status: 200, ms: 1 }), request({ status: 200, ms: 1 }), request({ status: 200, ms: 1 })])
      addTopEvent(state, r[0] as TapEvent);
    expect(state.pending.size).toBe(2);
    addTopEvent(state, req as TapEvent);
    expect(state.pending.size).toBe(2);
    expect(topStateRows(state)).toEqual([]);
  });
});
