// The walking skeleton end to end: traffic → web's proxies → books' and authors' proxies → apps, scraped by a real
// Prometheus, answered by the control plane's `stat` — and what it reports must match the traffic the demo sends.
import { execFile } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { eventually, repoRoot } from '@signalbox/launch';
import type { AppRouter } from '@signalbox/api/router';
import { routesResultSchema, statResultSchema, type StatRow } from '@signalbox/shared';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoMesh, type DemoMesh } from '../../src/mesh.js';

let mesh: DemoMesh;
beforeAll(async () => {
  mesh = await startDemoMesh({ rps: 10 });
});
afterAll(async () => {
  await mesh?.stop();
});

const pod = (name: string) => {
  const found = mesh.pods.find((p) => p.pod.name === name);
  if (!found) throw new Error(`no pod ${name}`);
  return found.pod;
};
const metrics = async (podName: string) => (await fetch(`http://${pod(podName).proxy.admin}/metrics`)).text();
const row = (rows: readonly StatRow[], name: string) => rows.find((r) => r.name === name);

/** An instant query's series as label sets with their values. */
async function query(promql: string): Promise<{ labels: Record<string, string>; value: number }[]> {
  const url = new URL('/api/v1/query', mesh.prometheusUrl);
  url.searchParams.set('query', promql);
  const body = (await (await fetch(url)).json()) as {
    data: { result: { metric: Record<string, string>; value: [number, string] }[] };
  };
  return body.data.result.map((r) => ({ labels: r.metric, value: Number(r.value[1]) }));
}

describe('demo mesh', () => {
  it('counts a request in the caller’s outbound proxy with the destination’s labels', async () => {
    await eventually(async () => {
      const text = await metrics('web-0');
      const line = text.split('\n').find((l) => l.startsWith('response_total{') && l.includes('dst_deployment="books"'));
      expect(line).toBeDefined();
      expect(line).toContain('direction="outbound"');
      expect(line).toContain('authority="books.demo:7001"');
      expect(line).toContain('dst_namespace="demo"');
      expect(line).toContain('dst_service="books"');
      expect(line).toMatch(/dst_pod="books-[01]"/);
      // mTLS to the peer's inbound proxy, whose certificate named the identity discovery expected.
      expect(line).toContain('tls="true"');
      expect(line).toContain('server_id="books.demo.serviceaccount.identity.signalbox.cluster.local"');
      expect(line).toMatch(/target_addr="127\.0\.0\.1:\d+"/);
    });
  });

  it('counts it again in the destination’s inbound proxy, with Linkerd’s latency buckets', async () => {
    await eventually(async () => {
      const text = await metrics('books-0');
      expect(text).toMatch(/^request_total\{[^}]*direction="inbound"/m);
      expect(text).toMatch(/^response_total\{[^}]*direction="inbound"[^}]*status_code="500"[^}]*classification="failure"|^response_total\{[^}]*classification="failure"[^}]*status_code="500"/m);
      expect(text).toMatch(/^response_latency_ms_bucket\{[^}]*le="50000"/m);
      expect(text).toMatch(/^tcp_open_connections\{[^}]*direction="inbound"/m);
      // books-0 fails its 10th request; peak-EWMA may send it fewer than half of books' calls (its first mTLS
      // handshake is a slow first sample), so give it time.
    }, { timeoutMs: 30_000 });
  });

  it('is scraped by Prometheus with namespace, deployment and pod target labels', async () => {
    await eventually(
      async () => {
        const url = new URL('/api/v1/query', mesh.prometheusUrl);
        url.searchParams.set('query', 'sum(request_total{direction="inbound",namespace="demo"}) by (deployment, pod)');
        const body = (await (await fetch(url)).json()) as { data: { result: { metric: Record<string, string> }[] } };
        const pods = body.data.result.map((r) => `${r.metric.deployment}/${r.metric.pod}`).sort();
        // Every HTTP-speaking workload that receives calls (stock speaks opaque TCP; traffic only calls out).
        expect(pods).toEqual([
          'authors/authors-0',
          'books/books-0',
          'books/books-1',
          'feed/feed-0',
          'ratings/ratings-0',
          'web/web-0',
        ]);
      },
      { timeoutMs: 30_000 },
    );
  });

  it('answers tRPC stat with the failure rate the demo produces', async () => {
    const api = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${mesh.apiUrl}/trpc` })] });
    await eventually(
      async () => {
        const result = statResultSchema.parse(await api.stat.query({ kind: 'deployment', namespace: 'demo', window: '30s' }));
        const books = row(result.rows, 'books');
        // books fails exactly one request in ten on each replica.
        expect(books?.successRate).toBeGreaterThan(0.85);
        expect(books?.successRate).toBeLessThan(0.95);
        expect(books?.rps).toBeGreaterThan(3);
        expect(books?.latencyMs.p50).not.toBeNull();
        expect([books?.meshedPods, books?.totalPods]).toEqual([2, 2]);
        const authors = row(result.rows, 'authors');
        expect(authors?.successRate).toBe(1);
        // traffic only calls out: nothing arrives at its inbound proxy.
        expect(row(result.rows, 'traffic')?.successRate).toBeNull();
      },
      { timeoutMs: 45_000, intervalMs: 1000 },
    );
  });

  it('retries books’ GET route: effective success ~100 % at web, actual and books’ own ~90 %', async () => {
    const api = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${mesh.apiUrl}/trpc` })] });
    await eventually(
      async () => {
        const routes = routesResultSchema.parse(await api.routes.query({ namespace: 'demo', service: 'books', window: '30s' }));
        const get = routes.rows.find((r) => r.route === 'GET /books');
        expect(routes.rows.map((r) => r.route)).toEqual(['GET /books', '[DEFAULT]']);
        // One in ten attempts fails, and each failure is retried within the budget (20 % extra load at 10 rps).
        expect(get?.effective.successRate).toBeGreaterThan(0.98);
        expect(get?.actual.successRate).toBeGreaterThan(0.84);
        expect(get?.actual.successRate).toBeLessThan(0.95);
        expect(get?.actual.rps).toBeGreaterThan(get?.effective.rps ?? Infinity);
        expect(get?.latencyMs.p50).not.toBeNull();
        const stat = statResultSchema.parse(await api.stat.query({ kind: 'deployment', namespace: 'demo', window: '30s' }));
        // books still answers one request in ten with a 500 (every attempt reaches it)…
        expect(row(stat.rows, 'books')?.successRate).toBeLessThan(0.95);
        // …while web, whose pages need books, no longer fails because of it.
        expect(row(stat.rows, 'web')?.successRate).toBeGreaterThan(0.97);
      },
      { timeoutMs: 45_000, intervalMs: 1000 },
    );
  });

  it('carries gRPC with grpc_status classification, as Linkerd classifies it', async () => {
    await eventually(
      async () => {
        const series = await query(
          'sum(response_total{direction="inbound",namespace="demo",deployment="ratings"}) by (grpc_status, classification)',
        );
        const outcome = (code: string) => series.find((s) => s.labels.grpc_status === code)?.labels.classification;
        expect(outcome('0')).toBe('success');
        expect(outcome('5')).toBe('success'); // NOT_FOUND
        expect(outcome('14')).toBe('failure'); // UNAVAILABLE
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
  });

  it('carries a WebSocket: the upgrade counted as 101, its frames as TCP bytes', async () => {
    await eventually(
      async () => {
        const upgrades = await query(
          'sum(response_total{direction="inbound",namespace="demo",deployment="feed"}) by (status_code)',
        );
        expect(upgrades.map((s) => s.labels.status_code)).toContain('101');
        const bytes = await query(
          'sum(tcp_read_bytes_total{direction="inbound",namespace="demo",deployment="feed",peer="src"})',
        );
        // Far more than one upgrade request's head: page views keep flowing as WebSocket messages.
        expect(bytes[0]?.value).toBeGreaterThan(2000);
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
  });

  it('carries opaque TCP to stock, with the destination labelled on the caller’s side', async () => {
    await eventually(
      async () => {
        const open = await query(
          'sum(tcp_open_connections{direction="outbound",namespace="demo",deployment="books",peer="dst",dst_deployment="stock"}) by (pod)',
        );
        expect(open.map((s) => s.labels.pod).sort()).toEqual(['books-0', 'books-1']);
        const read = await query('sum(tcp_read_bytes_total{direction="inbound",namespace="demo",deployment="stock",peer="src"})');
        expect(read[0]?.value).toBeGreaterThan(0);
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
  });

  it('runs every hop between meshed workloads over mTLS: metrics on both sides, edges, check', async () => {
    const api = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${mesh.apiUrl}/trpc` })] });
    await eventually(
      async () => {
        // Every caller is meshed: every outbound and inbound series carried mTLS, with the peer's identity.
        const outbound = await query('sum(response_total{direction="outbound",namespace="demo"}) by (tls, dst_deployment, server_id)');
        expect(outbound.map((s) => s.labels.dst_deployment).sort()).toEqual(['authors', 'books', 'feed', 'ratings', 'web']);
        for (const s of outbound) expect(s.labels).toMatchObject({ tls: 'true', server_id: `${s.labels.dst_deployment}.demo.serviceaccount.identity.signalbox.cluster.local` });
        const inbound = await query('sum(response_total{direction="inbound",namespace="demo",deployment="books"}) by (tls, client_id)');
        expect(inbound.map((s) => s.labels)).toEqual([{ tls: 'true', client_id: 'web.demo.serviceaccount.identity.signalbox.cluster.local' }]);
        const opaque = await query('sum(tcp_open_total{direction="inbound",namespace="demo",deployment="stock",peer="src"}) by (tls, client_id)');
        expect(opaque.map((s) => s.labels)).toEqual([{ tls: 'true', client_id: 'books.demo.serviceaccount.identity.signalbox.cluster.local' }]);
        const { edges } = await api.edges.query({ namespace: 'demo', window: '30s' });
        expect(edges.length).toBeGreaterThanOrEqual(6);
        for (const e of edges) expect(e).toMatchObject({ secured: true, noTlsReason: null, serverId: expect.stringMatching(/\.demo\.serviceaccount\.identity\.signalbox\.cluster\.local$/), clientId: expect.stringMatching(/\.demo\.serviceaccount\.identity\.signalbox\.cluster\.local$/) });
      },
      { timeoutMs: 45_000, intervalMs: 1000 },
    );
    // `signalbox check` exits 0: CA valid, every proxy's certificate chains to the anchor, every proxy scraped.
    await eventually(
      async () => {
        const { stdout } = await promisify(execFile)(process.execPath, [path.join(repoRoot, 'apps/cli/dist/main.js'), 'check', '-o', 'json'], {
          env: { ...process.env, SIGNALBOX_API_URL: mesh.apiUrl },
        });
        expect(JSON.parse(stdout)).toMatchObject({ ok: true });
      },
      { timeoutMs: 30_000, intervalMs: 1000 },
    );
  });

  it('still serves an unmeshed client (plaintext to an inbound listener) where identity is not required', async () => {
    const res = await fetch(`http://${pod('books-0').proxy.inbound}/books`);
    expect([200, 500]).toContain(res.status); // books fails one request in ten
    await eventually(async () => expect(await metrics('books-0')).toMatch(/^response_total\{[^}]*direction="inbound"[^}]*tls="no_identity",no_tls_reason="no_tls_from_remote"/m));
  });

  it('refuses plaintext where the registry requires identity (stock), and counts it', async () => {
    const socket = net.connect(Number(pod('stock-0').proxy.inbound.split(':')[1]), '127.0.0.1');
    socket.on('error', () => {});
    socket.write('PING\r\n');
    await new Promise((r) => socket.once('close', r));
    await eventually(async () => expect(await metrics('stock-0')).toMatch(/^inbound_tcp_authz_deny_total\{[^}]*tls="no_identity"[^}]*\} 1$/m));
  });
});
