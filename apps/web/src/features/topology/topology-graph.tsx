'use client';
// The topology, presentational (no data fetching, like Linkerd's NetworkGraphBase, so it renders from fixtures):
// workloads as nodes, HTTP and TCP edges as arrows sized by RPS and coloured by success rate, each with a text or
// shape cue too; hover or focus an edge for RPS / success / p99, click a node for its page, an edge for its tap.
// Zoom with the wheel or the buttons, pan by dragging the background; the parent keeps the view in the URL. Drag a
// node to pin it (use-node-drag.ts); double-click a pinned node to release it.
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState, type MouseEvent, type PointerEvent as ReactPointerEvent, type ReactNode } from 'react';
import { detailHref, tapHref } from '../../lib/links';
import { edgeLook, edgeSummary, securityText, splitLabel, type EdgeLevel } from './edge-style';
import type { FilteredGraph } from './filter-graph';
import type { Point } from './force-layout';
import { EXTERNAL_RADIUS, NODE_RADIUS, NodeView } from './node-view';
import type { GraphLink, GraphNode } from './to-graph';
import { useForceLayout } from './use-force-layout';
import { isPlainClick, useNodeDrag } from './use-node-drag';
import { fitView, panBy, zoomAt, type View } from './view';

/** Above this many edges the per-edge lock glyphs are left out (the hover card still says it). */
const MAX_LOCKS = 300;
const levels: readonly EdgeLevel[] = ['good', 'warning', 'poor', 'none', 'tcp'];

export interface TopologyGraphProps {
  readonly graph: FilteredGraph;
  /** The metrics window, carried into the links to detail pages. */
  readonly window: string;
  /** The view from the URL; null: fit the graph. */
  readonly view: View | null;
  /** Called (debounced by the caller) when the user zooms or pans; null means "fit again". */
  readonly onViewChange?: (view: View | null) => void;
  /** Pixels; by default 480, or 360 on narrow screens. */
  readonly height?: number;
  /** Drawn above the edges, in graph coordinates (live traffic dots). */
  readonly overlay?: (positions: ReadonlyMap<string, Point>) => ReactNode;
}

export function TopologyGraph({ graph, window, view, onViewChange, height: fixedHeight, overlay }: TopologyGraphProps) {
  const router = useRouter();
  const layout = useForceLayout(graph.nodes, graph.links);
  const containerRef = useRef<HTMLDivElement>(null);
  const svgRef = useRef<SVGSVGElement>(null);
  const [width, setWidth] = useState(800);
  const [userView, setUserView] = useState<View | null>(view);
  const [hovered, setHovered] = useState<GraphLink | null>(null);
  const drag = useRef<{ x: number; y: number; view: View } | null>(null);

  useEffect(() => {
    const el = containerRef.current;
    if (!el) return;
    const observer = new ResizeObserver(([entry]) => entry && setWidth(Math.max(200, Math.round(entry.contentRect.width))));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const height = fixedHeight ?? (width < 600 ? 360 : 480);
  const current = userView ?? fitView(labelBounds(graph.nodes, layout.positions), width, height, 24);
  const nodeDrag = useNodeDrag({
    svgRef,
    view: current,
    layout,
    holdView: (v) => setUserView((u) => u ?? v),
    open: (href) => router.push(href),
  });
  const { moving } = nodeDrag;
  const positions = moving ? new Map([...layout.positions, [moving.id, moving.at]]) : layout.positions;

  // React's wheel listener is passive; zooming must stop the page from scrolling, so this one is not.
  const viewRef = useRef(current);
  useEffect(() => {
    viewRef.current = current;
  });
  useEffect(() => {
    const svg = svgRef.current;
    if (!svg) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const box = svg.getBoundingClientRect();
      const next = zoomAt(viewRef.current, Math.exp(-e.deltaY * 0.0015), { x: e.clientX - box.left, y: e.clientY - box.top });
      setUserView(next);
      onViewChange?.(next);
    };
    svg.addEventListener('wheel', onWheel, { passive: false });
    return () => svg.removeEventListener('wheel', onWheel);
  }, [onViewChange]);

  const change = (next: View | null) => {
    setUserView(next);
    onViewChange?.(next);
  };
  const zoomButton = (factor: number) => change(zoomAt(current, factor, { x: width / 2, y: height / 2 }));

  const onPointerDown = (e: ReactPointerEvent<SVGRectElement>) => {
    drag.current = { x: e.clientX, y: e.clientY, view: current };
    e.currentTarget.setPointerCapture(e.pointerId);
  };
  const onPointerMove = (e: ReactPointerEvent<SVGRectElement>) => {
    const d = drag.current;
    if (d) setUserView(panBy(d.view, e.clientX - d.x, e.clientY - d.y));
  };
  const onPointerUp = (e: ReactPointerEvent<SVGRectElement>) => {
    const d = drag.current;
    drag.current = null;
    if (d && (e.clientX !== d.x || e.clientY !== d.y)) onViewChange?.(panBy(d.view, e.clientX - d.x, e.clientY - d.y));
  };

  /** Client-side navigation for SVG links (next/link renders HTML anchors only); modified clicks stay native. */
  const navigate = (href: string) => (e: MouseEvent) => {
    if (!isPlainClick(e)) return;
    e.preventDefault();
    router.push(href);
  };

  const pairs = new Set(graph.links.map((l) => l.id));
  const external = new Set(graph.nodes.filter((n) => n.external).map((n) => n.id));
  const showLocks = graph.links.length <= MAX_LOCKS;
  const hoveredAt = hovered ? midpoint(positions, hovered) : null;

  return (
    <div className="topology" ref={containerRef}>
      <div className="topology-zoom" role="group" aria-label="Zoom">
        <button type="button" onClick={() => zoomButton(1.25)} aria-label="Zoom in">
          +
        </button>
        <button type="button" onClick={() => zoomButton(0.8)} aria-label="Zoom out">
          −
        </button>
        <button type="button" onClick={() => change(null)} aria-label="Fit the graph">
          Fit
        </button>
      </div>
      <svg
        ref={svgRef}
        className="topology-svg"
        width={width}
        height={height}
        role="img"
        aria-label={`Topology: ${graph.nodes.length} workloads, ${graph.links.length} edges`}
        data-nodes={graph.nodes.length}
        data-edges={graph.links.length}
      >
        <defs>
          {levels.map((level) => (
            <marker key={level} id={`arrow-${level}`} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="5" markerHeight="5" orient="auto-start-reverse">
              <path d="M 0 0 L 10 5 L 0 10 z" className={`arrow level-${level}`} />
            </marker>
          ))}
        </defs>
        <rect
          className="topology-background"
          width={width}
          height={height}
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
        />
        <g transform={`translate(${current.x},${current.y}) scale(${current.k})`}>
          <g className="topology-edges">
            {graph.links.map((link) => (
              <EdgeView
                key={link.id}
                link={link}
                positions={positions}
                external={external}
                curved={pairs.has(`${link.target}>${link.source}`)}
                showLock={showLocks}
                onHover={setHovered}
                onNavigate={navigate}
              />
            ))}
          </g>
          {overlay?.(positions)}
          <g className="topology-nodes">
            {graph.nodes.map((node) => {
              const href = detailHref(node.kind, node.namespace, node.name, window);
              return (
                <NodeView
                  key={node.id}
                  node={node}
                  at={positions.get(node.id) ?? { x: 0, y: 0 }}
                  href={href}
                  match={graph.matches.has(node.id)}
                  focus={graph.focus === node.id}
                  pinned={layout.isPinned(node.id)}
                  handlers={nodeDrag.handlers(node.id, href)}
                />
              );
            })}
          </g>
        </g>
      </svg>
      {hovered && hoveredAt && (
        <div
          className="topology-tooltip"
          role="tooltip"
          data-edge={hovered.id}
          style={{ left: hoveredAt.x * current.k + current.x, top: hoveredAt.y * current.k + current.y }}
        >
          {edgeSummary(hovered.edge).map((line, i) => (
            <div key={i} className={i === 0 ? 'tooltip-title' : undefined}>
              {line}
            </div>
          ))}
          <div className="tooltip-hint">Click to tap this edge</div>
        </div>
      )}
    </div>
  );
}

function EdgeView({
  link,
  positions,
  external,
  curved,
  showLock,
  onHover,
  onNavigate,
}: {
  link: GraphLink;
  positions: ReadonlyMap<string, Point>;
  external: ReadonlySet<string>;
  curved: boolean;
  showLock: boolean;
  onHover: (link: GraphLink | null) => void;
  onNavigate: (href: string) => (e: MouseEvent) => void;
}) {
  const a = positions.get(link.source);
  const b = positions.get(link.target);
  if (!a || !b) return null;
  const look = edgeLook(link.edge);
  const radius = (id: string) => (external.has(id) ? EXTERNAL_RADIUS : NODE_RADIUS);
  const { path, mid } = edgePath(a, b, radius(link.source) + 3, radius(link.target) + 5, curved);
  const href = tapHref(link.edge.src, link.edge.dst);
  const summary = edgeSummary(link.edge);
  const split = splitLabel(link.edge);
  return (
    <a
      href={href}
      className={`topology-edge level-${look.level}`}
      data-edge={`${link.edge.src.name}>${link.edge.dst.name}`}
      data-protocol={link.edge.protocol}
      data-secured={link.edge.secured}
      data-split={split ?? undefined}
      aria-label={`${summary.join('. ')}. Open a tap of this edge.`}
      onClick={onNavigate(href)}
      onMouseEnter={() => onHover(link)}
      onMouseLeave={() => onHover(null)}
      onFocus={() => onHover(link)}
      onBlur={() => onHover(null)}
    >
      <path d={path} className="edge-hit" />
      <path d={path} className="edge-line" strokeWidth={look.width} strokeDasharray={look.dash} markerEnd={`url(#arrow-${look.level})`} />
      {showLock && <Lock at={mid} secured={link.edge.secured} title={securityText(link.edge)} />}
      {look.badge && (
        <text x={mid.x} y={mid.y - 10} textAnchor="middle" className="edge-badge">
          {look.badge}
        </text>
      )}
      {split !== null && (
        <text x={mid.x} y={mid.y + 16} textAnchor="middle" className="edge-badge edge-split">
          split {split}
        </text>
      )}
    </a>
  );
}

/** A closed lock for mTLS, an open one otherwise; the reason is its tooltip. */
function Lock({ at, secured, title }: { at: Point; secured: boolean; title: string }) {
  return (
    <g className={`edge-lock ${secured ? 'secured' : 'open'}`} transform={`translate(${at.x - 5},${at.y - 6})`} data-lock={secured ? 'closed' : 'open'}>
      <title>{title}</title>
      <rect x={0} y={5} width={10} height={7} rx={1.5} />
      <path d={secured ? 'M2.5 5 V3 a2.5 2.5 0 0 1 5 0 V5' : 'M2.5 5 V3 a2.5 2.5 0 0 1 5 0 V2'} fill="none" />
    </g>
  );
}

/** A straight (or, for a pair with a reverse edge, slightly bent) path between the node rims, and its middle. */
function edgePath(a: Point, b: Point, startGap: number, endGap: number, curved: boolean): { path: string; mid: Point } {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len = Math.max(1, Math.hypot(dx, dy));
  const ux = dx / len;
  const uy = dy / len;
  const s = { x: a.x + ux * startGap, y: a.y + uy * startGap };
  const e = { x: b.x - ux * endGap, y: b.y - uy * endGap };
  if (!curved) return { path: `M${s.x},${s.y} L${e.x},${e.y}`, mid: { x: (s.x + e.x) / 2, y: (s.y + e.y) / 2 } };
  // Bend to the right of the direction of travel, so a→b and b→a do not overlap.
  const bend = Math.min(30, len / 5);
  const c = { x: (a.x + b.x) / 2 - uy * bend, y: (a.y + b.y) / 2 + ux * bend };
  return { path: `M${s.x},${s.y} Q${c.x},${c.y} ${e.x},${e.y}`, mid: { x: (s.x + 2 * c.x + e.x) / 4, y: (s.y + 2 * c.y + e.y) / 4 } };
}

/** Corners of every node's circle and two-line label, so fitting the view never cuts a label off. */
function labelBounds(nodes: readonly GraphNode[], positions: ReadonlyMap<string, Point>): Point[] {
  return nodes.flatMap((n) => {
    const p = positions.get(n.id) ?? { x: 0, y: 0 };
    return [
      { x: p.x - 55, y: p.y - NODE_RADIUS - 6 },
      { x: p.x + 55, y: p.y + NODE_RADIUS + 32 },
    ];
  });
}

function midpoint(positions: ReadonlyMap<string, Point>, link: GraphLink): Point | null {
  const a = positions.get(link.source);
  const b = positions.get(link.target);
  return a && b ? { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 } : null;
}
