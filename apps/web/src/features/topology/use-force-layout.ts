'use client';
// The topology's layout as a hook: one layout memory per mounted graph (never a module-level simulation shared by
// all instances), asked for positions on every render; it only simulates when the set of nodes or links changed.
import { useState } from 'react';
import { createLayoutCache, type LayoutLink, type LayoutNode, type Point } from './force-layout';

export function useForceLayout(nodes: readonly LayoutNode[], links: readonly LayoutLink[]): ReadonlyMap<string, Point> {
  const [cache] = useState(() => createLayoutCache());
  return cache.layout(nodes, links);
}
