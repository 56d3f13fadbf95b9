// Traffic policy for h2 streams: a real @grpc/grpc-js client → proxy A's outbound → proxy B's inbound → grpc-js
// server, the profile pushed by the fake control plane. Route timeouts (DEADLINE_EXCEEDED, the call cancelled on
// the server, the connection still serving; one landing between two attempts) and retries (retryGrpc codes within
// the budget; never for a non-retryable route or a body that cannot be replayed); a plain h2 request on a timed
// route gets 504. Resets before the response head come from a bare h2 server A talks to directly. Counts are
// asserted, never timings beyond "within the timeout + a generous margin".
import http2 from 'node:http2';
import type net from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { eventually, freeAddr } from '@signalbox/launch';
import type { Profile } from '@signalbox/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningProxy } from '../../src/app/proxy.js';
import { endpoint, startFakeControlPlane, type FakeControlPlane } from '../support/fake-control-plane.js';
import { clientStream, greeterClient, startGreeterServer, unary, type GreeterServer, type HelloRequest } from '../support/grpc.js';
import { h2Request, startH2Server } from '../support/h2-server.js';
import { startInProcessProxy } from '../support/mesh.js';
import { metric as sumOf } from '../support/metrics.js';
import { timeoutDuringBackoff } from '../support/timers.js';

const sayHello = '/demo.Greeter/SayHello';
const route = (r: Partial<Profile['routes'][number]> & { name: string }): Profile['routes'][number] => ({ retryable: false, ...r });

let cp: FakeControlPlane;
let server: GreeterServer;
let a: RunningProxy;
let b: RunningProxy;
const clients: grpc.Client[] = [];

beforeAll(async () => {
  cp = await startFakeControlPlane(await freeAddr());
  server = await startGreeterServer(await freeAddr());
  b = await startInProcessProxy({ app: server.addr, controlPlane: cp.url });
  a = await startInProcessProxy({ app: await freeAddr(), controlPlane: cp.url });
});
afterAll(async () => {
  for (const c of clients) c.close();
  await a.shutdown();
  await b.shutdown();
  await server.close();
  await cp.close();
});

const metric = (name: string, labels: Record<string, string>) => sumOf(a, name, labels);

/** A greeter service named `authority` (its endpoint proxy B) with `profile`; a client once the profile is in force. */
async function service(authority: string, profile: Partial<Profile>): Promise<grpc.Client> {
  cp.endpoints(authority, [endpoint(b.inboundAddr, 'greeter-1', 'greeter')]);
  cp.profile(authority, profile);
  const client = greeterClient(a.outboundAddr, authority);
  clients.push(client);
  const name = profile.routes?.[0]?.name ?? '';
  await eventually(async () => {
    expect((await unary(client, { name: `warm-${authority}` })).error).toBeUndefined();
    expect(await metric('route_request_total', { dst: authority, rt_route: name })).toBeGreaterThan(0);
  });
  return client;
}

/** `n` unary calls named `name`, `concurrency` at a time; the status code of each. */
async function calls(client: grpc.Client, n: number, req: { name: string; flaky?: boolean; pad?: string }, concurrency = 4): Promise<number[]> {
  const codes: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next++ < n) codes.push((await unary(client, req)).error?.code ?? grpc.status.OK);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return codes;
}

describe('timeouts', () => {
  it('a slow method ends in DEADLINE_EXCEEDED (timeout) within the route timeout + margin; the server sees the cancel', async () => {
    const client = await service('slow.demo:7003', { routes: [route({ name: 'SayHello', pathRegex: sayHello, timeoutMs: 300 })] });
    const before = server.cancelled();
    const started = performance.now();
    // Another stream on the same connection, in flight meanwhile, is not disturbed.
    const [slow, other] = await Promise.all([unary(client, { name: 'slow', hang: true }), unary(client, { name: 'meanwhile' })]);
    const elapsed = performance.now() - started;
    expect(slow.error?.code).toBe(grpc.status.DEADLINE_EXCEEDED);
    expect(slow.error?.metadata.get('signalbox-proxy-error')).toEqual(['timeout']);
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(300 + 2000);
    expect(other.reply).toEqual({ message: 'hello meanwhile' });
    await eventually(() => expect(server.cancelled()).toBe(before + 1));
    // The connection keeps serving.
    expect((await unary(client, { name: 'after' })).reply).toEqual({ message: 'hello after' });
    const sel = { dst: 'slow.demo:7003', rt_route: 'SayHello', error: 'timeout', classification: 'failure' };
    expect(await metric('route_response_total', { ...sel, grpc_status: '4' })).toBe(1);
  });

  it('a plain h2 request on a timed route gets 504 signalbox-proxy-error: timeout; the app sees the cancel', async () => {
    const app = await startH2Server(await freeAddr(), 'h2-slow');
    cp.endpoints('h2-slow.demo:80', [{ ...endpoint(app.addr, 'h2-slow', 'h2-slow'), meshed: false }]);
    cp.profile('h2-slow.demo:80', { routes: [route({ name: 'slow', pathPrefix: '/slow', timeoutMs: 300 })] });
    const session = http2.connect(`http://${a.outboundAddr}`);
    session.on('error', () => {});
    try {
      const get = (path: string) => h2Request(session, { ':method': 'GET', ':path': path, ':authority': 'h2-slow.demo:80' });
      expect((await get('/warm')).status).toBe(200);
      const started = performance.now();
      const r = await get('/slow');
      expect(performance.now() - started).toBeLessThan(300 + 2000);
      expect(r.status).toBe(504);
      expect(r.headers['signalbox-proxy-error']).toBe('timeout');
      await eventually(() => expect(app.cancelled()).toBe(1));
      expect((await get('/echo')).status).toBe(200);
      expect(await metric('route_response_total', { dst: 'h2-slow.demo:80', rt_route: 'slow', status_code: '504', error: 'timeout' })).toBe(1);
    } finally {
      session.destroy();
      await app.close();
    }
  });

  it('a timeout during the backoff ends the call in DEADLINE_EXCEEDED at once: no attempt after it, the wait cleared, one timeout counted', async () => {
    const client = await service('backoff.demo:7003', {
      routes: [route({ name: 'SayHello', pathRegex: sayHello, retryable: true, retryGrpc: [grpc.status.UNAVAILABLE], timeoutMs: 300 })],
      retryBudget: { retryRatio: 100, minRetriesPerSecond: 1000, ttlMs: 10_000 },
    });
    await timeoutDuringBackoff({
      timeoutMs: 300,
      attempts: () => server.calls('backoff'),
      metric,
      route: { dst: 'backoff.demo:7003', rt_route: 'SayHello' },
      call: async () => {
        const r = await unary(client, { name: 'backoff', code: grpc.status.UNAVAILABLE });
        expect(r.error?.code).toBe(grpc.status.DEADLINE_EXCEEDED);
        expect(r.error?.metadata.get('signalbox-proxy-error')).toEqual(['timeout']);
      },
    });
  });
});

describe('retries', () => {
  it('a method failing UNAVAILABLE 30 % is ≥ 99 % successful with retries; actual success stays ~70 %', async () => {
    const client = await service('flaky.demo:7003', {
      routes: [route({ name: 'SayHello', pathRegex: sayHello, retryable: true, retryGrpc: [grpc.status.UNAVAILABLE] })],
      retryBudget: { retryRatio: 1, minRetriesPerSecond: 10, ttlMs: 10_000 },
    });
    const codes = await calls(client, 300, { name: 'flaky', flaky: true });
    expect(codes.filter((c) => c === grpc.status.OK).length / codes.length).toBeGreaterThanOrEqual(0.99);

    const sel = { dst: 'flaky.demo:7003', rt_route: 'SayHello' };
    const actualAll = await metric('route_actual_response_total', sel);
    const actualOk = await metric('route_actual_response_total', { ...sel, classification: 'success' });
    // The warm-up call counts once on every series.
    expect(await metric('route_request_total', sel)).toBe(301);
    expect(await metric('route_response_total', { ...sel, classification: 'success' })).toBeGreaterThanOrEqual(0.99 * 301);
    expect(actualAll).toBe(server.calls('flaky') + 1);
    expect(server.calls('flaky')).toBeGreaterThan(300);
    expect(actualOk / actualAll).toBeGreaterThan(0.65);
    expect(actualOk / actualAll).toBeLessThan(0.75);
  });

  it('the budget caps the extra attempts at its ratio and counts what it refused (default: the failure classes)', async () => {
    const client = await service('capped.demo:7003', {
      routes: [route({ name: 'SayHello', pathRegex: sayHello, retryable: true })],
      retryBudget: { retryRatio: 0.1, minRetriesPerSecond: 0, ttlMs: 60_000 },
    });
    const codes = await calls(client, 200, { name: 'capped', flaky: true });
    const extra = server.calls('capped') - 200;
    // ~60 failures wanted a retry; the budget allows 10 % of 201 requests.
    expect(extra).toBeGreaterThan(0);
    expect(extra).toBeLessThanOrEqual(Math.ceil(0.1 * 201));
    expect(codes.filter((c) => c === grpc.status.UNAVAILABLE).length).toBe(await metric('route_retryable_total', { dst: 'capped.demo:7003', skipped: 'no_budget' }));
  });

  it('a non-retryable route is never retried', async () => {
    const client = await service('plain.demo:7003', {
      routes: [route({ name: 'SayHello', pathRegex: sayHello })],
      retryBudget: { retryRatio: 1, minRetriesPerSecond: 100, ttlMs: 10_000 },
    });
    const codes = await calls(client, 50, { name: 'plain', flaky: true });
    expect(server.calls('plain')).toBe(50);
    expect(codes.filter((c) => c === grpc.status.UNAVAILABLE).length).toBe(15);
    // Each call is one attempt and one logical response, timed (the warm-up call counts once on every series).
    const sel = { dst: 'plain.demo:7003', rt_route: 'SayHello' };
    await eventually(async () => {
      expect(await metric('route_request_total', sel)).toBe(51);
      expect(await metric('route_response_total', sel)).toBe(51);
      expect(await metric('route_response_total', { ...sel, classification: 'failure' })).toBe(15);
      expect(await metric('route_response_latency_ms_count', sel)).toBe(51);
      expect(await metric('route_actual_response_total', sel)).toBe(51);
    });
  });

  it('a body over 64 KiB, or one not ended when the answer comes, is streamed and never retried', async () => {
    const client = await service('big.demo:7003', {
      routes: [route({ name: 'Greeter', pathPrefix: '/demo.Greeter/', retryable: true, retryGrpc: [grpc.status.UNAVAILABLE] })],
      // No ratio: 3 retries in all, so a stream failing every time ends.
      retryBudget: { retryRatio: 0, minRetriesPerSecond: 0.3, ttlMs: 10_000 },
    });
    const codes = await calls(client, 20, { name: 'big', flaky: true, pad: 'x'.repeat(70 * 1024) }, 1);
    expect(server.calls('big')).toBe(20);
    expect(codes.filter((c) => c === grpc.status.UNAVAILABLE).length).toBe(6);

    const open = await clientStream(client, [{ name: 'open', code: grpc.status.UNAVAILABLE }], false);
    expect(open.error?.code).toBe(grpc.status.UNAVAILABLE);
    expect(server.calls('open')).toBe(1);
    // The same stream, ended: small and complete, so it is retried, failing every time until the budget is spent.
    const ended = await clientStream(client, [{ name: 'ended', code: grpc.status.UNAVAILABLE }]);
    expect(ended.error?.code).toBe(grpc.status.UNAVAILABLE);
    expect(server.calls('ended')).toBe(4);
  });
});

/** How the bare server ends a call after reading all of it: answers, resets the stream, or destroys the connection. */
type Ending = 'ok' | 'rst' | 'die';

interface BareGreeter {
  readonly addr: string;
  calls(name: string): number;
  close(): Promise<void>;
}

/**
 * SayHello on bare node:http2 (the JSON messages the greeter client sends), for endings grpc-js cannot produce: a
 * call named "<ending> once" ends so on its first attempt only, "<ending> <anything else>" every time.
 */
async function startBareGreeter(): Promise<BareGreeter> {
  const addr = await freeAddr();
  const calls = new Map<string, number>();
  const sockets = new Set<net.Socket>();
  const h2 = http2.createServer();
  h2.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  h2.on('stream', (stream) => {
    stream.on('error', () => {});
    const parts: Buffer[] = [];
    stream.on('data', (c: Buffer) => parts.push(c));
    stream.on('end', () => {
      // One message after its 5-byte prefix (compressed flag, length).
      const { name } = JSON.parse(Buffer.concat(parts).subarray(5).toString()) as HelloRequest;
      const n = (calls.get(name) ?? 0) + 1;
      calls.set(name, n);
      const [ending, times] = name.split(' ') as [Ending, string | undefined];
      const once = times === 'once';
      if (ending === 'rst' && !(once && n > 1)) return stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
      // The session's own socket refuses destroy(): the connection's, by its port.
      if (ending === 'die' && !(once && n > 1))
        return void [...sockets].find((sock) => sock.remotePort === stream.session?.socket.remotePort)?.destroy();
      const reply = Buffer.from(JSON.stringify({ message: `hello ${name}` }));
      const prefix = Buffer.alloc(5);
      prefix.writeUInt32BE(reply.length, 1);
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
      stream.once('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
      stream.end(Buffer.concat([prefix, reply]));
    });
  });
  const [host, port] = addr.split(':') as [string, string];
  await new Promise<void>((r) => h2.listen(Number(port), host, () => r()));
  return {
    addr,
    calls: (name) => calls.get(name) ?? 0,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => h2.close(() => r()));
    },
  };
}

describe('a reset before the response head', () => {
  let bare: BareGreeter;
  beforeAll(async () => {
    bare = await startBareGreeter();
  });
  afterAll(() => bare.close());
  // A call the proxy never answers fails the test in 5 s (DEADLINE_EXCEEDED) rather than hanging it.
  const bounded = { deadlineMs: 5000 };

  /** A client of `authority`, served by the bare greeter straight from A; the profile routes the first call. */
  function bareService(authority: string, profile: Partial<Profile>): grpc.Client {
    cp.profile(authority, profile);
    cp.endpoints(authority, [{ ...endpoint(bare.addr, 'bare-1', 'bare'), meshed: false }]);
    const client = greeterClient(a.outboundAddr, authority);
    clients.push(client);
    return client;
  }

  it('is retried on a retryable route, a stream reset as a dead connection, from the budget, counted per attempt', async () => {
    const client = bareService('bare-retry.demo:7003', {
      routes: [route({ name: 'SayHello', pathRegex: sayHello, retryable: true })],
      // Exactly two retries in the window (0.2/s over 10 s), none from the ratio.
      retryBudget: { retryRatio: 0, minRetriesPerSecond: 0.2, ttlMs: 10_000 },
    });
    expect((await unary(client, { name: 'rst once' }, bounded)).reply).toEqual({ message: 'hello rst once' });
    expect((await unary(client, { name: 'die once' }, bounded)).reply).toEqual({ message: 'hello die once' });
    // The budget is spent: this one's failure is the answer.
    const spent = await unary(client, { name: 'die spent' }, bounded);
    expect(spent.error?.code).toBe(grpc.status.UNAVAILABLE);
    expect(spent.error?.metadata.get('signalbox-proxy-error')).toEqual(['upstream-reset']);
    expect([bare.calls('rst once'), bare.calls('die once'), bare.calls('die spent')]).toEqual([2, 2, 1]);

    const sel = { dst: 'bare-retry.demo:7003', rt_route: 'SayHello' };
    expect(await metric('route_request_total', sel)).toBe(3);
    expect(await metric('route_actual_request_total', sel)).toBe(5);
    expect(await metric('route_actual_response_total', { ...sel, error: 'upstream-reset' })).toBe(3);
    expect(await metric('route_actual_response_total', { ...sel, grpc_status: '0', classification: 'success' })).toBe(2);
    expect(await metric('route_response_total', { ...sel, grpc_status: '0', classification: 'success' })).toBe(2);
    expect(await metric('route_response_total', { ...sel, grpc_status: '14', error: 'upstream-reset' })).toBe(1);
    expect(await metric('route_retryable_total', { ...sel, skipped: 'no_budget' })).toBe(1);
  });

  it('is not retried on a non-retryable route: the stream reset is passed on, a dead connection is UNAVAILABLE', async () => {
    const client = bareService('bare-plain.demo:7003', {
      routes: [route({ name: 'SayHello', pathRegex: sayHello })],
      retryBudget: { retryRatio: 10, minRetriesPerSecond: 1000, ttlMs: 10_000 },
    });
    const rst = await unary(client, { name: 'rst plain' }, bounded);
    // RST_STREAM INTERNAL_ERROR, as the server sent it: grpc-js's INTERNAL.
    expect(rst.error?.code).toBe(grpc.status.INTERNAL);
    const die = await unary(client, { name: 'die plain' }, bounded);
    expect(die.error?.code).toBe(grpc.status.UNAVAILABLE);
    expect(die.error?.metadata.get('signalbox-proxy-error')).toEqual(['upstream-reset']);
    expect([bare.calls('rst plain'), bare.calls('die plain')]).toEqual([1, 1]);
    const sel = { dst: 'bare-plain.demo:7003', rt_route: 'SayHello' };
    expect(await metric('route_actual_request_total', sel)).toBe(2);
    expect(await metric('route_response_total', { ...sel, error: 'upstream-reset' })).toBe(2);
  });
});
