'use client';
// Dragging a topology node (Linkerd's NetworkGraph nodes are draggable too): past a few pixels a press on a node
// becomes a drag, the node follows the pointer while the view holds still, and the drop pins it and lets the layout
// settle. The click that ends a drag does not open the node's page; a double-click on a pinned node releases it.
import { useEffect, useRef, useState, type MouseEvent, type PointerEvent, type RefObject } from 'react';
import type { Point } from './force-layout';
import type { ForceLayout } from './use-force-layout';
import { toWorld, type View } from './view';

/** Below this a press is a click (hands shake); the same slop d3-drag's click distance allows for. */
const DRAG_THRESHOLD_PX = 4;
/**
 * A click on a pinned node opens its page only once no second click followed, or every double-click to release
 * would navigate first. Unpinned nodes, keyboard activation and modified clicks are not delayed.
 */
const DOUBLE_CLICK_MS = 250;

interface Press {
  readonly id: string;
  readonly pointerId: number;
  readonly client: Point;
  /** The node's position minus the graph point pressed, so it does not jump to centre under the pointer. */
  readonly grab: Point;
  readonly view: View;
  dragging: boolean;
}

export interface NodeDragOptions {
  readonly svgRef: RefObject<SVGSVGElement | null>;
  readonly view: View;
  readonly layout: ForceLayout;
  /** A drag began with this view on screen: keep it, or fitting the view to the moving node would move the view. */
  readonly holdView: (view: View) => void;
  readonly open: (href: string) => void;
}

export interface NodeDrag {
  /** The node being dragged and where it is now (graph coordinates), drawn instead of its layout position. */
  readonly moving: { readonly id: string; readonly at: Point } | null;
  /** Handlers for a node's element. */
  readonly handlers: (id: string, href: string) => NodeHandlers;
}

export interface NodeHandlers {
  onPointerDown(e: PointerEvent<Element>): void;
  onPointerMove(e: PointerEvent<Element>): void;
  onPointerUp(e: PointerEvent<Element>): void;
  onPointerCancel(): void;
  onClick(e: MouseEvent): void;
  onDragStart(e: { preventDefault(): void }): void;
}

/** A plain left click, which the dashboard routes itself; modified ones (new tab, download) stay the browser's. */
export function isPlainClick(e: MouseEvent): boolean {
  return !(e.metaKey || e.ctrlKey || e.shiftKey || e.altKey || e.button !== 0);
}

export function useNodeDrag({ svgRef, view, layout, holdView, open }: NodeDragOptions): NodeDrag {
  const press = useRef<Press | null>(null);
  const justDragged = useRef(false);
  const pendingOpen = useRef<ReturnType<typeof setTimeout> | null>(null);
  const [moving, setMoving] = useState<NodeDrag['moving']>(null);

  const cancelOpen = () => {
    if (pendingOpen.current) clearTimeout(pendingOpen.current);
    pendingOpen.current = null;
  };
  useEffect(() => cancelOpen, []);

  const graphPoint = (e: PointerEvent<Element>, v: View): Point => {
    const box = svgRef.current?.getBoundingClientRect() ?? { left: 0, top: 0 };
    return toWorld(v, { x: e.clientX - box.left, y: e.clientY - box.top });
  };
  const dropPoint = (p: Press, e: PointerEvent<Element>): Point => {
    const at = graphPoint(e, p.view);
    return { x: at.x + p.grab.x, y: at.y + p.grab.y };
  };

  const handlers = (id: string, href: string): NodeHandlers => ({
    onPointerDown(e) {
      const at = layout.positions.get(id);
      if (!e.isPrimary || e.button !== 0 || !at) return;
      justDragged.current = false;
      const pressed = graphPoint(e, view);
      press.current = { id, pointerId: e.pointerId, client: { x: e.clientX, y: e.clientY }, grab: { x: at.x - pressed.x, y: at.y - pressed.y }, view, dragging: false };
      // Captured, a fast drag keeps its node even when the pointer outruns it.
      e.currentTarget.setPointerCapture(e.pointerId);
    },
    onPointerMove(e) {
      const p = press.current;
      if (!p || p.pointerId !== e.pointerId) return;
      if (!p.dragging) {
        if (Math.hypot(e.clientX - p.client.x, e.clientY - p.client.y) < DRAG_THRESHOLD_PX) return;
        p.dragging = true;
        cancelOpen();
        holdView(p.view);
      }
      setMoving({ id: p.id, at: dropPoint(p, e) });
    },
    onPointerUp(e) {
      const p = press.current;
      press.current = null;
      if (!p?.dragging || p.pointerId !== e.pointerId) return;
      layout.pin(p.id, dropPoint(p, e));
      setMoving(null);
      // The browser still sends this press's click; it ended a drag, not asked for the page.
      justDragged.current = true;
    },
    onPointerCancel() {
      press.current = null;
      setMoving(null);
    },
    onClick(e) {
      if (justDragged.current) {
        justDragged.current = false;
        e.preventDefault();
        return;
      }
      if (!isPlainClick(e)) return;
      e.preventDefault();
      cancelOpen();
      // detail counts the clicks in a row; 0 is a keyboard activation.
      if (!layout.isPinned(id) || e.detail === 0) open(href);
      else if (e.detail === 1) pendingOpen.current = setTimeout(() => open(href), DOUBLE_CLICK_MS);
      else layout.release(id);
    },
    // An SVG link is draggable to the bookmarks bar; that native drag would cancel ours.
    onDragStart(e) {
      e.preventDefault();
    },
  });

  return { moving, handlers };
}
