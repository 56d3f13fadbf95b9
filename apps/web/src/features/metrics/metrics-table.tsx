'use client';
// The golden-metrics table (Linkerd's MetricsTable): one row per resource, sortable by clicking a header.
import Link from 'next/link';
import { useState } from 'react';
import { SuccessRate } from '../../components/success-rate';
import { columns, defaultSort, nextSort, sortRows, type ColumnKey, type MetricsRow, type SortState } from './columns';

export interface MetricsTableProps {
  rows: readonly MetricsRow[];
  /** Header of the name column ("Deployment", "Namespace"). */
  nameHeader: string;
  /** Where a row's name links to; no link when omitted. */
  hrefFor?: (row: MetricsRow) => string;
  /** Dimmed while the rows are those of a previous query (e.g. the window just changed). */
  stale?: boolean;
}

export function MetricsTable({ rows, nameHeader, hrefFor, stale = false }: MetricsTableProps) {
  const [sort, setSort] = useState<SortState>(defaultSort);
  const sorted = sortRows(rows, sort);
  return (
    <div className="table-scroll">
      <table className="metrics-table" data-stale={stale || undefined}>
        <thead>
          <tr>
            {columns.map((c) => (
              <th
                key={c.key}
                scope="col"
                className={c.numeric ? 'numeric' : undefined}
                aria-sort={sort.key === c.key ? (sort.direction === 'asc' ? 'ascending' : 'descending') : undefined}
              >
                <button type="button" onClick={() => setSort((s) => nextSort(s, c.key))}>
                  {/* The arrow sits on the inner side, so right-aligned headers line up with their numbers. */}
                  {c.numeric && <SortIndicator sort={sort} column={c.key} />}
                  {c.key === 'name' ? nameHeader : c.header}
                  {!c.numeric && <SortIndicator sort={sort} column={c.key} />}
                </button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {sorted.map((row) => (
            <tr key={`${row.namespace}/${row.name}`} data-row={row.name}>
              {columns.map((c) => (
                <td key={c.key} data-column={c.key} className={c.numeric ? 'numeric' : undefined}>
                  {c.key === 'name' && hrefFor ? (
                    <Link href={hrefFor(row)}>{row.name}</Link>
                  ) : c.key === 'successRate' ? (
                    <SuccessRate rate={row.successRate} />
                  ) : (
                    c.format(row)
                  )}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function SortIndicator({ sort, column }: { sort: SortState; column: ColumnKey }) {
  return (
    <span className="sort-indicator" aria-hidden="true">
      {sort.key === column ? (sort.direction === 'asc' ? '▲' : '▼') : ''}
    </span>
  );
}

/** Placeholder rows while the first answer is on its way, so the layout does not jump. */
export function MetricsTableSkeleton({ rows = 3 }: { rows?: number }) {
  return (
    <div className="table-scroll">
      <table className="metrics-table skeleton" aria-busy="true">
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key} scope="col" className={c.numeric ? 'numeric' : undefined}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {Array.from({ length: rows }, (_, i) => (
            <tr key={i}>
              {columns.map((c) => (
                <td key={c.key} className={c.numeric ? 'numeric' : undefined}>
                  <span className="skeleton-bar" />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
