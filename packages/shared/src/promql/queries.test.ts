// The golden-metric PromQL, asserted as exact strings (as viz's stat_summary_test.go does), plus the small
// builders it rests on: label selectors, windows and service authorities; edges and time series likewise.
import { describe, expect, it } from 'vitest';
import { parseServiceAuthority } from '../discovery.js';
import { edgeQueries } from './edges.js';
import { labelSelector, quote } from './labels.js';
import { statQueries, type StatQueryArgs } from './queries.js';
import { timeseriesQueries } from './timeseries.js';
import { windowSchema, windowSeconds } from './window.js';

describe('statQueries', () => {
  const cases: { args: StatQueryArgs; selector: string; tcp: string; by: string }[] = [
    {
      args: { kind: 'deployment', namespace: 'demo', window: '1m' },
      selector: '{deployment!="",direction="inbound",namespace="demo"}', tcp: '{deployment!="",direction="inbound",namespace="demo",peer="src"}',
      by: 'namespace, deployment',
    },
    {
      args: { kind: 'deployment', namespace: 'demo', name: 'books', window: '1m' },
      selector: '{deployment="books",direction="inbound",namespace="demo"}', tcp: '{deployment="books",direction="inbound",namespace="demo",peer="src"}',
      by: 'namespace, deployment',
    },
    {
      args: { kind: 'deployment', window: '30s' },
      selector: '{deployment!="",direction="inbound"}', tcp: '{deployment!="",direction="inbound",peer="src"}',
      by: 'namespace, deployment',
    },
    {
      args: { kind: 'pod', namespace: 'demo', window: '10s' },
      selector: '{direction="inbound",namespace="demo",pod!=""}', tcp: '{direction="inbound",namespace="demo",peer="src",pod!=""}',
      by: 'namespace, pod',
    },
    {
      args: { kind: 'pod', namespace: 'demo', name: 'books-1', window: '1h' },
      selector: '{direction="inbound",namespace="demo",pod="books-1"}', tcp: '{direction="inbound",namespace="demo",peer="src",pod="books-1"}',
      by: 'namespace, pod',
    },
    {
      args: { kind: 'statefulset', namespace: 'demo', name: 'db', window: '1m' },
      selector: '{direction="inbound",namespace="demo",statefulset="db"}', tcp: '{direction="inbound",namespace="demo",peer="src",statefulset="db"}',
      by: 'namespace, statefulset',
    },
    { args: { kind: 'daemonset', window: '1m' }, selector: '{daemonset!="",direction="inbound"}', tcp: '{daemonset!="",direction="inbound",peer="src"}', by: 'namespace, daemonset' },
    { args: { kind: 'pod', window: '1m' }, selector: '{direction="inbound",pod!=""}', tcp: '{direction="inbound",peer="src",pod!=""}', by: 'namespace, pod' },
    {
      args: { kind: 'service', namespace: 'demo', window: '1m' },
      selector: '{direction="outbound",dst_namespace="demo",dst_service!=""}', tcp: '{direction="outbound",dst_namespace="demo",dst_service!="",peer="dst"}',
      by: 'dst_namespace, dst_service',
    },
    {
      args: { kind: 'service', namespace: 'demo', name: 'books', window: '10m' },
      selector: '{direction="outbound",dst_namespace="demo",dst_service="books"}', tcp: '{direction="outbound",dst_namespace="demo",dst_service="books",peer="dst"}',
      by: 'dst_namespace, dst_service',
    },
    { args: { kind: 'service', window: '1m' }, selector: '{direction="outbound",dst_service!=""}', tcp: '{direction="outbound",dst_service!="",peer="dst"}', by: 'dst_namespace, dst_service' },
    { args: { kind: 'namespace', window: '1m' }, selector: '{direction="inbound"}', tcp: '{direction="inbound",peer="src"}', by: 'namespace' },
    {
      args: { kind: 'namespace', name: 'demo', window: '1m' },
      selector: '{direction="inbound",namespace="demo"}', tcp: '{direction="inbound",namespace="demo",peer="src"}',
      by: 'namespace',
    },
    {
      args: { kind: 'namespace', namespace: 'demo', window: '1m' },
      selector: '{direction="inbound",namespace="demo"}', tcp: '{direction="inbound",namespace="demo",peer="src"}',
      by: 'namespace',
    },
  ];

  it.each(cases)('$args.kind ns=$args.namespace name=$args.name', ({ args, selector, tcp, by }) => {
    const w = args.window;
    expect(statQueries(args)).toEqual({
      responses: `sum(increase(response_total${selector}[${w}])) by (${by}, classification, tls)`,
      latencyP50: `histogram_quantile(0.5, sum(irate(response_latency_ms_bucket${selector}[${w}])) by (le, ${by}))`,
      latencyP95: `histogram_quantile(0.95, sum(irate(response_latency_ms_bucket${selector}[${w}])) by (le, ${by}))`,
      latencyP99: `histogram_quantile(0.99, sum(irate(response_latency_ms_bucket${selector}[${w}])) by (le, ${by}))`,
      tcpConnections: `sum(tcp_open_connections${tcp}) by (${by})`,
      tcpReadBytes: `sum(increase(tcp_read_bytes_total${tcp}[${w}])) by (${by})`,
      tcpWriteBytes: `sum(increase(tcp_write_bytes_total${tcp}[${w}])) by (${by})`,
    });
  });

  it('spells one case out in full, with no helper in between', () => {
    const q = statQueries({ kind: 'deployment', namespace: 'demo', name: 'books', window: '1m' });
    expect(q.responses).toBe(
      'sum(increase(response_total{deployment="books",direction="inbound",namespace="demo"}[1m])) by (namespace, deployment, classification, tls)',
    );
    expect(q.latencyP95).toBe(
      'histogram_quantile(0.95, sum(irate(response_latency_ms_bucket{deployment="books",direction="inbound",namespace="demo"}[1m])) by (le, namespace, deployment))',
    );
    expect(q.tcpConnections).toBe(
      'sum(tcp_open_connections{deployment="books",direction="inbound",namespace="demo",peer="src"}) by (namespace, deployment)',
    );
    expect(q.tcpReadBytes).toBe(
      'sum(increase(tcp_read_bytes_total{deployment="books",direction="inbound",namespace="demo",peer="src"}[1m])) by (namespace, deployment)',
    );
  });

  it('spells a service out in full: outbound, by the clients\' dst_service label', () => {
    const q = statQueries({ kind: 'service', namespace: 'demo', window: '1m' });
    expect(q.responses).toBe(
      'sum(increase(response_total{direction="outbound",dst_namespace="demo",dst_service!=""}[1m])) by (dst_namespace, dst_service, classification, tls)',
    );
    expect(q.tcpWriteBytes).toBe(
      'sum(increase(tcp_write_bytes_total{direction="outbound",dst_namespace="demo",dst_service!="",peer="dst"}[1m])) by (dst_namespace, dst_service)',
    );
  });
});

describe('edgeQueries', () => {
  it('spells the mesh-wide edge queries out in full: workloads of every edge kind on both sides', () => {
    expect(edgeQueries({ window: '1m' })).toEqual({
      responses:
        'sum(increase(response_total{direction="outbound",dst_namespace!=""}[1m])) by (namespace, deployment, statefulset, daemonset, dst_namespace, dst_deployment, dst_statefulset, dst_daemonset, classification, tls)',
      latencyP99:
        'histogram_quantile(0.99, sum(irate(response_latency_ms_bucket{direction="outbound",dst_namespace!=""}[1m])) by (le, namespace, deployment, statefulset, daemonset, dst_namespace, dst_deployment, dst_statefulset, dst_daemonset))',
      tcpConnections:
        'sum(tcp_open_connections{direction="outbound",dst_namespace!="",peer="dst"}) by (namespace, deployment, statefulset, daemonset, dst_namespace, dst_deployment, dst_statefulset, dst_daemonset, tls, no_tls_reason, server_id)',
      tcpReadBytes:
        'sum(increase(tcp_read_bytes_total{direction="outbound",dst_namespace!="",peer="dst"}[1m])) by (namespace, deployment, statefulset, daemonset, dst_namespace, dst_deployment, dst_statefulset, dst_daemonset, tls, no_tls_reason, server_id)',
      tcpWriteBytes:
        'sum(increase(tcp_write_bytes_total{direction="outbound",dst_namespace!="",peer="dst"}[1m])) by (namespace, deployment, statefulset, daemonset, dst_namespace, dst_deployment, dst_statefulset, dst_daemonset, tls, no_tls_reason, server_id)',
    });
  });

  it('unions the edges leaving and entering a namespace', () => {
    const q = edgeQueries({ namespace: 'demo', window: '10s' });
    expect(q.responses).toBe(
      'sum(increase(response_total{direction="outbound",dst_namespace!="",namespace="demo"}[10s])) by (namespace, deployment, statefulset, daemonset, dst_namespace, dst_deployment, dst_statefulset, dst_daemonset, classification, tls)' +
        ' or sum(increase(response_total{direction="outbound",dst_namespace="demo"}[10s])) by (namespace, deployment, statefulset, daemonset, dst_namespace, dst_deployment, dst_statefulset, dst_daemonset, classification, tls)',
    );
    expect(q.tcpConnections).toBe(
      'sum(tcp_open_connections{direction="outbound",dst_namespace!="",namespace="demo",peer="dst"}) by (namespace, deployment, statefulset, daemonset, dst_namespace, dst_deployment, dst_statefulset, dst_daemonset, tls, no_tls_reason, server_id)' +
        ' or sum(tcp_open_connections{direction="outbound",dst_namespace="demo",peer="dst"}) by (namespace, deployment, statefulset, daemonset, dst_namespace, dst_deployment, dst_statefulset, dst_daemonset, tls, no_tls_reason, server_id)',
    );
  });
});

describe('timeseriesQueries', () => {
  it.each([
    [{ kind: 'deployment', namespace: 'demo', name: 'books', rateInterval: '20s' }, '{deployment="books",direction="inbound",namespace="demo"}', '20s'],
    [{ kind: 'pod', namespace: 'demo', name: 'books-1', rateInterval: '5s' }, '{direction="inbound",namespace="demo",pod="books-1"}', '5s'],
    [{ kind: 'service', namespace: 'demo', name: 'books', rateInterval: '2m' }, '{direction="outbound",dst_namespace="demo",dst_service="books"}', '2m'],
  ] as const)('%j', (args, selector, r) => {
    expect(timeseriesQueries(args)).toEqual({
      responses: `sum(rate(response_total${selector}[${r}])) by (classification)`,
      latencyP50: `histogram_quantile(0.5, sum(rate(response_latency_ms_bucket${selector}[${r}])) by (le))`,
      latencyP95: `histogram_quantile(0.95, sum(rate(response_latency_ms_bucket${selector}[${r}])) by (le))`,
      latencyP99: `histogram_quantile(0.99, sum(rate(response_latency_ms_bucket${selector}[${r}])) by (le))`,
    });
  });
});

describe('labelSelector', () => {
  it.each([
    [{}, '{}'],
    [{ b: 'x', a: 'y' }, '{a="y",b="x"}'],
    [{ z: { ne: '' }, a: { re: 'books\\.demo(:\\d+)?' } }, '{a=~"books\\\\.demo(:\\\\d+)?",z!=""}'],
    [{ a: undefined, b: 'x' }, '{b="x"}'],
    [{ a: 'say "hi"\nback\\slash' }, '{a="say \\"hi\\"\\nback\\\\slash"}'],
  ] as const)('%j → %s', (matchers, expected) => {
    expect(labelSelector(matchers)).toBe(expected);
  });

  it('gives the same string whatever the key order', () => {
    expect(labelSelector({ namespace: 'a', direction: 'inbound', pod: 'p' })).toBe(
      labelSelector({ pod: 'p', direction: 'inbound', namespace: 'a' }),
    );
  });

  it('quotes PromQL string literals', () => {
    expect(quote('a"b')).toBe('"a\\"b"');
  });
});

describe('windowSeconds', () => {
  it.each([
    ['10s', 10],
    ['1m', 60],
    ['2h', 7200],
    ['90s', 90],
    ['1d', null],
    ['m', null],
    ['1.5m', null],
    ['', null],
  ])('%s → %s', (window, seconds) => {
    expect(windowSeconds(window)).toBe(seconds);
  });

  it('refuses windows shorter than two scrapes', () => {
    expect(windowSchema.safeParse('1s').success).toBe(false);
    expect(windowSchema.safeParse('5s').success).toBe(true);
    expect(windowSchema.safeParse('1x').success).toBe(false);
  });
});

describe('parseServiceAuthority', () => {
  it.each([
    ['books.demo:7000', { service: 'books', namespace: 'demo', port: 7000 }],
    ['books.demo.svc.cluster.local:7000', { service: 'books', namespace: 'demo', port: 7000 }],
    ['books.demo.svc:7000', { service: 'books', namespace: 'demo', port: 7000 }],
    ['Books.Demo:7000', { service: 'books', namespace: 'demo', port: 7000 }],
    ['books.demo', { service: 'books', namespace: 'demo', port: 80 }],
    ['books', null],
    ['books.demo:0', null],
    ['books.demo:70000', null],
    ['127.0.0.1:7000', null],
    ['books.demo.example.com:7000', null],
    ['-books.demo:7000', null],
  ])('%s', (authority, expected) => {
    expect(parseServiceAuthority(authority)).toEqual(expected);
  });
});
