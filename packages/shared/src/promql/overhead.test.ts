// signalbox_proxy_overhead_ms quantiles, asserted as exact strings like the golden-metric queries.
import { describe, expect, it } from 'vitest';
import { edgeOverheadQueries, statOverheadQueries } from './overhead.js';

describe('statOverheadQueries', () => {
  it.each([
    [
      { kind: 'deployment', namespace: 'demo', window: '1m' },
      'histogram_quantile(0.5, sum(irate(signalbox_proxy_overhead_ms_bucket{deployment!="",direction="inbound",namespace="demo"}[1m])) by (le, namespace, deployment))',
      'histogram_quantile(0.99, sum(irate(signalbox_proxy_overhead_ms_bucket{deployment!="",direction="inbound",namespace="demo"}[1m])) by (le, namespace, deployment))',
    ],
    [
      { kind: 'pod', namespace: 'demo', name: 'books-0', window: '10s' },
      'histogram_quantile(0.5, sum(irate(signalbox_proxy_overhead_ms_bucket{direction="inbound",namespace="demo",pod="books-0"}[10s])) by (le, namespace, pod))',
      'histogram_quantile(0.99, sum(irate(signalbox_proxy_overhead_ms_bucket{direction="inbound",namespace="demo",pod="books-0"}[10s])) by (le, namespace, pod))',
    ],
    [
      { kind: 'service', namespace: 'demo', window: '1m' },
      'histogram_quantile(0.5, sum(irate(signalbox_proxy_overhead_ms_bucket{direction="outbound",dst_namespace="demo",dst_service!=""}[1m])) by (le, dst_namespace, dst_service))',
      'histogram_quantile(0.99, sum(irate(signalbox_proxy_overhead_ms_bucket{direction="outbound",dst_namespace="demo",dst_service!=""}[1m])) by (le, dst_namespace, dst_service))',
    ],
    [
      { kind: 'namespace', window: '1h' },
      'histogram_quantile(0.5, sum(irate(signalbox_proxy_overhead_ms_bucket{direction="inbound"}[1h])) by (le, namespace))',
      'histogram_quantile(0.99, sum(irate(signalbox_proxy_overhead_ms_bucket{direction="inbound"}[1h])) by (le, namespace))',
    ],
  ] as const)('%j', (args, p50, p99) => expect(statOverheadQueries(args)).toEqual({ p50, p99 }));
});

describe('edgeOverheadQueries', () => {
  it('spells the mesh-wide queries out in full: per edge outbound, per destination workload inbound', () => {
    expect(edgeOverheadQueries({ window: '1m' })).toEqual({
      outbound: {
        p50: 'histogram_quantile(0.5, sum(irate(signalbox_proxy_overhead_ms_bucket{direction="outbound",dst_namespace!=""}[1m])) by (le, namespace, deployment, statefulset, daemonset, dst_namespace, dst_deployment, dst_statefulset, dst_daemonset))',
        p99: 'histogram_quantile(0.99, sum(irate(signalbox_proxy_overhead_ms_bucket{direction="outbound",dst_namespace!=""}[1m])) by (le, namespace, deployment, statefulset, daemonset, dst_namespace, dst_deployment, dst_statefulset, dst_daemonset))',
      },
      inbound: {
        p50: 'histogram_quantile(0.5, sum(irate(signalbox_proxy_overhead_ms_bucket{direction="inbound"}[1m])) by (le, namespace, deployment, statefulset, daemonset))',
        p99: 'histogram_quantile(0.99, sum(irate(signalbox_proxy_overhead_ms_bucket{direction="inbound"}[1m])) by (le, namespace, deployment, statefulset, daemonset))',
      },
    });
  });

  it('unions the edges leaving and entering a namespace; the destinations’ side stays mesh-wide', () => {
    const q = edgeOverheadQueries({ namespace: 'demo', window: '10s' });
    expect(q.outbound.p99).toBe(
      'histogram_quantile(0.99, sum(irate(signalbox_proxy_overhead_ms_bucket{direction="outbound",dst_namespace!="",namespace="demo"}[10s])) by (le, namespace, deployment, statefulset, daemonset, dst_namespace, dst_deployment, dst_statefulset, dst_daemonset))' +
        ' or histogram_quantile(0.99, sum(irate(signalbox_proxy_overhead_ms_bucket{direction="outbound",dst_namespace="demo"}[10s])) by (le, namespace, deployment, statefulset, daemonset, dst_namespace, dst_deployment, dst_statefulset, dst_daemonset))',
    );
    expect(q.inbound).toEqual(edgeOverheadQueries({ window: '10s' }).inbound);
  });
});
