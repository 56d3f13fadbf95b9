// A stand-in for a proxy's admin server: Linkerd-format inbound metrics that grow at a known ratio (9 successes
// to 1 failure every tick; successes take ~4 ms, failures ~40 ms), for Prometheus to scrape. Outbound, the same
// requests go on to `authors` over HTTP, and a plain TCP link to `db` moves bytes without any request (the edge
// Linkerd's graph misses).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { latencyBucketsMs } from '@signalbox/shared';

export interface FakeProxy {
  readonly admin: string;
  close(): Promise<void>;
}

const base = 'direction="inbound",tls="no_identity"';
const plain = 'tls="no_identity",no_tls_reason="not_provided_by_service_discovery"';
const toAuthors = `direction="outbound",dst_namespace="demo",dst_deployment="authors",dst_service="authors",${plain}`;
const toDb = `direction="outbound",dst_namespace="demo",dst_deployment="db",dst_service="db",${plain}`;

export async function startFakeProxy({ host = '127.0.0.1', port = 0, tickMs = 100 } = {}): Promise<FakeProxy> {
  let success = 0;
  let failure = 0;
  let ticks = 0;
  const buckets = new Map<number, number>(latencyBucketsMs.map((le) => [le, 0]));
  let sum = 0;
  const observe = (ms: number, n: number) => {
    for (const le of latencyBucketsMs) if (ms <= le) buckets.set(le, (buckets.get(le) ?? 0) + n);
    sum += ms * n;
  };
  const timer = setInterval(() => {
    success += 9;
    failure += 1;
    ticks += 1;
    observe(4, 9);
    observe(40, 1);
  }, tickMs);

  const metrics = () => {
    const count = success + failure;
    const lines = [
      '# TYPE response_total counter',
      `response_total{${base},classification="success",status_code="200"} ${success}`,
      `response_total{${base},classification="failure",status_code="500"} ${failure}`,
      '# TYPE response_latency_ms histogram',
      ...latencyBucketsMs.map((le) => `response_latency_ms_bucket{${base},le="${le}"} ${buckets.get(le)}`),
      `response_latency_ms_bucket{${base},le="+Inf"} ${count}`,
      `response_latency_ms_sum{${base}} ${sum}`,
      `response_latency_ms_count{${base}} ${count}`,
      '# TYPE tcp_open_connections gauge',
      'tcp_open_connections{direction="inbound",peer="src",tls="no_identity"} 2',
      `response_total{${toAuthors},classification="success",status_code="200"} ${success}`,
      `tcp_open_connections{${toAuthors},peer="dst"} 1`,
      `tcp_open_connections{${toDb},peer="dst"} 1`,
      '# TYPE tcp_read_bytes_total counter',
      `tcp_read_bytes_total{${toDb},peer="dst"} ${ticks * 100}`,
      '# TYPE tcp_write_bytes_total counter',
      `tcp_write_bytes_total{${toDb},peer="dst"} ${ticks * 10}`,
    ];
    return `${lines.join('\n')}\n`;
  };

  const server = http.createServer((req, res) => {
    if (req.url === '/metrics') res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(metrics());
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    admin: `${host}:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
