import type { TapEvent } from '@signalbox/shared';
import { describe, expect, it } from 'vitest';
import { formatTapEvent } from './format-event.js';

const base = {
  id: { base: 0, stream: 1 },
  source: { addr: '127.0.0.1:50412', meta: { tls: 'no_tls_from_remote' } },
  destination: { addr: '127.0.0.1:7101', meta: { namespace: 'demo', pod: 'books-0', tls: 'not_provided_by_service_discovery' } },
  at: 0,
};
const inbound = { ...base, direction: 'inbound' as const };
const outbound = { ...base, direction: 'outbound' as const, id: { base: 3, stream: 42 } };

describe('formatTapEvent', () => {
  it.each<[string, TapEvent, string]>([
    [
      'request (inbound: tls from the source, "in " padded to "out")',
      { ...inbound, requestInit: { method: 'GET', scheme: 'http', authority: 'books.demo:7001', path: '/books', headers: [] } },
      'req id=0:1 proxy=in  src=127.0.0.1:50412 dst=127.0.0.1:7101 tls=no_tls_from_remote :method=GET :authority=books.demo:7001 :path=/books',
    ],
    [
      'response (outbound: tls from the destination)',
      { ...outbound, responseInit: { sinceRequestInitUs: 2733, status: 200, headers: [] } },
      'rsp id=3:42 proxy=out src=127.0.0.1:50412 dst=127.0.0.1:7101 tls=not_provided_by_service_discovery :status=200 latency=2733µs',
    ],
    [
      'end',
      { ...inbound, responseEnd: { sinceRequestInitUs: 2800, sinceResponseInitUs: 44, responseBytes: 291, trailers: [] } },
      'end id=0:1 proxy=in  src=127.0.0.1:50412 dst=127.0.0.1:7101 tls=no_tls_from_remote duration=44µs response-length=291B',
    ],
    [
      'end with grpc-status',
      { ...inbound, responseEnd: { sinceRequestInitUs: 9, sinceResponseInitUs: 5, responseBytes: 0, grpcStatus: 14, trailers: [] } },
      'end id=0:1 proxy=in  src=127.0.0.1:50412 dst=127.0.0.1:7101 tls=no_tls_from_remote grpc-status=Unavailable duration=5µs response-length=0B',
    ],
    [
      'end with a reset',
      { ...inbound, responseEnd: { sinceRequestInitUs: 9, sinceResponseInitUs: 5, responseBytes: 10, resetError: 'upstream-reset', trailers: [] } },
      'end id=0:1 proxy=in  src=127.0.0.1:50412 dst=127.0.0.1:7101 tls=no_tls_from_remote reset-error=upstream-reset duration=5µs response-length=10B',
    ],
  ])('%s', (_name, event, line) => {
    expect(formatTapEvent(event)).toBe(line);
  });

  it('appends sorted src_/dst_ labels with -o wide', () => {
    const line = formatTapEvent({ ...outbound, responseInit: { sinceRequestInitUs: 1, status: 500, headers: [] } }, { wide: true });
    expect(line).toMatch(/ :status=500 latency=1µs src_tls=no_tls_from_remote dst_namespace=demo dst_pod=books-0 dst_tls=not_provided_by_service_discovery$/);
  });
});
