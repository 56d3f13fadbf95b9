// The layout keeps what is placed, places newcomers next to their neighbours, and is deterministic.
import { describe, expect, it } from 'vitest';
import { createLayoutCache, layoutGraph, settleLayout, type Point } from './force-layout';

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

describe('settleLayout', () => {
  const ids = nodes('traffic', 'web', 'books', 'authors');
  const links = [link('traffic', 'web'), link('web', 'books'), link('web', 'authors')];
  const before = layoutGraph(ids, links, new Map());
  const drop = { x: before.get('web')!.x + 300, y: before.get('web')!.y };
  const dragged = new Map([...before, ['web', drop]]);

  it('keeps a pinned node exactly where it was dropped and pulls its neighbours after it', () => {
    const after = settleLayout(ids, links, dragged, new Map([['web', drop]]));
    expect(after.get('web')).toEqual(drop);
    for (const id of ['traffic', 'books', 'authors']) expect(distance(after.get(id)!, drop)).toBeLessThan(distance(before.get(id)!, drop));
    expect(settleLayout(ids, links, dragged, new Map([['web', drop]]))).toEqual(after);
  });
});

describe('createLayoutCache', () => {
  const structure = [nodes('a', 'b', 'c'), [link('a', 'b'), link('b', 'c')]] as const;

  it('keeps a pin across refreshes, filters and newcomers, until released', () => {
    const cache = createLayoutCache();
    const start = cache.layout(...structure);
    const drop = { x: start.get('a')!.x - 250, y: start.get('a')!.y + 40 };
    cache.pin('a', drop);
    expect(cache.isPinned('a')).toBe(true);
    const settled = cache.layout(...structure);
    expect(settled.get('a')).toEqual(drop);
    expect(settled.get('b')).not.toEqual(start.get('b'));
    // A refresh with equal data, a filter that hides and brings back `a`, and a new workload: `a` does not move.
    expect(cache.layout(nodes('a', 'b', 'c'), [link('a', 'b'), link('b', 'c')])).toBe(settled);
    cache.layout(nodes('b', 'c'), [link('b', 'c')]);
    expect(cache.layout(...structure).get('a')).toEqual(drop);
    expect(cache.layout(nodes('a', 'b', 'c', 'd'), [link('a', 'b'), link('b', 'c'), link('a', 'd')]).get('a')).toEqual(drop);

    expect(cache.release('a')).toBe(true);
    expect(cache.isPinned('a')).toBe(false);
    const released = cache.layout(nodes('a', 'b', 'c', 'd'), [link('a', 'b'), link('b', 'c'), link('a', 'd')]);
    expect(distance(released.get('a')!, released.get('b')!)).toBeLessThan(distance(drop, settled.get('b')!));
    expect(cache.release('a')).toBe(false);
  });

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
