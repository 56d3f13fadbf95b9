// Traffic policy through a real outbound proxy and real backends, the profile pushed by the fake control plane on
// the v=2 destination stream: retries within the budget (of error responses, and of resets before any response
// head), non-retryable routes, timeouts (one landing between two attempts), failure accrual, traffic split and a
// live weight change over HTTP/1; routes and the split over h2. Counts are asserted, never timings (timeouts get a
// generous margin).
import http from 'node:http';
import http2 from 'node:http2';
import { eventually, freeAddr } from '@signalbox/launch';
import type { Profile } from '@signalbox/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningProxy } from '../../src/app/proxy.js';
import { request, type Reply } from '../support/client.js';
import { endpoint, startFakeControlPlane, type FakeControlPlane } from '../support/fake-control-plane.js';
import { h2Request, startH2Server } from '../support/h2-server.js';
import { startInProcessProxy } from '../support/mesh.js';
import { metric as sumOf } from '../support/metrics.js';
import { timeoutDuringBackoff } from '../support/timers.js';

interface Backend {
  readonly addr: string;
  readonly name: string;
  /** Requests received, by path. */
  readonly received: Map<string, number>;
  /** Request bodies received, by path. */
  readonly bodies: Map<string, string[]>;
  /** Replaces how the backend answers: a status (after a delay), or 'reset': the request is read, then the connection destroyed. */
  answer: (path: string, n: number) => { status: number; delayMs?: number } | 'reset';
  /** Every answer closes its connection. */
  closeEach: boolean;
  /** Connections accepted so far. */
  connections: number;
  close(): Promise<void>;
}

async function backend(name: string): Promise<Backend> {
  const addr = await freeAddr();
  const b: Backend = {
    addr,
    name,
    received: new Map(),
    bodies: new Map(),
    answer: () => ({ status: 200 }),
    closeEach: false,
    connections: 0,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const n = (b.received.get(path) ?? 0) + 1;
    b.received.set(path, n);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      b.bodies.set(path, [...(b.bodies.get(path) ?? []), Buffer.concat(chunks).toString()]);
      const answer = b.answer(path, n);
      if (answer === 'reset') return void req.socket.destroy();
      const { status, delayMs = 0 } = answer;
      setTimeout(() => {
        res.writeHead(status, { 'x-served-by': name, 'content-type': 'text/plain', ...(b.closeEach ? { connection: 'close' } : {}) });
        res.end(`${name} ${status}\n`);
      }, delayMs);
    });
  });
  server.on('connection', () => b.connections++);
  const [host, port] = addr.split(':') as [string, string];
  await new Promise<void>((r) => server.listen(Number(port), host, () => r()));
  return b;
}

const unmeshed = (b: Pick<Backend, 'addr' | 'name'>, service: string) => ({ ...endpoint(b.addr, b.name, service), meshed: false });
const route = (r: Partial<Profile['routes'][number]> & { name: string }): Profile['routes'][number] => ({ retryable: false, ...r });

let cp: FakeControlPlane;
let proxy: RunningProxy;
const backends: Backend[] = [];
const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

async function start(name: string): Promise<Backend> {
  const b = await backend(name);
  backends.push(b);
  return b;
}

beforeAll(async () => {
  cp = await startFakeControlPlane(await freeAddr());
  proxy = await startInProcessProxy({ app: await freeAddr(), controlPlane: cp.url, failfastTimeout: 300 });
});
afterAll(async () => {
  agent.destroy();
  await proxy.shutdown();
  for (const b of backends) await b.close();
  await cp.close();
});

/** `n` requests, `concurrency` at a time; every reply (or the error's message as status 0). */
async function load(url: string, n: number, concurrency = 4, options: { method?: string; body?: string } = {}): Promise<Reply[]> {
  const replies: Reply[] = [];
  let next = 0;
  const worker = async () => {
    while (next++ < n) replies.push(await request(proxy.outboundAddr, url, { agent, ...options }));
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return replies;
}

const metric = (name: string, labels: Record<string, string>) => sumOf(proxy, name, labels);

/** Fails 3 requests in every 10 it receives on `path` (the 2nd, 5th and 8th): exactly 30 %. */
const thirtyPercent = (n: number) => ({ status: [2, 5, 8].includes(n % 10) ? 503 : 200 });

describe('retries', () => {
  it('a route failing 30 % is ≥ 99 % successful with retries; actual success stays ~70 %', async () => {
    const flaky = await start('flaky-1');
    flaky.answer = (_p, n) => thirtyPercent(n);
    cp.endpoints('flaky.demo:80', [unmeshed(flaky, 'flaky')]);
    cp.profile('flaky.demo:80', {
      routes: [route({ name: 'GET /books', method: 'GET', pathPrefix: '/books', retryable: true })],
      retryBudget: { retryRatio: 1, minRetriesPerSecond: 10, ttlMs: 10_000 },
    });
    await eventually(async () => expect((await request(proxy.outboundAddr, 'http://flaky.demo:80/warm', { agent })).status).toBeGreaterThan(0));
    const replies = await load('http://flaky.demo:80/books', 400);
    const ok = replies.filter((r) => r.status === 200).length;
    expect(ok / replies.length).toBeGreaterThanOrEqual(0.99);

    const sel = { direction: 'outbound', dst: 'flaky.demo:80', rt_route: 'GET /books' };
    const effective = await metric('route_response_total', { ...sel, classification: 'success' });
    const requests = await metric('route_request_total', sel);
    const actualOk = await metric('route_actual_response_total', { ...sel, classification: 'success' });
    const actualAll = await metric('route_actual_response_total', sel);
    expect(requests).toBe(400);
    expect(effective / requests).toBeGreaterThanOrEqual(0.99);
    // The backend saw every attempt: 30 % of them failed.
    expect(actualAll).toBe(flaky.received.get('/books'));
    expect(actualOk / actualAll).toBeGreaterThan(0.65);
    expect(actualOk / actualAll).toBeLessThan(0.75);
  });

  it('the budget caps the extra load at its ratio, and counts what it refused', async () => {
    const capped = await start('capped-1');
    capped.answer = (_p, n) => thirtyPercent(n);
    cp.endpoints('capped.demo:80', [unmeshed(capped, 'capped')]);
    cp.profile('capped.demo:80', {
      routes: [route({ name: 'GET', method: 'GET', retryable: true })],
      retryBudget: { retryRatio: 0.2, minRetriesPerSecond: 0, ttlMs: 60_000 },
    });
    await eventually(async () => expect((await request(proxy.outboundAddr, 'http://capped.demo:80/warm', { agent })).status).toBe(200), { timeoutMs: 3000 });
    const before = capped.received.get('/x') ?? 0;
    const replies = await load('http://capped.demo:80/x', 500);
    const attempts = (capped.received.get('/x') ?? 0) - before;
    const retries = attempts - 500;
    expect(retries).toBeGreaterThan(50);
    expect(retries).toBeLessThanOrEqual(0.2 * 501 + 1);
    expect(await metric('route_retryable_total', { dst: 'capped.demo:80', rt_route: 'GET', skipped: 'no_budget' })).toBeGreaterThan(0);
    // Better than without retries, but the budget ran out: not every failure was retried.
    const ok = replies.filter((r) => r.status === 200).length / replies.length;
    expect(ok).toBeGreaterThan(0.75);
    expect(ok).toBeLessThan(0.99);
  });

  it('a non-retryable route is never retried, whatever the budget', async () => {
    const once = await start('once-1');
    once.answer = () => ({ status: 500 });
    cp.endpoints('once.demo:80', [unmeshed(once, 'once')]);
    cp.profile('once.demo:80', {
      routes: [
        route({ name: 'POST /orders', method: 'POST', pathPrefix: '/orders', retryable: false }),
        route({ name: 'GET', method: 'GET', retryable: true }),
      ],
      retryBudget: { retryRatio: 10, minRetriesPerSecond: 1000, ttlMs: 10_000 },
    });
    // The profile comes before the endpoints on the stream: the first request is already routed by it.
    const replies = await load('http://once.demo:80/orders', 20, 2, { method: 'POST', body: 'order' });
    expect(replies.every((r) => r.status === 500)).toBe(true);
    expect(once.received.get('/orders')).toBe(20);
    const sel = { dst: 'once.demo:80', rt_route: 'POST /orders' };
    expect(await metric('route_actual_request_total', sel)).toBe(20);
    expect(await metric('route_response_total', { ...sel, status_code: '500', classification: 'failure' })).toBe(20);
  });

  it('replays a small POST body on a retryable route', async () => {
    const replay = await start('replay-1');
    replay.answer = (_p, n) => ({ status: n % 2 === 1 ? 503 : 200 });
    cp.endpoints('replay.demo:80', [unmeshed(replay, 'replay')]);
    cp.profile('replay.demo:80', { routes: [route({ name: 'PUT', method: 'PUT', retryable: true })] });
    await eventually(async () => {
      const r = await request(proxy.outboundAddr, 'http://replay.demo:80/doc', { agent, method: 'PUT', body: 'x'.repeat(1000) });
      expect(r.status).toBe(200);
    });
  });
});

describe('a reset before the response head', () => {
  // The pool itself sends an idempotent request once more when a reused connection closes with nothing back (the
  // keep-alive race, http/client.ts), below the route's retries: every answer here closes its connection, so each
  // attempt is on a fresh one and only the route decides.
  async function resetting(name: string, answer: Backend['answer']): Promise<Backend> {
    const b = await start(name);
    b.closeEach = true;
    b.answer = answer;
    return b;
  }

  it('is retried on a retryable route (a GET, and a POST whose body was kept), from the budget, counted per attempt', async () => {
    // Each request's first attempt is read, then its connection destroyed; /spent's every attempt.
    const resets = await resetting('resets-1', (path, n) => (path === '/spent' || n === 1 ? 'reset' : { status: 200 }));
    cp.profile('resets.demo:80', {
      routes: [route({ name: 'resets', retryable: true })],
      // Exactly two retries in the window (0.2/s over 10 s), none from the ratio.
      retryBudget: { retryRatio: 0, minRetriesPerSecond: 0.2, ttlMs: 10_000 },
    });
    cp.endpoints('resets.demo:80', [unmeshed(resets, 'resets')]);

    const get = await request(proxy.outboundAddr, 'http://resets.demo:80/get', { agent });
    expect(get.status).toBe(200);
    expect(get.headers['x-served-by']).toBe('resets-1');
    const post = await request(proxy.outboundAddr, 'http://resets.demo:80/post', { agent, method: 'POST', body: 'order 42' });
    expect(post.status).toBe(200);
    expect(resets.bodies.get('/post')).toEqual(['order 42', 'order 42']);
    // The budget is spent: this reset is the answer.
    const spent = await request(proxy.outboundAddr, 'http://resets.demo:80/spent', { agent });
    expect(spent.status).toBe(502);
    expect(spent.headers['signalbox-proxy-error']).toBe('upstream-reset');
    expect(Object.fromEntries(resets.received)).toEqual({ '/get': 2, '/post': 2, '/spent': 1 });

    const sel = { dst: 'resets.demo:80', rt_route: 'resets' };
    expect(await metric('route_request_total', sel)).toBe(3);
    expect(await metric('route_actual_request_total', sel)).toBe(5);
    expect(await metric('route_actual_response_total', { ...sel, status_code: '502', error: 'upstream-reset' })).toBe(3);
    expect(await metric('route_actual_response_total', { ...sel, status_code: '200', classification: 'success' })).toBe(2);
    expect(await metric('route_response_total', { ...sel, status_code: '200', classification: 'success' })).toBe(2);
    expect(await metric('route_response_total', { ...sel, status_code: '502', error: 'upstream-reset' })).toBe(1);
    expect(await metric('route_retryable_total', { ...sel, skipped: 'no_budget' })).toBe(1);
  });

  it('is answered 502 upstream-reset after one attempt on a non-retryable route, or when the body was not kept (chunked)', async () => {
    const resets = await resetting('noretry-1', () => 'reset');
    cp.profile('noretry.demo:80', {
      routes: [
        route({ name: 'POST /orders', method: 'POST', pathPrefix: '/orders' }),
        // A timeout takes the retry loop rather than the direct path: not retryable there either.
        route({ name: 'GET /timed', method: 'GET', pathPrefix: '/timed', timeoutMs: 10_000 }),
        route({ name: 'uploads', pathPrefix: '/uploads', retryable: true }),
      ],
      retryBudget: { retryRatio: 10, minRetriesPerSecond: 1000, ttlMs: 10_000 },
    });
    cp.endpoints('noretry.demo:80', [unmeshed(resets, 'noretry')]);

    async function* chunked() {
      yield Buffer.from('part 1, ');
      yield Buffer.from('part 2');
    }
    const replies = [
      await request(proxy.outboundAddr, 'http://noretry.demo:80/orders', { agent, method: 'POST', body: 'order 7' }),
      await request(proxy.outboundAddr, 'http://noretry.demo:80/timed', { agent }),
      await request(proxy.outboundAddr, 'http://noretry.demo:80/uploads', { agent, method: 'POST', body: chunked() }),
    ];
    for (const r of replies) {
      expect(r.status).toBe(502);
      expect(r.headers['signalbox-proxy-error']).toBe('upstream-reset');
    }
    expect(Object.fromEntries(resets.received)).toEqual({ '/orders': 1, '/timed': 1, '/uploads': 1 });
    expect(resets.bodies.get('/uploads')).toEqual(['part 1, part 2']);
    const sel = { dst: 'noretry.demo:80' };
    expect(await metric('route_actual_request_total', sel)).toBe(3);
    expect(await metric('route_response_total', { ...sel, status_code: '502', error: 'upstream-reset' })).toBe(3);
    expect(await metric('route_retryable_total', { ...sel, skipped: 'no_budget' })).toBe(0);
  });

  it('on a reused connection, is not sent again by the pool for a method that is not idempotent (POST)', async () => {
    const pooled = await start('pooled-1');
    pooled.answer = (_p, n) => (n === 2 ? 'reset' : { status: 200 });
    cp.profile('pooled.demo:80', { routes: [] });
    cp.endpoints('pooled.demo:80', [unmeshed(pooled, 'pooled')]);
    // No body: the pool could send it again as it is, were the method idempotent (the keep-alive race).
    const post = () => request(proxy.outboundAddr, 'http://pooled.demo:80/pay', { agent, method: 'POST', headers: { 'content-length': '0' } });
    expect((await post()).status).toBe(200);
    const second = await post();
    expect(pooled.connections).toBe(1);
    expect(second.status).toBe(502);
    expect(second.headers['signalbox-proxy-error']).toBe('upstream-reset');
    expect(pooled.received.get('/pay')).toBe(2);
  });
});

describe('timeouts', () => {
  it('a slow backend answers 504 signalbox-proxy-error: timeout within the route timeout (+ margin)', async () => {
    const slow = await start('slow-1');
    slow.answer = () => ({ status: 200, delayMs: 5000 });
    cp.endpoints('slow.demo:80', [unmeshed(slow, 'slow')]);
    cp.profile('slow.demo:80', { routes: [route({ name: 'GET', method: 'GET', timeoutMs: 300 })] });
    await eventually(async () => {
      const started = performance.now();
      const r = await request(proxy.outboundAddr, 'http://slow.demo:80/report', { agent });
      const took = performance.now() - started;
      expect(r.status).toBe(504);
      expect(r.headers['signalbox-proxy-error']).toBe('timeout');
      expect(took).toBeLessThan(300 + 2000);
    });
    expect(await metric('route_response_total', { dst: 'slow.demo:80', status_code: '504', classification: 'failure', error: 'timeout' })).toBeGreaterThan(0);
  });

  it('the timeout covers the retries: an always-failing retryable route ends in 504 after several attempts', async () => {
    const broken = await start('broken-1');
    broken.answer = () => ({ status: 503 });
    cp.endpoints('broken.demo:80', [unmeshed(broken, 'broken')]);
    cp.profile('broken.demo:80', {
      routes: [route({ name: 'GET', method: 'GET', retryable: true, timeoutMs: 600 })],
      retryBudget: { retryRatio: 100, minRetriesPerSecond: 1000, ttlMs: 10_000 },
    });
    await eventually(async () => {
      const before = broken.received.get('/x') ?? 0;
      const r = await request(proxy.outboundAddr, 'http://broken.demo:80/x', { agent });
      expect(r.status).toBe(504);
      expect(r.headers['signalbox-proxy-error']).toBe('timeout');
      expect((broken.received.get('/x') ?? 0) - before).toBeGreaterThan(2);
    });
  });

  it('a timeout during the backoff answers 504 at once: no attempt after it, the wait cleared, one timeout counted', async () => {
    const failing = await start('backoff-1');
    failing.answer = () => ({ status: 503 });
    cp.profile('backoff.demo:80', {
      routes: [route({ name: 'GET', method: 'GET', retryable: true, timeoutMs: 300 })],
      retryBudget: { retryRatio: 100, minRetriesPerSecond: 1000, ttlMs: 10_000 },
    });
    cp.endpoints('backoff.demo:80', [unmeshed(failing, 'backoff')]);
    await timeoutDuringBackoff({
      timeoutMs: 300,
      attempts: () => failing.received.get('/x') ?? 0,
      metric,
      route: { dst: 'backoff.demo:80', rt_route: 'GET' },
      call: async () => {
        const r = await request(proxy.outboundAddr, 'http://backoff.demo:80/x', { agent });
        expect(r.status).toBe(504);
        expect(r.headers['signalbox-proxy-error']).toBe('timeout');
      },
    });
  });
});

describe('failure accrual', () => {
  it('ejects an endpoint that answers only 5xx after 7 failures, and readmits it once it recovers', async () => {
    const good = await start('acc-good');
    const bad = await start('acc-bad');
    let badHealthy = false;
    bad.answer = () => ({ status: badHealthy ? 200 : 500 });
    cp.profile('acc.demo:80', {
      failureAccrual: { consecutiveFailures: 7, minPenaltyMs: 400, maxPenaltyMs: 800, jitterRatio: 0 },
    });
    cp.endpoints('acc.demo:80', [unmeshed(good, 'acc'), unmeshed(bad, 'acc')]);
    await eventually(async () => expect((await request(proxy.outboundAddr, 'http://acc.demo:80/warm', { agent })).status).toBeGreaterThan(0));
    // Sequential: each failure on `bad` follows the last with nothing in between on it, so they are consecutive.
    const first = await load('http://acc.demo:80/a', 150, 1);
    const badHits = [...bad.received.values()].reduce((a, b) => a + b, 0);
    expect(badHits).toBeGreaterThanOrEqual(7);
    // Ejected after 7: at most a few probes more while the requests ran (each fails and doubles the penalty).
    expect(badHits).toBeLessThanOrEqual(7 + 4);
    expect(first.filter((r) => r.status === 500).length).toBe(bad.received.get('/a'));
    expect(first.slice(-10).every((r) => r.status === 200)).toBe(true);

    badHealthy = true;
    // The next probe succeeds and bad is back in the pool: it serves a share of the requests again.
    await eventually(
      async () => {
        const before = bad.received.get('/b') ?? 0;
        const replies = await load('http://acc.demo:80/b', 40, 2);
        expect(replies.every((r) => r.status === 200)).toBe(true);
        expect((bad.received.get('/b') ?? 0) - before).toBeGreaterThan(3);
      },
      { timeoutMs: 10_000, intervalMs: 200 },
    );
  });

  it('every endpoint tripped: 503 failfast', async () => {
    const only = await start('ff-1');
    only.answer = () => ({ status: 500 });
    cp.profile('ff.demo:80', { failureAccrual: { consecutiveFailures: 7, minPenaltyMs: 60_000, maxPenaltyMs: 60_000, jitterRatio: 0 } });
    cp.endpoints('ff.demo:80', [unmeshed(only, 'ff')]);
    await eventually(async () => {
      const r = await request(proxy.outboundAddr, 'http://ff.demo:80/x', { agent });
      expect(r.status).toBe(503);
      expect(r.headers['signalbox-proxy-error']).toBe('failfast');
    });
    expect(only.received.get('/x')).toBe(7);
  });
});

describe('traffic split', () => {
  const share = (replies: readonly Reply[], name: string) => replies.filter((r) => r.headers['x-served-by'] === name).length / replies.length;

  it('90/10 over 1 000 requests lands within ±4 %, each backend balanced on its own', async () => {
    const v1 = await start('split-v1');
    const v2a = await start('split-v2-a');
    const v2b = await start('split-v2-b');
    cp.endpoints('split.demo:80', [unmeshed(v1, 'split')]);
    cp.endpoints('split-v2.demo:80', [unmeshed(v2a, 'split-v2'), unmeshed(v2b, 'split-v2')]);
    cp.profile('split.demo:80', {
      dstOverrides: [
        { authority: 'split.demo:80', weight: 90 },
        { authority: 'split-v2.demo:80', weight: 10 },
      ],
    });
    await eventually(async () => {
      const r = await load('http://split.demo:80/x', 40, 4);
      expect(r.some((x) => String(x.headers['x-served-by']).startsWith('split-v2'))).toBe(true);
    });
    const replies = await load('http://split.demo:80/x', 1000, 8);
    expect(replies.every((r) => r.status === 200)).toBe(true);
    const v2Share = share(replies, 'split-v2-a') + share(replies, 'split-v2-b');
    expect(v2Share).toBeGreaterThan(0.06);
    expect(v2Share).toBeLessThan(0.14);
    // Both of split-v2's endpoints served.
    expect(share(replies, 'split-v2-a')).toBeGreaterThan(0);
    expect(share(replies, 'split-v2-b')).toBeGreaterThan(0);
    // Route metrics stay on the logical authority; endpoint metrics name the backend service.
    expect(await metric('route_request_total', { dst: 'split.demo:80', rt_route: '' })).toBeGreaterThanOrEqual(1000);
    expect(await metric('response_total', { authority: 'split.demo:80', dst_service: 'split-v2' })).toBeGreaterThan(50);
  });

  it('a live change to 0/100 moves all traffic with zero failed requests', async () => {
    const a = await start('live-a');
    const b = await start('live-b');
    cp.endpoints('live.demo:80', [unmeshed(a, 'live')]);
    cp.endpoints('live-b.demo:80', [unmeshed(b, 'live-b')]);
    cp.profile('live.demo:80', { dstOverrides: [{ authority: 'live.demo:80', weight: 100 }, { authority: 'live-b.demo:80', weight: 0 }] });
    await eventually(async () => expect((await request(proxy.outboundAddr, 'http://live.demo:80/x', { agent })).headers['x-served-by']).toBe('live-a'));

    const replies: Reply[] = [];
    let stop = false;
    const worker = async () => {
      while (!stop) replies.push(await request(proxy.outboundAddr, 'http://live.demo:80/x', { agent }));
    };
    const running = Promise.all(Array.from({ length: 4 }, worker));
    await eventually(() => expect(replies.length).toBeGreaterThan(50));
    cp.profile('live.demo:80', { dstOverrides: [{ authority: 'live.demo:80', weight: 0 }, { authority: 'live-b.demo:80', weight: 100 }] });
    await eventually(() => expect(replies.slice(-50).every((r) => r.headers['x-served-by'] === 'live-b')).toBe(true));
    const changedAt = replies.length;
    await eventually(() => expect(replies.length).toBeGreaterThan(changedAt + 100));
    stop = true;
    await running;
    expect(replies.filter((r) => r.status !== 200)).toEqual([]);
    expect(replies.slice(changedAt).every((r) => r.headers['x-served-by'] === 'live-b')).toBe(true);
    expect(replies.some((r) => r.headers['x-served-by'] === 'live-a')).toBe(true);
  });
});

describe('h2 streams', () => {
  it('are routed by the profile, counted per route, and split by weight', async () => {
    const one = await startH2Server(await freeAddr(), 'h2-one');
    const two = await startH2Server(await freeAddr(), 'h2-two');
    cp.endpoints('h2.demo:80', [unmeshed({ addr: one.addr, name: 'h2-one' }, 'h2')]);
    cp.endpoints('h2-two.demo:80', [unmeshed({ addr: two.addr, name: 'h2-two' }, 'h2-two')]);
    cp.profile('h2.demo:80', {
      routes: [route({ name: 'GET /items', method: 'GET', pathPrefix: '/items' })],
      dstOverrides: [
        { authority: 'h2.demo:80', weight: 50 },
        { authority: 'h2-two.demo:80', weight: 50 },
      ],
    });
    const session = http2.connect(`http://${proxy.outboundAddr}`);
    session.on('error', () => {});
    try {
      const servers = new Set<string>();
      for (let i = 0; i < 60; i++) {
        const r = await h2Request(session, { ':method': 'GET', ':path': '/items/1', ':authority': 'h2.demo:80' });
        expect(r.status).toBe(200);
        servers.add((JSON.parse(r.body.toString()) as { server: string }).server);
      }
      expect(servers).toEqual(new Set(['h2-one', 'h2-two']));
      expect(await metric('route_response_total', { dst: 'h2.demo:80', rt_route: 'GET /items', classification: 'success' })).toBe(60);
    } finally {
      session.destroy();
      await one.close();
      await two.close();
    }
  });
});
