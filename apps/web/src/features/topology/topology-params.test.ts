// The topology's URL: what a shared link restores, and what writing state back leaves in it.
import { describe, expect, it } from 'vitest';
import { parseTopologyParams, withTopologyParams, type TopologyParams } from './topology-params';

const defaults: TopologyParams = { search: '', hideIdle: false, hideHealthy: false, focus: null, hops: 1, view: null, live: false };

describe('parseTopologyParams', () => {
  const cases: [string, string, Partial<TopologyParams>][] = [
    ['nothing: the defaults', '', {}],
    ['hide healthy', 'healthy=hide', { hideHealthy: true }],
    ['hide healthy and hide idle together', 'idle=hide&healthy=hide', { hideIdle: true, hideHealthy: true }],
    ['any other healthy value is off', 'healthy=1', {}],
    ['every filter at once', 'q=book&healthy=hide&focus=demo%2Fweb&hops=2&live=1', { search: 'book', hideHealthy: true, focus: 'demo/web', hops: 2, live: true }],
    ['hops outside 1–3 fall back to 1', 'hops=9', {}],
    ['a slash in focus need not be escaped', 'focus=demo/web&view=2,5,6', { focus: 'demo/web', view: { k: 2, x: 5, y: 6 } }],
    ['the view', 'view=1.5%2C-10%2C20', { view: { k: 1.5, x: -10, y: 20 } }],
  ];
  it.each(cases)('%s', (_name, query, expected) => {
    expect(parseTopologyParams(new URLSearchParams(query))).toEqual({ ...defaults, ...expected });
  });
});

describe('withTopologyParams', () => {
  it('writes a patch, keeps other parameters and drops defaults', () => {
    const current = new URLSearchParams('window=10m&q=bo&hops=2');
    expect(withTopologyParams(current, { search: '', hops: 1, hideIdle: true, focus: 'demo/web', view: { k: 1, x: 2, y: 3 } })).toBe(
      'window=10m&idle=hide&focus=demo%2Fweb&view=1%2C2%2C3',
    );
    expect(withTopologyParams(current, { focus: null, view: null })).toBe('window=10m&q=bo&hops=2');
    expect(withTopologyParams(current, { live: true })).toBe('window=10m&q=bo&hops=2&live=1');
    expect(withTopologyParams(new URLSearchParams('live=1'), { live: false })).toBe('');
  });

  it('writes hide healthy as healthy=hide and drops it when off, leaving other parameters alone', () => {
    const on = withTopologyParams(new URLSearchParams('window=1m&idle=hide'), { hideHealthy: true });
    expect(on).toBe('window=1m&idle=hide&healthy=hide');
    expect(withTopologyParams(new URLSearchParams(on), { hideHealthy: false })).toBe('window=1m&idle=hide');
  });

  it('round-trips through the parser', () => {
    const state: TopologyParams = { search: 'a b', hideIdle: true, hideHealthy: true, focus: 'demo/books', hops: 3, view: { k: 2, x: 5, y: -6 }, live: true };
    expect(parseTopologyParams(new URLSearchParams(withTopologyParams(new URLSearchParams(), state)))).toEqual(state);
  });
});
