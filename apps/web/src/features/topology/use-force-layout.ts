'use client';
// The topology's layout as a hook: one layout memory per mounted graph (never a module-level simulation shared by
// all instances), asked for positions on every render; it only simulates when the set of nodes or links changed, or
// when the user pins or releases a node.
import { useReducer, useState } from 'react';
import { createLayoutCache, type LayoutLink, type LayoutNode, type Point } from './force-layout';

export interface ForceLayout {
  readonly positions: ReadonlyMap<string, Point>;
  isPinned(id: string): boolean;
  /** Pins the node where it was dropped; the graph settles around it. */
  pin(id: string, at: Point): void;
  release(id: string): void;
}

export function useForceLayout(nodes: readonly LayoutNode[], links: readonly LayoutLink[]): ForceLayout {
  const [cache] = useState(() => createLayoutCache());
  // The cache is mutable and outside React's state: a pin or release asks for the render that reads it.
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  return {
    positions: cache.layout(nodes, links),
    isPinned: cache.isPinned,
    pin: (id, at) => {
      cache.pin(id, at);
      rerender();
    },
    release: (id) => {
      if (cache.release(id)) rerender();
    },
  };
}
