// Tap and the proxy-overhead histogram on the HTTP/2 endpoint paths (app/endpoint-h2.ts): a gRPC call through
// proxy A's outbound → proxy B's inbound (h2 → h2 on both), and HTTP/1 requests multiplexed A → B as h2
// (`--peer-protocol=http2`: HTTP/1 → h2 on A, restored h2 → HTTP/1.1 on B). Real loopback sockets throughout.
import * as grpc from '@grpc/grpc-js';
import { eventually } from '@signalbox/launch';
import type { TapEvent } from '@signalbox/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningProxy } from '../../src/app/proxy.js';
import { request, scrape } from '../support/client.js';
import { endpoint } from '../support/fake-control-plane.js';
import { unary } from '../support/grpc.js';
import { greeterAuthority, startGreeterMesh, startMesh, type GreeterMesh, type Mesh } from '../support/mesh.js';
import { openTap, type TapClient } from '../support/tap-client.js';

const TOKEN = 'test-tap-token-0123456789';
const sub = (labels: Record<string, string>, extra: object = {}) => ({ v: 1, maxRps: 100, extractHeaders: true, labels, ...extra });
const tapOf = (p: RunningProxy, labels: Record<string, string>, extra?: object) => openTap(`ws://${p.adminAddr}/tap`, sub(labels, extra), TOKEN);

/** The three events of the one request a tap saw, in order, once they are all there. */
async function oneRequest(tap: TapClient): Promise<[TapEvent, TapEvent, TapEvent]> {
  return eventually(() => {
    const events = tap.events();
    expect(events).toHaveLength(3);
    return events as [TapEvent, TapEvent, TapEvent];
  });
}

describe('tap on h2 streams (gRPC, outbound → inbound)', () => {
  const greeter = greeterAuthority;
  let mesh: GreeterMesh | undefined;
  let a: RunningProxy;
  let b: RunningProxy;
  let client: grpc.Client;

  beforeAll(async () => {
    mesh = await startGreeterMesh({ tapToken: TOKEN });
    ({ a, b, client } = mesh);
  });
  afterAll(() => mesh?.close());

  it('streams request init, response init (with headers) and end with grpc-status on both proxies', async () => {
    expect((await unary(client, { name: 'warm' })).error).toBeUndefined(); // discovery and connections settled
    const out = await tapOf(a, { namespace: 'demo', deployment: 'web', pod: 'web-0' });
    const inb = await tapOf(b, { namespace: 'demo', deployment: 'greeter', pod: 'greeter-1' });
    await eventually(() => expect(a.tap.active && b.tap.active).toBe(true));

    const r = await unary(client, { name: 'bob', code: grpc.status.NOT_FOUND });
    expect(r.error?.code).toBe(grpc.status.NOT_FOUND);

    for (const [tap, direction] of [
      [out, 'outbound'],
      [inb, 'inbound'],
    ] as const) {
      const [req, rsp, end] = await oneRequest(tap);
      expect(new Set([req.id.stream, rsp.id.stream, end.id.stream]).size).toBe(1);
      expect(req).toMatchObject({
        direction,
        requestInit: { method: 'POST', scheme: 'http', authority: greeter, path: '/demo.Greeter/SayHello' },
      });
      expect('requestInit' in req && req.requestInit.headers).toContainEqual({ name: 'content-type', value: 'application/grpc' });
      expect(rsp).toMatchObject({ direction, responseInit: { status: 200 } });
      expect('responseInit' in rsp && rsp.responseInit.headers).toContainEqual({ name: 'content-type', value: 'application/grpc+proto' });
      expect(end).toMatchObject({ direction, responseEnd: { grpcStatus: grpc.status.NOT_FOUND } });
      expect('responseEnd' in end && end.responseEnd.sinceRequestInitUs).toBeGreaterThan(0);
      tap.close();
    }
    // The outbound event names the peer from discovery; the inbound one names its own pod as the destination.
    expect(out.events()[0]).toMatchObject({ source: { meta: { pod: 'web-0' } }, destination: { meta: { pod: 'greeter-1' } } });
    expect(inb.events()[0]).toMatchObject({ destination: { meta: { pod: 'greeter-1' } } });
    await eventually(() => expect(a.tap.active || b.tap.active).toBe(false));
  });

  it('exports signalbox_proxy_overhead_ms for h2 streams, with the endpoint labels and no status', async () => {
    const text = await scrape(a.adminAddr);
    const count = text.split('\n').find((l) => l.startsWith('signalbox_proxy_overhead_ms_count{') && l.includes('direction="outbound"'));
    expect(count).toBeDefined();
    expect(count).toContain(`authority="${greeter}"`);
    expect(count).not.toContain('status_code');
    expect(Number(count?.split(' ').at(-1))).toBeGreaterThanOrEqual(2);
    expect(text).toMatch(/signalbox_proxy_overhead_ms_bucket\{le="0\.05",direction="outbound"/);
  });
});

describe('tap on HTTP/1 multiplexed over h2 (--peer-protocol=http2)', () => {
  let mesh: Mesh;
  const books = 'http://books.demo:7000';

  beforeAll(async () => {
    mesh = await startMesh({ peerProtocol: 'http2', tapToken: TOKEN });
    mesh.cp.endpoints('books.demo:7000', [endpoint(mesh.b.inboundAddr, 'books-1')]);
    expect((await request(mesh.a.outboundAddr, `${books}/warm`)).status).toBe(200);
  });
  afterAll(() => mesh.close());

  it('taps the multiplexed request on A (HTTP/1 → h2) and the restored one on B (h2 → HTTP/1.1)', async () => {
    const out = await tapOf(mesh.a, { namespace: 'demo', deployment: 'web' }, { match: { path: { prefix: '/books' } } });
    const inb = await tapOf(mesh.b, { namespace: 'demo', deployment: 'books' }, { match: { path: { prefix: '/books' } } });
    await eventually(() => expect(mesh.a.tap.active && mesh.b.tap.active).toBe(true));
    const reply = await request(mesh.a.outboundAddr, `${books}/books/7`);
    expect(reply.status).toBe(200);
    for (const [tap, direction] of [
      [out, 'outbound'],
      [inb, 'inbound'],
    ] as const) {
      const [req, rsp, end] = await oneRequest(tap);
      expect(req).toMatchObject({ direction, requestInit: { method: 'GET', authority: 'books.demo:7000', path: '/books/7' } });
      expect(rsp).toMatchObject({ responseInit: { status: 200 } });
      expect('responseEnd' in end && end.responseEnd.responseBytes).toBe(reply.body.length);
      expect('responseEnd' in end && end.responseEnd.resetError).toBeUndefined();
      tap.close();
    }
    // Inbound series carry no authority (as Linkerd's): the direction tells them apart.
    expect(await scrape(mesh.a.adminAddr)).toMatch(/^signalbox_proxy_overhead_ms_count\{direction="outbound",authority="books\.demo:7000"[^}]*\} [1-9]/m);
    expect(await scrape(mesh.b.adminAddr)).toMatch(/^signalbox_proxy_overhead_ms_count\{direction="inbound"[^}]*\} [1-9]/m);
  });
});

describe('signalbox_proxy_overhead_ms on the HTTP/1 endpoint path (--peer-protocol=http1)', () => {
  let mesh: Mesh;
  afterAll(() => mesh?.close());

  it('counts each forwarded request once, on both proxies', async () => {
    mesh = await startMesh({ peerProtocol: 'http1' });
    mesh.cp.endpoints('books.demo:7000', [endpoint(mesh.b.inboundAddr, 'books-1')]);
    for (let i = 0; i < 5; i += 1) expect((await request(mesh.a.outboundAddr, `http://books.demo:7000/books/${i}`)).status).toBe(200);
    const count = (text: string, direction: string) =>
      Number(/^signalbox_proxy_overhead_ms_count\{direction="(\w+)"[^}]*\} (\d+)$/m.exec(text.split('\n').filter((l) => l.includes(`direction="${direction}"`)).join('\n'))?.[2]);
    expect(count(await scrape(mesh.a.adminAddr), 'outbound')).toBe(5);
    expect(count(await scrape(mesh.b.adminAddr), 'inbound')).toBe(5);
  });
});
