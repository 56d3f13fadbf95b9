import { describe, expect, it } from 'vitest';
import { fitView, formatView, panBy, parseView, toWorld, zoomAt } from './view';

describe('view', () => {
  it('zooms around the pointer: the world point under it stays put', () => {
    const view = { k: 1, x: 100, y: 50 };
    const at = { x: 300, y: 200 };
    const next = zoomAt(view, 2, at);
    const world = toWorld(view, at);
    expect(next.k).toBe(2);
    expect(world.x * next.k + next.x).toBeCloseTo(at.x);
    expect(world.y * next.k + next.y).toBeCloseTo(at.y);
  });

  it('clamps the zoom', () => {
    expect(zoomAt({ k: 3, x: 0, y: 0 }, 10, { x: 0, y: 0 }).k).toBe(4);
    expect(zoomAt({ k: 0.2, x: 0, y: 0 }, 0.01, { x: 0, y: 0 }).k).toBe(0.1);
  });

  it('maps a screen point back to the graph', () => {
    expect(toWorld({ k: 2, x: 100, y: -50 }, { x: 300, y: 150 })).toEqual({ x: 100, y: 100 });
    expect(toWorld({ k: 1, x: 0, y: 0 }, { x: 7, y: 8 })).toEqual({ x: 7, y: 8 });
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
