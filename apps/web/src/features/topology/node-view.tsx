// One workload on the topology: a circle ringed in its success-rate colour, its name and golden metrics under it, a
// link to its page, and a pin mark once the user has dragged it somewhere (use-node-drag.ts).
import { successRateLevel } from '@signalbox/shared';
import { formatPercent, formatRps } from '../metrics/format';
import type { Point } from './force-layout';
import type { GraphNode } from './to-graph';
import type { NodeHandlers } from './use-node-drag';

export const NODE_RADIUS = 14;
export const EXTERNAL_RADIUS = 10;

export function NodeView({
  node,
  at,
  href,
  match,
  focus,
  pinned,
  handlers,
}: {
  node: GraphNode;
  at: Point;
  href: string;
  match: boolean;
  focus: boolean;
  pinned: boolean;
  handlers: NodeHandlers;
}) {
  const r = node.external ? EXTERNAL_RADIUS : NODE_RADIUS;
  const level = successRateLevel(node.successRate);
  const label = node.external ? `${node.namespace}/${node.name}` : node.name;
  const detail = node.idle ? 'idle' : node.successRate !== null ? `${formatPercent(node.successRate)} · ${formatRps(node.rps)} rps` : node.external ? 'other namespace' : 'no inbound requests';
  return (
    <a
      href={href}
      className={`topology-node level-${level}`}
      data-node={node.name}
      data-node-id={node.id}
      data-match={match || undefined}
      data-focus={focus || undefined}
      data-external={node.external || undefined}
      data-pinned={pinned || undefined}
      aria-label={`${label}: ${detail}.${pinned ? ' Pinned (double-click releases it).' : ''} Open its page.`}
      style={{ userSelect: 'none', touchAction: 'none' }}
      {...handlers}
    >
      <circle cx={at.x} cy={at.y} r={r + 6} className="node-halo" />
      <circle cx={at.x} cy={at.y} r={r} className="node-circle" />
      {pinned && (
        // fill as an attribute: a plain dark dot needs no stylesheet rule.
        <circle cx={at.x + r * 0.75} cy={at.y - r * 0.75} r={3.5} className="node-pin" fill="currentColor">
          <title>Pinned: double-click to release</title>
        </circle>
      )}
      <text x={at.x} y={at.y + r + 14} textAnchor="middle" className="node-label">
        {label}
      </text>
      <text x={at.x} y={at.y + r + 27} textAnchor="middle" className="node-detail">
        {detail}
      </text>
    </a>
  );
}
