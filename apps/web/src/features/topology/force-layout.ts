// The topology's layout: d3-force run to rest synchronously (no per-tick React renders), with positions remembered
// by node id so a refresh never moves what is already on screen. New nodes start next to their placed neighbours
// and settle around them while placed nodes stay pinned: the graph grows, it does not jump.
import { forceCollide, forceLink, forceManyBody, forceSimulation, forceX, forceY, type SimulationNodeDatum } from 'd3-force';

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface LayoutNode {
  readonly id: string;
}

export interface LayoutLink {
  readonly source: string;
  readonly target: string;
}

interface SimNode extends SimulationNodeDatum {
  id: string;
}

/** Ticks to rest from alpha 1 with d3's default decay (alphaMin 0.001): ≈ 300. */
const FULL_TICKS = Math.ceil(Math.log(0.001) / Math.log(1 - 0.0228));
/** Placing a few new nodes among pinned ones needs far less. */
const INCREMENTAL_TICKS = 120;

/**
 * Positions for every node, keeping `previous` ones exactly. Runs the simulation only when some node is new; its
 * randomness is d3's seeded LCG, so equal inputs give equal layouts. Coordinates are centred on (0, 0); the view
 * scales them to the screen.
 */
export function layoutGraph(
  nodes: readonly LayoutNode[],
  links: readonly LayoutLink[],
  previous: ReadonlyMap<string, Point>,
): Map<string, Point> {
  const placed = nodes.filter((n) => previous.has(n.id));
  if (placed.length === nodes.length) return new Map(nodes.map((n) => [n.id, previous.get(n.id)!]));

  const firstLayout = placed.length === 0;
  const neighbours = new Map<string, string[]>();
  for (const l of links) {
    neighbours.set(l.source, [...(neighbours.get(l.source) ?? []), l.target]);
    neighbours.set(l.target, [...(neighbours.get(l.target) ?? []), l.source]);
  }
  const centroid = mean(placed.map((n) => previous.get(n.id)!)) ?? { x: 0, y: 0 };

  const simNodes: SimNode[] = nodes.map((n) => {
    const known = previous.get(n.id);
    if (known) return { id: n.id, x: known.x, y: known.y, fx: known.x, fy: known.y };
    if (firstLayout) return { id: n.id }; // d3 places unplaced nodes on a phyllotaxis spiral
    const near = mean((neighbours.get(n.id) ?? []).flatMap((id) => (previous.has(id) ? [previous.get(id)!] : []))) ?? centroid;
    const angle = hash(n.id) * 2 * Math.PI;
    return { id: n.id, x: near.x + 40 * Math.cos(angle), y: near.y + 40 * Math.sin(angle) };
  });
  const ids = new Set(nodes.map((n) => n.id));
  const simLinks = links.filter((l) => ids.has(l.source) && ids.has(l.target)).map((l) => ({ source: l.source, target: l.target }));

  const sim = forceSimulation<SimNode>(simNodes)
    .force('link', forceLink<SimNode, { source: string; target: string }>(simLinks).id((d) => d.id).distance(120))
    .force('charge', forceManyBody<SimNode>().strength(-260).distanceMax(600).theta(0.9))
    .force('collide', forceCollide<SimNode>(26))
    // Weak pulls to the middle keep disconnected workloads from drifting away.
    .force('x', forceX<SimNode>(0).strength(0.04))
    .force('y', forceY<SimNode>(0).strength(0.04))
    .stop();
  if (!firstLayout) sim.alpha(0.5).alphaDecay(1 - Math.pow(0.001 / 0.5, 1 / INCREMENTAL_TICKS));
  sim.tick(firstLayout ? FULL_TICKS : INCREMENTAL_TICKS);

  return new Map(simNodes.map((n) => [n.id, { x: round(n.x ?? 0), y: round(n.y ?? 0) }]));
}

/**
 * A per-graph-view layout memory: `layout()` answers the same positions for the same structure (so calling it
 * during every render is cheap and idempotent) and remembers every node ever placed, so a node filtered out and
 * back in returns to where it was.
 */
export interface LayoutCache {
  layout(nodes: readonly LayoutNode[], links: readonly LayoutLink[]): ReadonlyMap<string, Point>;
  /** Milliseconds the last simulation run took (0 when positions came from memory). */
  readonly lastRunMs: number;
}

export function createLayoutCache(now: () => number = () => performance.now()): LayoutCache {
  const memory = new Map<string, Point>();
  let key = '';
  let current: ReadonlyMap<string, Point> = new Map();
  let lastRunMs = 0;
  return {
    layout(nodes, links) {
      const next = structureKey(nodes, links);
      if (next === key) return current;
      const started = now();
      current = layoutGraph(nodes, links, memory);
      lastRunMs = now() - started;
      for (const [id, p] of current) memory.set(id, p);
      key = next;
      return current;
    },
    get lastRunMs() {
      return lastRunMs;
    },
  };
}

function structureKey(nodes: readonly LayoutNode[], links: readonly LayoutLink[]): string {
  return `${nodes.map((n) => n.id).join(',')}|${links.map((l) => `${l.source}>${l.target}`).join(',')}`;
}

function mean(points: readonly Point[]): Point | null {
  if (points.length === 0) return null;
  return { x: points.reduce((s, p) => s + p.x, 0) / points.length, y: points.reduce((s, p) => s + p.y, 0) / points.length };
}

/** A stable number in [0, 1) from a string (FNV-1a), for deterministic jitter. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0) / 2 ** 32;
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}
