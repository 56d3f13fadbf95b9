import type { TapEvent } from '@signalbox/shared';
import { describe, expect, it } from 'vitest';
import { captureFileName, parseCapture, toCapture } from './capture-file';

const event: TapEvent = {
  id: { base: 0, stream: 1 },
  direction: 'inbound',
  source: { addr: '127.0.0.1:50412', meta: { tls: 'no_tls_from_remote' } },
  destination: { addr: '127.0.0.1:7101', meta: { pod: 'books-0' } },
  at: 1_700_000_000_000,
  requestInit: { method: 'GET', scheme: 'http', authority: 'books.demo:7001', path: '/books', headers: [] },
};
const end: TapEvent = {
  ...{ id: event.id, direction: event.direction, source: event.source, destination: event.destination, at: event.at + 3 },
  responseEnd: { sinceRequestInitUs: 2733, sinceResponseInitUs: 44, responseBytes: 291, trailers: [] },
};

describe('parseCapture', () => {
  it('reads what `signalbox tap -o json` writes (one TapEvent per line) and round-trips an export', () => {
    const text = toCapture([event, end]);
    expect(text.split('\n')).toHaveLength(3);
    expect(parseCapture(text)).toEqual({ events: [event, end], dropped: 0, errors: [], errorCount: 0 });
  });

  it('takes the relay’s raw messages too, summing dropped notices and skipping error notices', () => {
    const text = [
      JSON.stringify({ type: 'event', event }),
      JSON.stringify({ type: 'dropped', count: 4 }),
      JSON.stringify({ type: 'error', code: 'SB_TAP_PROXY_UNAVAILABLE', message: 'gone', pod: 'demo/books-0' }),
      JSON.stringify({ type: 'dropped', count: 1 }),
    ].join('\r\n');
    expect(parseCapture(text)).toMatchObject({ events: [event], dropped: 5, errorCount: 0 });
  });

  it('reports each bad line by number and keeps the good ones', () => {
    const text = ['', JSON.stringify(event), '{oops', '{"id":1}', JSON.stringify({ type: 'nope' }), '  ', JSON.stringify(end)].join('\n');
    const parsed = parseCapture(text);
    expect(parsed.events).toEqual([event, end]);
    expect(parsed.errorCount).toBe(3);
    expect(parsed.errors.map((e) => e.line)).toEqual([3, 4, 5]);
    expect(parsed.errors[0]!.message).toBe('not JSON');
    expect(parsed.errors[1]!.message).toMatch(/^not a tap event/);
  });

  it('keeps only the first errors but counts them all', () => {
    const parsed = parseCapture('x\n'.repeat(50), 3);
    expect(parsed.errors).toHaveLength(3);
    expect(parsed.errorCount).toBe(50);
  });
});

describe('captureFileName', () => {
  it('names the resource and the time, safe for any file system', () =>
    expect(captureFileName('demo deploy/web', new Date(Date.UTC(2024, 4, 1, 10, 20, 30, 456)))).toBe(
      'tap-demo-deploy-web-2024-05-01T10-20-30Z.ndjson',
    ));
});
