'use client';
// The live-calls table (Linkerd's TopModule): calls aggregated by source, destination, method and path with Count,
// Best, Worst, Last and Success Rate, each linking to a tap of exactly that path. Shows the 40 busiest.
import type { TopRow } from '@signalbox/shared';
import Link from 'next/link';
import { NumericHeader } from '../../components/numeric-header';
import { SuccessRate } from '../../components/success-rate';
import { formatLatencyMs } from '../metrics/format';
import { TOP_ROWS_SHOWN, topRowKey } from './top-capture';

export function TopTable({ rows, tapHref, emptyText }: { rows: readonly TopRow[]; tapHref: (row: TopRow) => string; emptyText: string }) {
  const shown = rows.slice(0, TOP_ROWS_SHOWN);
  return (
    <div className="table-scroll">
      <table className="metrics-table top-table" data-rows={shown.length}>
        <thead>
          <tr>
            <th scope="col">Source</th>
            <th scope="col">Destination</th>
            <th scope="col">Method</th>
            <th scope="col">Path</th>
            <NumericHeader>Count</NumericHeader>
            <NumericHeader>Best</NumericHeader>
            <NumericHeader>Worst</NumericHeader>
            <NumericHeader>Last</NumericHeader>
            <NumericHeader>Success Rate</NumericHeader>
            <th scope="col">Tap</th>
          </tr>
        </thead>
        <tbody>
          {shown.length === 0 && (
            <tr>
              <td colSpan={10} className="state-message" data-state="empty">
                {emptyText}
              </td>
            </tr>
          )}
          {shown.map((row) => (
            <tr key={topRowKey(row)} data-row={`${row.method} ${row.path}`} data-source={row.source} data-destination={row.destination}>
              <td data-column="source">{row.source}</td>
              <td data-column="destination">{row.destination}</td>
              <td data-column="method">{row.method}</td>
              <td data-column="path" className="top-path" title={row.path}>
                {row.path}
              </td>
              <td data-column="count" className="numeric">
                {row.count}
              </td>
              <td data-column="best" className="numeric">
                {formatLatencyMs(row.bestMs)}
              </td>
              <td data-column="worst" className="numeric">
                {formatLatencyMs(row.worstMs)}
              </td>
              <td data-column="last" className="numeric">
                {formatLatencyMs(row.lastMs)}
              </td>
              <td data-column="successRate" className="numeric">
                <SuccessRate rate={row.successRate} />
              </td>
              <td data-column="tap">
                <Link href={tapHref(row)} aria-label={`Tap ${row.method} ${row.path}`}>
                  tap
                </Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
