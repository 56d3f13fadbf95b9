'use client';
// Live traffic on the topology (optional, off by default): one outbound tap per source workload, and for each
// tapped request that completes, a dot travelling its edge (green: success, red: failure; the legend says so in
// words). At most 50 dots start per second. Dots are SVG circles moved by one animation-frame loop outside React,
// so the graph itself never re-renders or re-lays out for them.
import type { TapRequestInput } from '@signalbox/shared';
import { useEffect, useRef } from 'react';
import { TapSocket, type TapSink } from '../tap/tap-socket';
import type { Point } from './force-layout';
import { createRateCap, DotTracker, MAX_DOTS_PER_SECOND, type Dot } from './live-dots';

/** How long a dot takes to cross its edge, ms. */
const TRAVEL_MS = 900;
const SVG_NS = 'http://www.w3.org/2000/svg';

interface Flying {
  readonly el: SVGCircleElement;
  readonly source: string;
  readonly target: string;
  readonly born: number;
}

export function LiveTraffic({
  requests,
  positions,
  links,
}: {
  requests: readonly TapRequestInput[];
  positions: ReadonlyMap<string, Point>;
  /** Link id → its end node ids, for the links drawn now. */
  links: ReadonlyMap<string, { readonly source: string; readonly target: string }>;
}) {
  const group = useRef<SVGGElement>(null);
  const positionsRef = useRef(positions);
  const linksRef = useRef(links);
  useEffect(() => {
    positionsRef.current = positions;
    linksRef.current = links;
  });
  const requestsKey = JSON.stringify(requests);

  useEffect(() => {
    const g = group.current;
    if (!g) return;
    const flying: Flying[] = [];
    const cap = createRateCap(MAX_DOTS_PER_SECOND);
    let started = 0;
    let raf = 0;
    const frame = (now: number) => {
      raf = 0;
      for (let i = flying.length - 1; i >= 0; i -= 1) {
        const f = flying[i] as Flying;
        const t = (now - f.born) / TRAVEL_MS;
        const a = positionsRef.current.get(f.source);
        const b = positionsRef.current.get(f.target);
        if (t >= 1 || !a || !b) {
          f.el.remove();
          flying.splice(i, 1);
          continue;
        }
        f.el.setAttribute('cx', String(a.x + (b.x - a.x) * t));
        f.el.setAttribute('cy', String(a.y + (b.y - a.y) * t));
      }
      if (flying.length > 0) raf = requestAnimationFrame(frame);
    };
    const spawn = (dot: Dot) => {
      const link = linksRef.current.get(dot.linkId);
      // Hidden tabs get no dots (nothing would animate them), filtered-out edges neither.
      if (!link || document.hidden || !cap()) return;
      const el = document.createElementNS(SVG_NS, 'circle');
      el.setAttribute('r', '4');
      el.setAttribute('class', dot.ok ? 'live-dot-ok' : 'live-dot-fail');
      g.append(el);
      flying.push({ el, source: link.source, target: link.target, born: performance.now() });
      started += 1;
      g.dataset.dots = String(started);
      if (raf === 0) raf = requestAnimationFrame(frame);
    };

    const parsed = JSON.parse(requestsKey) as TapRequestInput[];
    const sockets = parsed.map((request) => {
      const tracker = new DotTracker();
      const sink: TapSink = {
        newSession: () => tracker.reset(),
        addEvent: (e) => {
          const dot = tracker.add(e);
          if (dot) spawn(dot);
        },
        addDropped: () => {},
        addNotice: () => {},
      };
      const socket = new TapSocket(sink, { autoReconnect: true });
      socket.start(request);
      return socket;
    });
    return () => {
      for (const s of sockets) s.stop();
      if (raf !== 0) cancelAnimationFrame(raf);
      for (const f of flying) f.el.remove();
    };
  }, [requestsKey]);

  return <g ref={group} className="live-traffic" aria-hidden="true" data-dots="0" />;
}
