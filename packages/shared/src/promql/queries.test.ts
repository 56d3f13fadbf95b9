// The golden-metric PromQL, asserted as exact strings (as viz's stat_summary_test.go does), plus the small
// builders it rests on: label selectors, windows and service authorities.
import { describe, expect, it } from 'vitest';
import { parseServiceAuthority } from '../discovery.js';
import { labelSelector, quote } from './labels.js';
import { statQueries, type StatQueryArgs } from './queries.js';
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
    { args: { kind: 'pod', window: '1m' }, selector: '{direction="inbound",pod!=""}', tcp: '{direction="inbound",peer="src",pod!=""}', by: 'namespace, pod' },
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
