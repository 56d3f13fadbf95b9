// Discovery-driven routing: failfast causes, endpoints arriving while a request waits, removals, and a control
// plane that is down at start.
import { freeAddr, eventually } from '@signalbox/launch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningProxy } from '../../src/app/proxy.js';
import { json, request, scrape } from '../support/client.js';
import { startEchoServer, type EchoServer, type Echo } from '../support/echo-server.js';
import { endpoint, startFakeControlPlane, type FakeControlPlane } from '../support/fake-control-plane.js';
import { startInProcessProxy } from '../support/mesh.js';

let cp: FakeControlPlane;
let apps: EchoServer[];
let proxy: RunningProxy;

beforeAll(async () => {
  cp = await startFakeControlPlane(await freeAddr());
  apps = [await startEchoServer(await freeAddr(), 'web-1'), await startEchoServer(await freeAddr(), 'web-2')];
  // Idle upstream sockets outlive every test here: only draining a removed endpoint closes them.
  proxy = await startInProcessProxy({ app: await freeAddr(), controlPlane: cp.url, failfastTimeout: 300, poolIdleTimeout: 600_000 });
});
afterAll(async () => {
  await proxy.shutdown();
  for (const a of apps) await a.close();
  await cp.close();
});

const unmeshed = (app: EchoServer, service = 'web') => ({ ...endpoint(app.addr, app.name, service), meshed: false });

describe('discovery', () => {
  it('answers 503 unknown-authority after the failfast wait and counts the error', async () => {
    const reply = await request(proxy.outboundAddr, 'http://nope.demo:80/');
    expect(reply.status).toBe(503);
    expect(reply.headers['signalbox-proxy-error']).toBe('unknown-authority');
    expect(reply.headers['content-type']).toMatch(/^text\/plain/);
    expect(reply.body.toString()).toContain('nope.demo:80');
    const text = await scrape(proxy.adminAddr);
    expect(text).toMatch(
      /response_total\{direction="outbound",authority="nope.demo:80",[^}]*status_code="503",classification="failure",grpc_status="",error="unknown-authority"\} 1/,
    );
  });

  it('answers 503 no-endpoints for a known service without endpoints', async () => {
    cp.endpoints('empty.demo:80', []);
    const reply = await request(proxy.outboundAddr, 'http://empty.demo/');
    expect(reply.status).toBe(503);
    expect(reply.headers['signalbox-proxy-error']).toBe('no-endpoints');
  });

  it('serves a request queued before its endpoint appeared', async () => {
    cp.endpoints('late.demo:8080', []);
    const slowProxy = await startInProcessProxy({ app: await freeAddr(), controlPlane: cp.url, failfastTimeout: 10_000 });
    try {
      const pending = request(slowProxy.outboundAddr, 'http://late.demo:8080/waited');
      await eventually(() => expect(cp.subscriptions('late.demo:8080')).toBeGreaterThan(0));
      cp.endpoints('late.demo:8080', [unmeshed(apps[0] as EchoServer, 'late')]);
      const reply = await pending;
      expect(reply.status).toBe(200);
      expect((await json<Echo>(reply)).url).toBe('/waited');
    } finally {
      await slowProxy.shutdown();
    }
  });

  it('drains a removed endpoint: its in-flight request completes, its idle connections close, no new picks', async () => {
    const [one, two] = apps as [EchoServer, EchoServer];
    cp.endpoints('web.demo:80', [unmeshed(one)]);
    expect((await json<Echo>(await request(proxy.outboundAddr, 'http://web.demo/'))).server).toBe('web-1');
    const inflight = request(proxy.outboundAddr, 'http://web.demo/slow?ms=400');
    // In flight on web-1 once the proxy counted it there.
    const sentToOne = new RegExp(`request_total\\{direction="outbound",authority="web.demo:80",target_addr="${one.addr}",[^}]*\\} 2`);
    await eventually(async () => expect(await scrape(proxy.adminAddr)).toMatch(sentToOne));
    cp.endpoints('web.demo:80', [unmeshed(two)]);
    const served = async (n: number) => {
      const names: string[] = [];
      for (let i = 0; i < n; i++) names.push((await json<Echo>(await request(proxy.outboundAddr, 'http://web.demo/'))).server);
      return names;
    };
    await eventually(async () => expect(await served(4)).toEqual(['web-2', 'web-2', 'web-2', 'web-2']));
    const slow = await inflight;
    expect(slow.status).toBe(200);
    expect(slow.body.toString()).toBe('slow done');
    expect(slow.headers['x-served-by']).toBe('web-1');
    await eventually(() => expect(one.openConnections()).toBe(0));
    expect(cp.subscriptions('web.demo:80')).toBe(1);
  });

  it('routes through a control plane that predates protocol hints (v=3 refused, v=2 asked at once)', async () => {
    const old = await startFakeControlPlane(await freeAddr(), { maxVersion: 2 });
    const p = await startInProcessProxy({ app: await freeAddr(), controlPlane: old.url, failfastTimeout: 5_000 });
    try {
      old.endpoints('old.demo:80', [unmeshed(apps[0] as EchoServer, 'old')]);
      const reply = await request(p.outboundAddr, 'http://old.demo/through-v2');
      expect(reply.status).toBe(200);
      expect((await json<Echo>(reply)).url).toBe('/through-v2');
      expect(old.versionsAsked('old.demo:80')).toEqual([3, 2]);
    } finally {
      await p.shutdown();
      await old.close();
    }
  });

  it('answers discovery-unavailable while the control plane is down, then recovers', async () => {
    const cpAddr = await freeAddr();
    const p = await startInProcessProxy({ app: await freeAddr(), controlPlane: `http://${cpAddr}`, failfastTimeout: 300 });
    let late: FakeControlPlane | undefined;
    try {
      const down = await request(p.outboundAddr, 'http://web.demo/');
      expect(down.status).toBe(503);
      expect(down.headers['signalbox-proxy-error']).toBe('discovery-unavailable');
      late = await startFakeControlPlane(cpAddr);
      late.endpoints('web.demo:80', [unmeshed(apps[1] as EchoServer)]);
      await eventually(async () => {
        const up = await request(p.outboundAddr, 'http://web.demo/');
        expect(up.status).toBe(200);
      });
    } finally {
      await p.shutdown();
      await late?.close();
    }
  });

  // Both names resolve to one stream and one endpoint; each request is still labelled by the name it used.
  it.each([
    ['by name, then by its fully qualified name', 'first', ['first.demo:80', 'first.demo.svc.cluster.local:80']],
    ['by fully qualified name, then by name', 'second', ['second.demo.svc.cluster.local:80', 'second.demo:80']],
  ])('labels each request with its own authority when called %s', async (_, service, authorities) => {
    const app = apps[0] as EchoServer;
    cp.endpoints(`${service}.demo:80`, [unmeshed(app, service)]);
    for (const authority of authorities) expect((await request(proxy.outboundAddr, `http://${authority}/`)).status).toBe(200);
    const text = await scrape(proxy.adminAddr);
    for (const authority of authorities)
      expect(text).toMatch(new RegExp(`^response_total\\{direction="outbound",authority="${authority.replaceAll('.', '\\.')}",target_addr="${app.addr}",[^}]*dst_service="${service}"[^}]*status_code="200"[^}]*\\} 1$`, 'm'));
  });
});
