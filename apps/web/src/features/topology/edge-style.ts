// How an edge and a node look and read: width by RPS, colour by success rate, and always a second cue besides
// colour (dashes for TCP-only, a warning glyph and the percentage when requests fail, a lock or open lock for TLS).
import { successRateLevel, type Edge, type SuccessRateLevel } from '@signalbox/shared';
import { NO_VALUE, formatBytesPerSec, formatCount, formatLatencyMs, formatOverheadMs, formatPercent, formatRps } from '../metrics/format';

export type EdgeLevel = SuccessRateLevel | 'tcp';

export interface EdgeLook {
  readonly level: EdgeLevel;
  /** Stroke width in px (before zoom): 1.5 for a trickle, up to 8 for heavy traffic, on a log scale. */
  readonly width: number;
  /** SVG dash pattern: TCP-only edges are dashed. */
  readonly dash: string | undefined;
  /** A short text drawn on the edge when it needs attention (failing requests), else null. */
  readonly badge: string | null;
}

export function edgeWidth(rps: number): number {
  return Math.min(8, 1.5 + 2 * Math.log10(1 + Math.max(0, rps)));
}

export function edgeLook(edge: Edge): EdgeLook {
  if (edge.protocol === 'tcp') {
    const bytes = edge.readBytesPerSec + edge.writeBytesPerSec;
    return { level: 'tcp', width: Math.min(6, 1.5 + Math.log10(1 + bytes / 1000)), dash: '6 4', badge: null };
  }
  const level = successRateLevel(edge.successRate);
  return {
    level,
    width: edgeWidth(edge.rps),
    dash: undefined,
    badge: level === 'poor' || level === 'warning' ? `⚠ ${formatPercent(edge.successRate)}` : null,
  };
}

/** Linkerd's `no_tls_reason` spellings as sentences: "not_provided_by_service_discovery" → "Not provided by …". */
export function tlsReasonText(reason: string | null): string {
  if (reason === null || reason === '') return 'Unknown reason';
  const words = reason.replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** "mTLS (server id)" or "Not secured: <reason>": what the lock's tooltip and the tables say. */
export function securityText(edge: Pick<Edge, 'secured' | 'noTlsReason' | 'serverId'>): string {
  if (edge.secured) return edge.serverId ? `Secured (mTLS), server ${edge.serverId}` : 'Secured (mTLS)';
  return `Not secured: ${tlsReasonText(edge.noTlsReason)}`;
}

/** The configured share of a traffic split drawn on the edge to each backend ("10%"), or null for other edges. */
export function splitLabel(edge: Pick<Edge, 'split'>): string | null {
  if (!edge.split) return null;
  const pct = edge.split.share * 100;
  return `${Number.isInteger(pct) ? pct : pct.toFixed(1)}%`;
}

/** The lines of an edge's hover card (and its accessible label). */
export function edgeSummary(edge: Edge): string[] {
  const lines = [`${edge.src.name} → ${edge.dst.name}`];
  if (edge.protocol === 'http') {
    lines.push(
      `${formatRps(edge.rps)} rps · ${formatPercent(edge.successRate)} success · p99 ${formatLatencyMs(edge.latencyP99Ms)}`,
    );
    const overhead = formatOverheadMs(edge.overheadMs);
    if (overhead !== NO_VALUE) lines.push(`mesh adds p50/p99 ${overhead} (both proxies)`);
  } else lines.push('TCP only (no HTTP requests)');
  lines.push(
    `${formatCount(edge.tcpConnections)} conn · read ${formatBytesPerSec(edge.readBytesPerSec)} · write ${formatBytesPerSec(edge.writeBytesPerSec)}`,
  );
  lines.push(securityText(edge));
  const split = splitLabel(edge);
  if (split !== null && edge.split) lines.push(`traffic split of svc/${edge.split.service}: ${split} of its requests`);
  return lines;
}
