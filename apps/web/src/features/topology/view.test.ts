import { describe, expect, it } from 'vitest';
import { hopChoices, parseTopologyParams, withTopologyParams } from './topology-params';
import { fitView, formatView, panBy, parseView, zoomAt } from './view';

describe('view', () => {
  it('zooms around the pointer: the world point under it stays put', () => {
    const view = { k: 1, x: 100, y: 50 };
    const at = { x: 300, y: 200 };
    const next = zoomAt(view, 2, at);
    const world = { x: (at.x - view.x) / view.k, y: (at.y - view.y) / view.k };
    expect(next.k).toBe(2);
    expect(world.x * next.k + next.x).toBeCloseTo(at.x);
    expect(world.y * next.k + next.y).toBeCloseTo(at.y);
  });

  it('clamps the zoom', () => {
    expect(zoomAt({ k: 3, x: 0, y: 0 }, 10, { x: 0, y: 0 }).k).toBe(4);
    expect(zoomAt({ k: 0.2, x: 0, y: 0 }, 0.01, { x: 0, y: 0 }).k).toBe(0.1);
  });

  it('pans', () => {
    expect(panBy({ k: 2, x: 1, y: 2 }, 10, -5)).toEqual({ k: 2, x: 11, y: -3 });
  });

  it('fits points in the viewport, centred', () => {
    const v = fitView([{ x: -100, y: -50 }, { x: 100, y: 50 }], 600, 400, 50);
    expect(fitView([{ x: -200, y: -50 }, { x: 200, y: 50 }], 600, 400, 50).k).toBe(1.25);
    expect(v.k).toBe(2);
    expect(v).toMatchObject({ x: 300, y: 200 });
    const wide = fitView([{ x: 0, y: 0 }, { x: 1000, y: 0 }], 600, 400, 50);
    expect(wide.k).toBe(0.5);
    expect(fitView([], 600, 400)).toEqual({ k: 1, x: 300, y: 200 });
  });

  it('round-trips through the URL form and refuses junk', () => {
    expect(formatView({ k: 1.23456, x: 10.4, y: -3.6 })).toBe('1.235,10,-4');
    expect(parseView('1.235,10,-4')).toEqual({ k: 1.235, x: 10, y: -4 });
    for (const bad of [null, '', '1,2', 'a,b,c', '0,1,1', '1,2,3,4']) expect(parseView(bad)).toBeNull();
  });
});

describe('topology params', () => {
  it('reads defaults from an empty query', () => {
    expect(parseTopologyParams(new URLSearchParams())).toEqual({ search: '', hideIdle: false, focus: null, hops: 1, view: null, live: false });
  });

  it('reads every parameter and ignores bad hops', () => {
    expect(parseTopologyParams(new URLSearchParams('q=bo&idle=hide&focus=demo/web&hops=2&view=2,5,6&live=1'))).toEqual({
      search: 'bo',
      hideIdle: true,
      focus: 'demo/web',
      hops: 2,
      view: { k: 2, x: 5, y: 6 },
      live: true,
    });
    expect(parseTopologyParams(new URLSearchParams('hops=9')).hops).toBe(1);
    expect(hopChoices).toEqual([1, 2, 3]);
  });

  it('writes a patch, keeps other parameters and drops defaults', () => {
    const current = new URLSearchParams('window=10m&q=bo&hops=2');
    expect(withTopologyParams(current, { search: '', hops: 1, hideIdle: true, focus: 'demo/web', view: { k: 1, x: 2, y: 3 } })).toBe(
      'window=10m&idle=hide&focus=demo%2Fweb&view=1%2C2%2C3',
    );
    expect(withTopologyParams(current, { focus: null, view: null })).toBe('window=10m&q=bo&hops=2');
    expect(withTopologyParams(current, { live: true })).toBe('window=10m&q=bo&hops=2&live=1');
    expect(withTopologyParams(new URLSearchParams('live=1'), { live: false })).toBe('');
  });
});
