// Zoom and pan of the topology as a plain transform, `screen = world × k + (x, y)`: pure maths for wheel zoom
// around the pointer, fitting the graph on screen, and the compact `?view=k,x,y` form kept in the URL.
import type { Point } from './force-layout';

export interface View {
  readonly k: number;
  readonly x: number;
  readonly y: number;
}

export const MIN_ZOOM = 0.1;
export const MAX_ZOOM = 4;

export function clampZoom(k: number): number {
  return Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, k));
}

/** Zooms by `factor` keeping the world point under `at` (screen coordinates) where it is. */
export function zoomAt(view: View, factor: number, at: Point): View {
  const k = clampZoom(view.k * factor);
  const f = k / view.k;
  return { k, x: at.x - (at.x - view.x) * f, y: at.y - (at.y - view.y) * f };
}

/** The graph point drawn at `at` (screen coordinates): where a dragged node goes. */
export function toWorld(view: View, at: Point): Point {
  return { x: (at.x - view.x) / view.k, y: (at.y - view.y) / view.k };
}

export function panBy(view: View, dx: number, dy: number): View {
  return { k: view.k, x: view.x + dx, y: view.y + dy };
}

/** The view showing every point within `width × height` with `padding` px around, never zoomed in past 2. */
export function fitView(points: Iterable<Point>, width: number, height: number, padding = 40): View {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const p of points) {
    minX = Math.min(minX, p.x);
    minY = Math.min(minY, p.y);
    maxX = Math.max(maxX, p.x);
    maxY = Math.max(maxY, p.y);
  }
  if (!Number.isFinite(minX)) return { k: 1, x: width / 2, y: height / 2 };
  const w = Math.max(1, maxX - minX);
  const h = Math.max(1, maxY - minY);
  const k = clampZoom(Math.min((width - 2 * padding) / w, (height - 2 * padding) / h, 2));
  return { k, x: width / 2 - ((minX + maxX) / 2) * k, y: height / 2 - ((minY + maxY) / 2) * k };
}

/** "1.25,-40,12"; rounded so the URL stays short. */
export function formatView(view: View): string {
  return `${Math.round(view.k * 1000) / 1000},${Math.round(view.x)},${Math.round(view.y)}`;
}

export function parseView(value: string | null | undefined): View | null {
  if (!value) return null;
  const parts = value.split(',').map(Number);
  if (parts.length !== 3 || parts.some((n) => !Number.isFinite(n))) return null;
  const [k, x, y] = parts as [number, number, number];
  if (k <= 0) return null;
  return { k: clampZoom(k), x, y };
}
