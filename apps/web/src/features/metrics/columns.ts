// The golden-metrics tables (namespaces, deployments, pods, services): their columns (header, how to print, how to
// sort) and the pure sort. TCP read/write are bytes per second, as `linkerd viz stat -o wide` shows them.
import type { StatRow } from '@signalbox/shared';
import { NO_VALUE, formatBytesPerSec, formatCount, formatLatencyMs, formatMeshed, formatOverheadMs, formatPercent, formatRps } from './format';

/** Counters a row may not know (null), e.g. on the overview when discovery answered but Prometheus did not. */
type Countable = 'rps' | 'tcpConnections' | 'readBytesPerSec' | 'writeBytesPerSec';

/** A row of the table: a `stat` row whose counters may be unknown. Every StatRow is a MetricsRow. */
export type MetricsRow = Omit<StatRow, Countable> & { [K in Countable]: number | null };

/** No request completed in the window: Linkerd prints "-" rather than "0" RPS then. */
function idle(row: MetricsRow): boolean {
  return row.successRate === null && (row.rps === null || row.rps === 0);
}

export type ColumnKey = 'name' | 'meshed' | 'successRate' | 'rps' | 'p50' | 'p95' | 'p99' | 'overhead' | 'tcp' | 'readBytes' | 'writeBytes';
export type SortDirection = 'asc' | 'desc';
export interface SortState {
  key: ColumnKey;
  direction: SortDirection;
}

export interface Column {
  key: ColumnKey;
  header: string;
  /** Numeric columns are right-aligned and sort descending on first click. */
  numeric: boolean;
  /** The value sorted on; null (no data) always sorts last. */
  sortValue: (row: MetricsRow) => string | number | null;
  format: (row: MetricsRow) => string;
}

export const columns: readonly Column[] = [
  { key: 'name', header: 'Name', numeric: false, sortValue: (r) => r.name, format: (r) => r.name },
  {
    key: 'meshed',
    header: 'Meshed',
    numeric: true,
    sortValue: (r) => (r.totalPods === 0 ? null : r.meshedPods / r.totalPods),
    format: (r) => formatMeshed(r.meshedPods, r.totalPods),
  },
  {
    key: 'successRate',
    header: 'Success',
    numeric: true,
    sortValue: (r) => r.successRate,
    format: (r) => formatPercent(r.successRate),
  },
  {
    key: 'rps',
    header: 'RPS',
    numeric: true,
    sortValue: (r) => r.rps,
    format: (r) => (idle(r) ? NO_VALUE : formatRps(r.rps)),
  },
  {
    key: 'p50',
    header: 'P50 latency',
    numeric: true,
    sortValue: (r) => r.latencyMs.p50,
    format: (r) => formatLatencyMs(r.latencyMs.p50),
  },
  {
    key: 'p95',
    header: 'P95 latency',
    numeric: true,
    sortValue: (r) => r.latencyMs.p95,
    format: (r) => formatLatencyMs(r.latencyMs.p95),
  },
  {
    key: 'p99',
    header: 'P99 latency',
    numeric: true,
    sortValue: (r) => r.latencyMs.p99,
    format: (r) => formatLatencyMs(r.latencyMs.p99),
  },
  {
    // Signalbox's own column: the part of the latency the proxies themselves add (sorted by its p99).
    key: 'overhead',
    header: 'Mesh adds p50/p99',
    numeric: true,
    sortValue: (r) => r.overheadMs?.p99 ?? null,
    format: (r) => formatOverheadMs(r.overheadMs),
  },
  {
    key: 'tcp',
    header: 'TCP',
    numeric: true,
    sortValue: (r) => r.tcpConnections,
    format: (r) => formatCount(r.tcpConnections),
  },
  {
    key: 'readBytes',
    header: 'Read',
    numeric: true,
    sortValue: (r) => r.readBytesPerSec,
    format: (r) => formatBytesPerSec(r.readBytesPerSec),
  },
  {
    key: 'writeBytes',
    header: 'Write',
    numeric: true,
    sortValue: (r) => r.writeBytesPerSec,
    format: (r) => formatBytesPerSec(r.writeBytesPerSec),
  },
];

export const defaultSort: SortState = { key: 'name', direction: 'asc' };

/** Clicking a header: the same column flips direction; a new column starts descending if numeric, else ascending. */
export function nextSort(current: SortState, key: ColumnKey): SortState {
  if (current.key === key) return { key, direction: current.direction === 'asc' ? 'desc' : 'asc' };
  const column = columns.find((c) => c.key === key);
  return { key, direction: column?.numeric ? 'desc' : 'asc' };
}

/**
 * Rows sorted by a column, without mutating the input. Nulls ("-") go last in both directions, and ties fall back to
 * the name so the order is stable across polls (rows must not jump around every 2 s).
 */
export function sortRows<R extends MetricsRow>(rows: readonly R[], sort: SortState): R[] {
  const column = columns.find((c) => c.key === sort.key) ?? columns[0]!;
  const sign = sort.direction === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const va = column.sortValue(a);
    const vb = column.sortValue(b);
    if (va === null && vb !== null) return 1;
    if (vb === null && va !== null) return -1;
    if (va !== null && vb !== null && va !== vb) return sign * (va < vb ? -1 : 1);
    return a.name.localeCompare(b.name);
  });
}

/** True when no row completed a request in the window: the table then says "no traffic yet". */
export function hasNoTraffic(rows: readonly MetricsRow[]): boolean {
  return rows.length > 0 && rows.every(idle);
}
