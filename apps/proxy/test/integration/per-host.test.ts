// Per-host mode: one proxy process serves inbound traffic for several local apps, one inbound listener per app
// (`--inbound-route`), each with that app as the metrics' target; detection runs per listener (an opaque app
// port on one route does not affect the others).
import { eventually, freeAddr } from '@signalbox/launch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningProxy } from '../../src/app/proxy.js';
import { json, request, scrape } from '../support/client.js';
import { startEchoServer, type Echo, type EchoServer } from '../support/echo-server.js';
import { endpoint, startFakeControlPlane, type FakeControlPlane } from '../support/fake-control-plane.js';
import { startInProcessProxy } from '../support/mesh.js';
import { rawConnect, startGreeter, type TcpServer } from '../support/tcp-servers.js';

let cp: FakeControlPlane;
let books: EchoServer;
let authors: EchoServer;
let greeter: TcpServer;
let host: RunningProxy;
let client: RunningProxy;

beforeAll(async () => {
  cp = await startFakeControlPlane(await freeAddr());
  books = await startEchoServer(await freeAddr(), 'books-1');
  authors = await startEchoServer(await freeAddr(), 'authors-1');
  greeter = await startGreeter(await freeAddr(), 'hello from a server-speaks-first app\r\n');
  host = await startInProcessProxy({
    app: books.addr,
    controlPlane: cp.url,
    inboundRoutes: [
      { listen: await freeAddr(), app: authors.addr },
      { listen: await freeAddr(), app: greeter.addr },
    ],
    opaquePorts: [Number(greeter.addr.split(':')[1])],
  });
  client = await startInProcessProxy({ app: await freeAddr(), controlPlane: cp.url });
  cp.endpoints('books.demo:7000', [endpoint(host.inboundAddr, 'books-1', 'books')]);
  cp.endpoints('authors.demo:7000', [endpoint(host.inboundRoutes[0]?.addr as string, 'authors-1', 'authors')]);
});
afterAll(async () => {
  await client.shutdown();
  await host.shutdown();
  await books.close();
  await authors.close();
  await greeter.close();
  await cp.close();
});

describe('one proxy, several local apps', () => {
  it('routes each inbound listener to its own app', async () => {
    const b = await request(client.outboundAddr, 'http://books.demo:7000/b');
    const a = await request(client.outboundAddr, 'http://authors.demo:7000/a');
    expect((await json<Echo>(b)).server).toBe('books-1');
    expect((await json<Echo>(a)).server).toBe('authors-1');
    expect(host.inboundRoutes.map((r) => r.app)).toEqual([authors.addr, greeter.addr]);
  });

  it('labels inbound metrics with each app as target_addr', async () => {
    await eventually(async () => {
      const text = await scrape(host.adminAddr);
      for (const app of [books.addr, authors.addr])
        expect(text).toMatch(
          new RegExp(`response_total\\{direction="inbound",target_addr="${app}",[^}]*status_code="200",classification="success"[^}]*\\} 1`),
        );
    });
  });

  it('serves an opaque, server-speaks-first app on its own route', async () => {
    const conn = await rawConnect(host.inboundRoutes[1]?.addr as string);
    await eventually(() => expect(conn.received()).toBe('hello from a server-speaks-first app\r\n'));
    conn.socket.destroy();
    await eventually(async () =>
      expect(await scrape(host.adminAddr)).toMatch(new RegExp(`tcp_open_total\\{direction="inbound",target_addr="${greeter.addr}",[^}]*peer="dst"\\} 1`)),
    );
  });
});
