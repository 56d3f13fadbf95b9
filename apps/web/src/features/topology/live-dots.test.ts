import type { TapEvent } from '@signalbox/shared';
import { describe, expect, it } from 'vitest';
import { createRateCap, DotTracker, liveTrafficRequests } from './live-dots';

const peer = (deployment: string) => ({ addr: '10.0.0.1:80', meta: { namespace: 'demo', deployment } });
function request(stream: number, o: { status?: number; direction?: 'inbound' | 'outbound'; dst?: string } = {}): TapEvent[] {
  const b = { id: { base: 0, stream }, direction: o.direction ?? ('outbound' as const), source: peer('web'), destination: peer(o.dst ?? 'books'), at: 0 };
  return [
    { ...b, requestInit: { method: 'GET', scheme: 'http', authority: 'a', path: '/', headers: [] } },
    { ...b, responseInit: { sinceRequestInitUs: 1, status: o.status ?? 200, headers: [] } },
    { ...b, responseEnd: { sinceRequestInitUs: 2, sinceResponseInitUs: 1, responseBytes: 0, trailers: [] } },
  ];
}

describe('DotTracker', () => {
  it('makes one dot per outbound request, on its edge, green for success and red for failure', () => {
    const t = new DotTracker();
    const dots = [...request(1), ...request(2, { status: 503, dst: 'authors' }), ...request(3, { direction: 'inbound' })].map((e) => t.add(e));
    expect(dots.filter((d) => d !== null)).toEqual([
      { linkId: 'demo/web>demo/books', ok: true },
      { linkId: 'demo/web>demo/authors', ok: false },
    ]);
  });

  it('puts a StatefulSet destination’s dot on its own node’s link', () => {
    const t = new DotTracker();
    const [, head, end] = request(1);
    const toDb = { ...end!, destination: { addr: '10.0.0.2:5432', meta: { namespace: 'demo', deployment: '', statefulset: 'db' } } };
    t.add({ ...head!, destination: toDb.destination });
    expect(t.add(toDb)).toEqual({ linkId: 'demo/web>demo/statefulset/db', ok: true });
  });

  it('skips peers without a workload (unmeshed destinations)', () => {
    const t = new DotTracker();
    const [, , end] = request(1);
    expect(t.add({ ...end!, destination: { addr: '1.2.3.4:80', meta: {} } })).toBeNull();
  });
});

describe('createRateCap', () => {
  it('allows a burst of perSecond, then refills at perSecond', () => {
    let now = 0;
    const take = createRateCap(50, () => now);
    expect(Array.from({ length: 80 }, take).filter(Boolean)).toHaveLength(50);
    now += 100; // 0.1 s → 5 more
    expect(Array.from({ length: 20 }, take).filter(Boolean)).toHaveLength(5);
    now += 10_000;
    expect(Array.from({ length: 80 }, take).filter(Boolean)).toHaveLength(50);
  });
});

describe('liveTrafficRequests', () => {
  const link = (src: string, rps: number, ns = 'demo', kind: 'deployment' | 'statefulset' = 'deployment') => ({
    source: `${ns}/${src}`,
    edge: { src: { namespace: ns, kind, name: src }, rps },
  });
  it('taps each source workload once, outbound only, busiest first, sharing the dot budget', () => {
    expect(liveTrafficRequests('demo', [link('web', 3), link('traffic', 5), link('web', 4), link('far', 9, 'other')])).toEqual([
      { v: 1, target: { namespace: 'demo', kind: 'deployment', name: 'web' }, match: { direction: 'outbound' }, maxRps: 25 },
      { v: 1, target: { namespace: 'demo', kind: 'deployment', name: 'traffic' }, match: { direction: 'outbound' }, maxRps: 25 },
    ]);
  });
  it('taps a StatefulSet source by its kind', () => {
    expect(liveTrafficRequests('demo', [link('db', 1, 'demo', 'statefulset')]).map((r) => r.target)).toEqual([{ namespace: 'demo', kind: 'statefulset', name: 'db' }]);
  });
  it('taps at most 8 workloads', () =>
    expect(liveTrafficRequests('demo', Array.from({ length: 20 }, (_, i) => link(`w${i}`, i)))).toHaveLength(8));
});
