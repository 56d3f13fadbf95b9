// The proxy's tap endpoint on real loopback sockets: who may subscribe, what the events say about requests the
// proxy really forwarded, filters, redaction, refusals of bad subscriptions, and no tap state left behind.
import { freeAddr, eventually } from '@signalbox/launch';
import type { TapEvent } from '@signalbox/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningProxy } from '../../src/app/proxy.js';
import { request } from '../support/client.js';
import { startEchoServer, type EchoServer } from '../support/echo-server.js';
import { startFakeControlPlane, type FakeControlPlane } from '../support/fake-control-plane.js';
import { startInProcessProxy } from '../support/mesh.js';
import { openTap, upgradeStatus } from '../support/tap-client.js';

const TOKEN = 'test-tap-token-0123456789';
let cp: FakeControlPlane;
let app: EchoServer;
let proxy: RunningProxy;
let untapped: RunningProxy;
const tapUrl = (p: RunningProxy) => `ws://${p.adminAddr}/tap`;
const sub = (extra: object = {}) => ({ v: 1, maxRps: 100, extractHeaders: false, labels: { namespace: 'demo', deployment: 'books', pod: 'books-0' }, ...extra });
const get = (path: string, headers?: Record<string, string>) =>
  request(proxy.inboundAddr, `http://books.demo:7001${path}`, { absolute: false, ...(headers ? { headers } : {}) });

beforeAll(async () => {
  cp = await startFakeControlPlane(await freeAddr());
  app = await startEchoServer(await freeAddr(), 'books-0');
  proxy = await startInProcessProxy({ app: app.addr, controlPlane: cp.url, tapToken: TOKEN, tapRedactHeaders: ['x-api-key'] });
  untapped = await startInProcessProxy({ app: app.addr, controlPlane: cp.url });
});
afterAll(async () => {
  await proxy?.shutdown();
  await untapped?.shutdown();
  await app?.close();
  await cp?.close();
});

const byStream = (events: TapEvent[], stream: number) => events.filter((e) => e.id.stream === stream);

describe('proxy tap', () => {
  it('refuses subscribers without the control plane’s token (401), and is off without a token (404)', async () => {
    expect(await upgradeStatus(tapUrl(proxy))).toBe(401);
    expect(await upgradeStatus(tapUrl(proxy), 'wrong-token-0123456789')).toBe(401);
    expect(await upgradeStatus(tapUrl(untapped), TOKEN)).toBe(404);
    expect(await upgradeStatus(`ws://${proxy.adminAddr}/nope`, TOKEN)).toBe(404);
    expect(await upgradeStatus(tapUrl(proxy), TOKEN)).toBe(0);
  });

  it('streams request init, response init and end for each request it forwards', async () => {
    const tap = await openTap(tapUrl(proxy), sub(), TOKEN);
    await eventually(() => expect(proxy.tap.active).toBe(true));
    expect((await get('/books/1')).status).toBe(200);
    expect((await get('/status?code=503')).status).toBe(503);
    const events = await eventually(() => {
      const e = tap.events();
      expect(e).toHaveLength(6);
      return e;
    });
    const streams = [...new Set(events.map((e) => e.id.stream))];
    expect(streams).toHaveLength(2);
    const [req, rsp, end] = byStream(events, streams[0] as number);
    expect(req).toMatchObject({
      direction: 'inbound',
      destination: { addr: app.addr, meta: { pod: 'books-0', deployment: 'books' } },
      source: { meta: { tls: 'no_tls_from_remote' } },
      requestInit: { method: 'GET', scheme: 'http', authority: 'books.demo:7001', path: '/books/1' },
    });
    expect(req?.source.addr).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(rsp && 'responseInit' in rsp && rsp.responseInit.status).toBe(200);
    expect(rsp && 'responseInit' in rsp && rsp.responseInit.sinceRequestInitUs).toBeGreaterThan(0);
    expect(end && 'responseEnd' in end && end.responseEnd.responseBytes).toBeGreaterThan(50);
    const [, failed] = byStream(events, streams[1] as number);
    expect(failed && 'responseInit' in failed && failed.responseInit.status).toBe(503);
    tap.close();
    await tap.closed;
    // Nobody taps any more: the request path is back to checking one false flag.
    await eventually(() => expect(proxy.tap.active).toBe(false));
  });

  it('includes only what the match selects', async () => {
    const tap = await openTap(tapUrl(proxy), sub({ match: { all: [{ method: 'GET' }, { path: { prefix: '/books' } }] } }), TOKEN);
    const everything = await openTap(tapUrl(proxy), sub(), TOKEN);
    await eventually(() => expect(proxy.tap.subscriberCount).toBe(2));
    await get('/authors');
    await request(proxy.inboundAddr, 'http://books.demo:7001/books', { absolute: false, method: 'POST', body: 'x' });
    await get('/books/2');
    await eventually(() => expect(everything.events()).toHaveLength(9));
    const paths = tap.events().flatMap((e) => ('requestInit' in e ? [`${e.requestInit.method} ${e.requestInit.path}`] : []));
    expect(paths).toEqual(['GET /books/2']);
    expect(tap.events()).toHaveLength(3);
    tap.close();
    everything.close();
  });

  it('redacts sensitive headers', async () => {
    const tap = await openTap(tapUrl(proxy), sub({ extractHeaders: true }), TOKEN);
    await eventually(() => expect(proxy.tap.active).toBe(true));
    await get('/headers', { authorization: 'Bearer s3cret', cookie: 'session=s3cret', 'x-api-key': 's3cret', accept: 'text/plain' });
    const req = await eventually(() => {
      const e = tap.events().find((x) => 'requestInit' in x);
      expect(e).toBeDefined();
      return e as Extract<TapEvent, { requestInit: unknown }>;
    });
    const headers = Object.fromEntries(req.requestInit.headers.map((h) => [h.name.toLowerCase(), h.value]));
    expect(headers).toMatchObject({ authorization: '<redacted>', cookie: '<redacted>', 'x-api-key': '<redacted>', accept: 'text/plain' });
    expect(JSON.stringify(tap.messages)).not.toContain('s3cret');
    tap.close();
  });

  it('closes bad subscriptions with 1008', async () => {
    for (const first of [{ v: 2 }, { ...sub(), maxRps: 0 }, 'not json', { ...sub(), match: { header: 'x' } }]) {
      const tap = await openTap(tapUrl(proxy), first, TOKEN);
      expect((await tap.closed).code).toBe(1008);
    }
    await eventually(() => expect(proxy.tap.active).toBe(false));
  });
});
