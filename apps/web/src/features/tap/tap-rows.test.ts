import type { TapEvent } from '@signalbox/shared';
import { describe, expect, it } from 'vitest';
import { addTapEvent, createTapRowBuffer, rowEvents, tapPeerLabel, tapRowView } from './tap-rows';

const web = { addr: '127.0.0.1:50000', meta: { pod: 'web-0', deployment: 'web', namespace: 'demo' } };
const books = { addr: '127.0.0.1:7101', meta: { pod: 'books-0', tls: 'no_identity' } };

function events(stream: number, o: { at?: number; status?: number; grpc?: number; reset?: string; end?: boolean } = {}): TapEvent[] {
  const b = { id: { base: 1, stream }, direction: 'outbound' as const, source: web, destination: books, at: o.at ?? stream };
  const out: TapEvent[] = [{ ...b, requestInit: { method: 'GET', scheme: 'http', authority: 'books.demo:7001', path: `/books/${stream}`, headers: [] } }];
  if (o.status !== undefined) out.push({ ...b, at: b.at + 0.1, responseInit: { sinceRequestInitUs: 1500, status: o.status, headers: [{ name: 'content-type', value: 'text/plain' }] } });
  if (o.end !== false)
    out.push({
      ...b,
      at: b.at + 0.2,
      responseEnd: {
        sinceRequestInitUs: 2500,
        sinceResponseInitUs: 1000,
        responseBytes: 10,
        ...(o.grpc !== undefined ? { grpcStatus: o.grpc } : {}),
        ...(o.reset ? { resetError: o.reset } : {}),
        trailers: [],
      },
    });
  return out;
}

describe('addTapEvent + tapRowView', () => {
  it('pairs request init, response init and end by id into one row', () => {
    const rows = createTapRowBuffer(10);
    for (const e of events(1, { status: 200 })) addTapEvent(rows, e);
    expect(rows.size).toBe(1);
    expect(tapRowView([...rows.values()][0]!)).toEqual({
      direction: 'out',
      source: 'web',
      destination: 'books-0',
      method: 'GET',
      path: '/books/1',
      authority: 'books.demo:7001',
      status: 200,
      latencyMs: 2.5,
      grpcStatus: null,
      outcome: 'success',
    });
  });

  it.each<[string, Parameters<typeof events>[1], object]>([
    ['streaming: latency to the head, pending', { status: 200, end: false }, { status: 200, latencyMs: 1.5, outcome: 'pending' }],
    ['5xx fails', { status: 503 }, { outcome: 'failure' }],
    ['4xx succeeds (Linkerd: status < 500)', { status: 404 }, { outcome: 'success' }],
    ['grpc-status decides over 200', { status: 200, grpc: 14 }, { grpcStatus: 14, outcome: 'failure' }],
    ['a reset fails', { reset: 'upstream-reset' }, { status: null, outcome: 'failure' }],
  ])('%s', (_name, o, expected) => {
    const rows = createTapRowBuffer(10);
    for (const e of events(1, o)) addTapEvent(rows, e);
    expect(tapRowView([...rows.values()][0]!)).toMatchObject(expected);
  });

  it('replaces rows rather than mutating them, and keeps sessions apart', () => {
    const rows = createTapRowBuffer(10);
    const [req, rsp] = events(1, { status: 200 });
    const first = addTapEvent(rows, req!);
    const second = addTapEvent(rows, rsp!);
    expect(first).not.toBe(second);
    expect(first.responseInit).toBeUndefined();
    addTapEvent(rows, req!, 1);
    expect([...rows.values()].map((r) => r.key)).toEqual(['0:1:1', '1:1:1']);
  });

  it('gives a response without its request a row of its own', () => {
    const rows = createTapRowBuffer(10);
    addTapEvent(rows, events(7, { status: 200 })[2]!);
    expect(tapRowView([...rows.values()][0]!)).toMatchObject({ method: '', path: '', latencyMs: 2.5, outcome: 'failure' });
  });

  it('keeps only the newest rows', () => {
    const rows = createTapRowBuffer(3);
    for (let i = 1; i <= 5; i += 1) for (const e of events(i, { status: 200 })) addTapEvent(rows, e);
    expect(rows.newestFirst().map((r) => r.requestInit?.requestInit.path)).toEqual(['/books/5', '/books/4', '/books/3']);
    expect(rows.evicted).toBe(2);
  });
});

describe('tapPeerLabel', () => {
  it.each([
    [{ addr: '10.0.0.1:80', meta: { deployment: 'web', pod: 'web-0' } }, 'web'],
    [{ addr: '10.0.0.1:80', meta: { pod: 'web-0' } }, 'web-0'],
    [{ addr: '10.0.0.1:80', meta: {} }, '10.0.0.1'],
    [{ addr: '[::1]:80', meta: {} }, '::1'],
  ])('%j → %s', (peer, label) => expect(tapPeerLabel(peer)).toBe(label));
});

describe('rowEvents', () => {
  it('gives back every event in the order seen', () => {
    const rows = createTapRowBuffer(10);
    const all = [...events(1, { at: 10, status: 200 }), ...events(2, { at: 5, status: 200 })];
    for (const e of all) addTapEvent(rows, e);
    expect(rowEvents(rows.values()).map((e) => [e.id.stream, e.at])).toEqual([
      [2, 5],
      [2, 5.1],
      [2, 5.2],
      [1, 10],
      [1, 10.1],
      [1, 10.2],
    ]);
  });
});
