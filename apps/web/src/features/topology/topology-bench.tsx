'use client';
// The topology at scale, for measurement (`/bench/topology?nodes=500&edges=1500`): builds a synthetic mesh, lays it
// out and renders it, and reports how long that took until the first frame with final positions was painted, and
// how long the layout alone takes. Not linked from the dashboard; Playwright reads the figures.
import { useEffect, useMemo, useRef, useState } from 'react';
import { filterGraph, noFilter } from './filter-graph';
import { layoutGraph } from './force-layout';
import { syntheticMesh } from './synthetic-graph';
import { TopologyGraph } from './topology-graph';
import { toGraph } from './to-graph';

export function TopologyBench({ nodes, edges }: { nodes: number; edges: number }) {
  const started = useRef<number | null>(null);
  const [shown, setShown] = useState(false);
  const [figures, setFigures] = useState<{ settleMs: number; layoutMs: number } | null>(null);
  const graph = useMemo(() => {
    if (!shown) return null;
    const mesh = syntheticMesh(nodes, edges);
    return filterGraph(toGraph('bench', mesh.rows, mesh.edges), noFilter);
  }, [shown, nodes, edges]);

  useEffect(() => {
    if (!graph || started.current === null) return;
    const t0 = started.current;
    // Two frames: the first runs after React's commit, the second after that frame was painted.
    requestAnimationFrame(() =>
      requestAnimationFrame(() => {
        const settleMs = performance.now() - t0;
        const l0 = performance.now();
        layoutGraph(graph.nodes, graph.links, new Map());
        setFigures({ settleMs, layoutMs: performance.now() - l0 });
      }),
    );
  }, [graph]);

  return (
    <section className="panel" aria-label="Topology benchmark">
      <h2>
        Topology benchmark: {nodes} workloads, {edges} edges
      </h2>
      <button
        type="button"
        onClick={() => {
          started.current = performance.now();
          setShown(true);
        }}
        disabled={shown}
      >
        Render
      </button>
      {figures && (
        <p className="bench-figures" data-settle-ms={figures.settleMs.toFixed(0)} data-layout-ms={figures.layoutMs.toFixed(0)}>
          Settled and painted in {figures.settleMs.toFixed(0)} ms (layout alone {figures.layoutMs.toFixed(0)} ms).
        </p>
      )}
      {graph && <TopologyGraph graph={graph} window="1m" view={null} height={700} />}
    </section>
  );
}
