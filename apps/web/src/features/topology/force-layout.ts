// The topology's layout: d3-force run to rest synchronously (no per-tick React renders), with positions remembered
// by node id so a refresh never moves what is already on screen. New nodes start next to their placed neighbours
// and settle around them while placed nodes stay pinned: the graph grows, it does not jump. A node the user drags
// is pinned where dropped and the others settle around it.
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
/** Placing a few new nodes among pinned ones, or settling after a drag, needs far less. */
const INCREMENTAL_TICKS = 120;
/** A drag moves one node: the rest only needs a nudge, not a new layout (d3's drag examples reheat to 0.3). */
const SETTLE_ALPHA = 0.3;

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
  if (firstLayout) simulate(simNodes, links, 1, FULL_TICKS);
  else simulate(simNodes, links, 0.5, INCREMENTAL_TICKS);
  return positionsOf(simNodes);
}

/**
 * The graph relaxed around user-pinned nodes (d3's fx/fy, as after a drag): every node starts where `positions` has
 * it, pinned ones stay exactly at their pins and the rest move to rest around them. Like `layoutGraph`, deterministic.
 */
export function settleLayout(
  nodes: readonly LayoutNode[],
  links: readonly LayoutLink[],
  positions: ReadonlyMap<string, Point>,
  pins: ReadonlyMap<string, Point>,
): Map<string, Point> {
  const simNodes: SimNode[] = nodes.map((n) => {
    const pin = pins.get(n.id);
    if (pin) return { id: n.id, x: pin.x, y: pin.y, fx: pin.x, fy: pin.y };
    const at = positions.get(n.id);
    return at ? { id: n.id, x: at.x, y: at.y } : { id: n.id };
  });
  simulate(simNodes, links, SETTLE_ALPHA, INCREMENTAL_TICKS);
  return positionsOf(simNodes);
}

/** Runs the forces from `alpha` to rest (d3's alphaMin) in exactly `ticks` ticks, moving the nodes in place. */
function simulate(simNodes: SimNode[], links: readonly LayoutLink[], alpha: number, ticks: number): void {
  const ids = new Set(simNodes.map((n) => n.id));
  const simLinks = links.filter((l) => ids.has(l.source) && ids.has(l.target)).map((l) => ({ source: l.source, target: l.target }));
  forceSimulation<SimNode>(simNodes)
    .force('link', forceLink<SimNode, { source: string; target: string }>(simLinks).id((d) => d.id).distance(120))
    .force('charge', forceManyBody<SimNode>().strength(-260).distanceMax(600).theta(0.9))
    .force('collide', forceCollide<SimNode>(26))
    // Weak pulls to the middle keep disconnected workloads from drifting away.
    .force('x', forceX<SimNode>(0).strength(0.04))
    .force('y', forceY<SimNode>(0).strength(0.04))
    .stop()
    .alpha(alpha)
    .alphaDecay(1 - Math.pow(0.001 / alpha, 1 / ticks))
    .tick(ticks);
}

function positionsOf(simNodes: readonly SimNode[]): Map<string, Point> {
  return new Map(simNodes.map((n) => [n.id, { x: round(n.x ?? 0), y: round(n.y ?? 0) }]));
}

/**
 * A per-graph-view layout memory: `layout()` answers the same positions for the same structure (so calling it
 * during every render is cheap and idempotent) and remembers every node ever placed, so a node filtered out and
 * back in returns to where it was. Pins live here too, so they outlast data refreshes and filters.
 */
export interface LayoutCache {
  layout(nodes: readonly LayoutNode[], links: readonly LayoutLink[]): ReadonlyMap<string, Point>;
  /** Pins a node of the last laid-out graph at `at` (a drop) and settles the rest around it. */
  pin(id: string, at: Point): void;
  /** Frees a pinned node and lets the graph settle with it free; false when it was not pinned. */
  release(id: string): boolean;
  isPinned(id: string): boolean;
  /** Milliseconds the last simulation run took (0 when positions came from memory). */
  readonly lastRunMs: number;
}

export function createLayoutCache(now: () => number = () => performance.now()): LayoutCache {
  const memory = new Map<string, Point>();
  const pins = new Map<string, Point>();
  let key = '';
  let shown: { nodes: readonly LayoutNode[]; links: readonly LayoutLink[] } = { nodes: [], links: [] };
  let current: ReadonlyMap<string, Point> = new Map();
  let lastRunMs = 0;
  const run = (place: () => Map<string, Point>) => {
    const started = now();
    current = place();
    lastRunMs = now() - started;
    for (const [id, p] of current) memory.set(id, p);
  };
  return {
    layout(nodes, links) {
      const next = structureKey(nodes, links);
      if (next === key) return current;
      // Pinned nodes are in memory, and layoutGraph never moves a remembered node: pins hold without being passed.
      run(() => layoutGraph(nodes, links, memory));
      key = next;
      shown = { nodes, links };
      return current;
    },
    pin(id, at) {
      pins.set(id, at);
      run(() => settleLayout(shown.nodes, shown.links, current, pins));
    },
    release(id) {
      if (!pins.delete(id)) return false;
      run(() => settleLayout(shown.nodes, shown.links, current, pins));
      return true;
    },
    isPinned: (id) => pins.has(id),
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
