import net from 'node:net';
import { tapMessageSchema, type TapEvent, type TapMatch } from '@signalbox/shared';
import { describe, expect, it } from 'vitest';
import type { Header, RequestHead } from '../http/parse-head.js';
import type { Exchange } from '../http/server.js';
import type { MetricTarget } from '../telemetry/labels.js';
import { RateWindow } from './rate-window.js';
import { TapRegistry, type TapSubscriber } from './registry.js';

const h = (name: string, value: string): Header => ({ name, lower: name.toLowerCase(), value });

function exchange(head: Partial<RequestHead> = {}): Pick<Exchange, 'head' | 'client' | 'startedAt'> {
  return {
    head: { method: 'GET', target: '/books', minor: 1, headers: [h('Host', 'books.demo:7001')], ...head },
    client: new net.Socket(),
    startedAt: 0,
  };
}

const inbound: MetricTarget = { direction: 'inbound', addr: '127.0.0.1:7101', noTlsReason: 'no_tls_from_remote' };
const outbound: MetricTarget = {
  direction: 'outbound',
  addr: '127.0.0.1:7201',
  noTlsReason: 'not_provided_by_service_discovery',
  dst: { namespace: 'demo', service: 'books', deployment: 'books', pod: 'books-1', serviceaccount: 'books' },
};

function subscriber(opts: { match?: TapMatch; perSecond?: number; headers?: boolean; now?: () => number } = {}) {
  const events: TapEvent[] = [];
  const sub: TapSubscriber = {
    match: opts.match,
    rate: new RateWindow(opts.perSecond ?? 100, opts.now ?? (() => 0)),
    extractHeaders: opts.headers ?? false,
    send: (m) => {
      const msg = tapMessageSchema.parse(JSON.parse(m));
      if (msg.type === 'event') events.push(msg.event);
    },
  };
  return { sub, events };
}

describe('TapRegistry', () => {
  it('is inactive, and taps nothing, until someone subscribes', () => {
    const tap = new TapRegistry();
    expect(tap.active).toBe(false);
    const { sub } = subscriber();
    tap.add(sub, {});
    expect(tap.active).toBe(true);
    tap.remove(sub);
    expect(tap.active).toBe(false);
    expect(tap.requestInit(exchange(), inbound)).toBeUndefined();
  });

  it('refuses a request before reading it once every window is spent', () => {
    let now = 0;
    const tap = new TapRegistry({ now: () => now });
    const { sub, events } = subscriber({ perSecond: 1, now: () => now });
    tap.add(sub, {});
    expect(tap.requestInit(exchange(), inbound)).toBeDefined();
    const unreadable = exchange();
    Object.defineProperty(unreadable, 'head', {
      get: () => {
        throw new Error('read a request no window admits');
      },
    });
    expect(tap.requestInit(unreadable, inbound)).toBeUndefined();
    now = 1000;
    expect(tap.requestInit(exchange(), inbound)).toBeDefined();
    expect(events).toHaveLength(2);
  });

  it('emits request init, response init and end with one id, peers and timings', () => {
    let now = 0;
    const tap = new TapRegistry({ now: () => now });
    const { sub, events } = subscriber();
    tap.add(sub, { namespace: 'demo', deployment: 'web', pod: 'web-0' });
    const tapped = tap.requestInit(exchange({ target: 'http://books.demo:7001/books?x=1' }), outbound);
    now = 2.5;
    tapped?.responseInit(200, [h('Content-Type', 'application/json')]);
    now = 3;
    tapped?.responseEnd(291);
    expect(events).toHaveLength(3);
    const [req, rsp, end] = events as [TapEvent, TapEvent, TapEvent];
    expect(req).toMatchObject({
      id: { base: 0, stream: 1 },
      direction: 'outbound',
      source: { meta: { namespace: 'demo', deployment: 'web', pod: 'web-0' } },
      destination: { addr: '127.0.0.1:7201', meta: { pod: 'books-1', tls: 'not_provided_by_service_discovery' } },
      requestInit: { method: 'GET', scheme: 'http', authority: 'books.demo:7001', path: '/books?x=1', headers: [] },
    });
    expect(rsp).toMatchObject({ id: req.id, responseInit: { status: 200, sinceRequestInitUs: 2500, headers: [] } });
    expect(end).toMatchObject({ id: req.id, responseEnd: { sinceRequestInitUs: 3000, sinceResponseInitUs: 500, responseBytes: 291, trailers: [] } });
  });

  it('puts tls on the inbound source and the pod itself on the inbound destination', () => {
    const tap = new TapRegistry();
    const { sub, events } = subscriber();
    tap.add(sub, { pod: 'books-1' });
    tap.requestInit(exchange(), inbound);
    expect(events[0]).toMatchObject({ source: { meta: { tls: 'no_tls_from_remote' } }, destination: { addr: '127.0.0.1:7101', meta: { pod: 'books-1' } } });
  });

  it('says tls=true on an mTLS hop, with the peer identity', () => {
    const tap = new TapRegistry();
    const { sub, events } = subscriber();
    tap.add(sub, { pod: 'web-0' });
    tap.requestInit(exchange(), { ...inbound, tls: { clientId: 'web.demo' } });
    tap.requestInit(exchange(), { ...outbound, tls: { serverId: 'books.demo' } });
    expect(events[0]).toMatchObject({ source: { meta: { tls: 'true', client_id: 'web.demo' } } });
    expect(events[1]).toMatchObject({ destination: { meta: { tls: 'true', server_id: 'books.demo', pod: 'books-1' } } });
  });

  it('redacts sensitive headers, and only sends headers to subscribers that asked', () => {
    const tap = new TapRegistry({ redactHeaders: ['X-Api-Key'] });
    const withHeaders = subscriber({ headers: true });
    const without = subscriber();
    tap.add(withHeaders.sub, {});
    tap.add(without.sub, {});
    const headers = [
      h('Host', 'books.demo:7001'),
      h('Authorization', 'Bearer secret'),
      h('cookie', 'a=b'),
      h('Proxy-Authorization', 'Basic x'),
      h('X-API-Key', 'k'),
      h('Accept', 'application/json'),
    ];
    tap.requestInit(exchange({ headers }), inbound)?.responseInit(200, [h('Set-Cookie', 's=1'), h('Content-Length', '2')]);
    const req = withHeaders.events[0] as Extract<TapEvent, { requestInit: unknown }>;
    expect(req.requestInit.headers).toEqual([
      { name: 'Host', value: 'books.demo:7001' },
      { name: 'Authorization', value: '<redacted>' },
      { name: 'cookie', value: '<redacted>' },
      { name: 'Proxy-Authorization', value: '<redacted>' },
      { name: 'X-API-Key', value: '<redacted>' },
      { name: 'Accept', value: 'application/json' },
    ]);
    const rsp = withHeaders.events[1] as Extract<TapEvent, { responseInit: unknown }>;
    expect(rsp.responseInit.headers).toEqual([
      { name: 'Set-Cookie', value: '<redacted>' },
      { name: 'Content-Length', value: '2' },
    ]);
    expect(JSON.stringify(withHeaders.events)).not.toMatch(/secret|a=b|s=1/);
    expect((without.events[0] as Extract<TapEvent, { requestInit: unknown }>).requestInit.headers).toEqual([]);
  });

  it('applies each subscription’s match and rate limit on its own', () => {
    const tap = new TapRegistry();
    const books = subscriber({ match: { path: { prefix: '/books' } }, perSecond: 2 });
    const all = subscriber({ perSecond: 100 });
    tap.add(books.sub, {});
    tap.add(all.sub, {});
    for (let i = 0; i < 5; i++) tap.requestInit(exchange(), inbound);
    tap.requestInit(exchange({ target: '/authors' }), inbound);
    expect(books.events).toHaveLength(2);
    expect(all.events).toHaveLength(6);
    expect(all.events.map((e) => e.id.stream)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('reports a response the proxy made itself with its error code', () => {
    const tap = new TapRegistry();
    const { sub, events } = subscriber({ headers: true });
    tap.add(sub, {});
    tap.requestInit(exchange(), outbound)?.proxyResponse(502, 'connect-refused', 40);
    expect(events[1]).toMatchObject({ responseInit: { status: 502, headers: [{ name: 'signalbox-proxy-error', value: 'connect-refused' }] } });
    expect(events[2]).toMatchObject({ responseEnd: { responseBytes: 40 } });
  });
});
