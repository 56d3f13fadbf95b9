// The layout keeps what is placed, places newcomers next to their neighbours, and is deterministic.
import { describe, expect, it } from 'vitest';
import { createLayoutCache, layoutGraph, type Point } from './force-layout';

const nodes = (...ids: string[]) => ids.map((id) => ({ id }));
const link = (source: string, target: string) => ({ source, target });
const distance = (a: Point, b: Point) => Math.hypot(a.x - b.x, a.y - b.y);

describe('layoutGraph', () => {
  const first = layoutGraph(nodes('traffic', 'web', 'books', 'authors'), [link('traffic', 'web'), link('web', 'books'), link('web', 'authors')], new Map());

  it('places every node at distinct finite coordinates, deterministically', () => {
    expect([...first.keys()]).toEqual(['traffic', 'web', 'books', 'authors']);
    for (const p of first.values()) expect(Number.isFinite(p.x) && Number.isFinite(p.y)).toBe(true);
    const points = [...first.values()];
    for (let i = 0; i < points.length; i++) for (let j = i + 1; j < points.length; j++) expect(distance(points[i]!, points[j]!)).toBeGreaterThan(20);
    expect(layoutGraph(nodes('traffic', 'web', 'books', 'authors'), [link('traffic', 'web'), link('web', 'books'), link('web', 'authors')], new Map())).toEqual(first);
  });

  it('keeps placed nodes exactly and puts a newcomer near its neighbour', () => {
    const next = layoutGraph(
      nodes('traffic', 'web', 'books', 'authors', 'db'),
      [link('traffic', 'web'), link('web', 'books'), link('web', 'authors'), link('books', 'db')],
      first,
    );
    for (const [id, p] of first) expect(next.get(id)).toEqual(p);
    const db = next.get('db')!;
    const books = next.get('books')!;
    expect(distance(db, books)).toBeLessThan(distance(db, next.get('traffic')!));
  });

  it('does not simulate when nothing is new', () => {
    expect(layoutGraph(nodes('web', 'books'), [], first)).toEqual(new Map([['web', first.get('web')], ['books', first.get('books')]]));
  });
});

describe('createLayoutCache', () => {
  it('answers the same map for the same structure and remembers nodes that come back', () => {
    let clock = 0;
    const cache = createLayoutCache(() => (clock += 5));
    const all = cache.layout(nodes('a', 'b', 'c'), [link('a', 'b'), link('b', 'c')]);
    expect(cache.layout(nodes('a', 'b', 'c'), [link('a', 'b'), link('b', 'c')])).toBe(all);
    expect(cache.lastRunMs).toBe(5);
    cache.layout(nodes('a', 'b'), [link('a', 'b')]);
    expect(cache.lastRunMs).toBe(5);
    const back = cache.layout(nodes('a', 'b', 'c'), [link('a', 'b'), link('b', 'c')]);
    expect(back).toEqual(all);
  });
});
