'use client';
// The detail page's charts (recharts): success rate, RPS and p50/p95/p99 latency over the chosen range, from
// `timeseries` (Prometheus query_range). A relative window polls every 2 s; an absolute range is fetched once.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { ErrorBanner } from '../../components/error-banner';
import type { DetailKind } from '../../lib/links';
import { liveQueryOptions } from '../../lib/query-client';
import { useTRPC } from '../../lib/trpc';
import { formatLatencyMs, formatRps } from '../metrics/format';
import { chartRows, formatTimeTick, hasTraffic, type ChartRow } from './chart-data';
import { rangeInput, type TimeRange } from './time-range';

export interface ResourceChartsProps {
  readonly kind: DetailKind;
  readonly namespace: string;
  readonly name: string;
  readonly range: TimeRange;
}

interface Series {
  readonly key: keyof ChartRow;
  readonly name: string;
  readonly colour: string;
  /** Dash pattern, so lines differ by more than colour. */
  readonly dash?: string;
}

export function ResourceCharts({ kind, namespace, name, range }: ResourceChartsProps) {
  const trpc = useTRPC();
  const live = range.kind === 'relative';
  const series = useQuery(
    trpc.timeseries.queryOptions(
      { kind, namespace, name, ...rangeInput(range) },
      live ? liveQueryOptions : { placeholderData: keepPreviousData },
    ),
  );
  const data = series.data;
  const rows = data ? chartRows(data.points) : [];
  const span = data ? data.end - data.start : 60;
  const tick = (ms: number) => formatTimeTick(ms, span);

  return (
    <section className="panel" aria-label="Charts">
      <h2>Golden metrics over time</h2>
      {series.isError && <ErrorBanner error={series.error} showingStaleData={data !== undefined} />}
      {data === undefined ? (
        series.isError ? null : <p className="state-message">Loading charts…</p>
      ) : !hasTraffic(data.points) ? (
        <p className="state-message empty" data-state="no-traffic">
          No traffic in this window.
        </p>
      ) : (
        <div className="charts" data-stale={series.isPlaceholderData || undefined} data-points={data.points.length}>
          <Chart
            title="Success rate"
            rows={rows}
            tick={tick}
            unit="%"
            domain={[(min: number) => Math.max(0, Math.floor(min - 5)), 100]}
            format={(v) => `${v.toFixed(1)} %`}
            series={[{ key: 'successPct', name: 'Success', colour: '#1f9d55' }]}
          />
          <Chart
            title="Requests per second"
            rows={rows}
            tick={tick}
            format={(v) => formatRps(v)}
            series={[{ key: 'rps', name: 'RPS', colour: '#2457c5' }]}
          />
          <Chart
            title="Latency"
            rows={rows}
            tick={tick}
            format={(v) => formatLatencyMs(v)}
            series={[
              { key: 'p50', name: 'p50', colour: '#1f9d55' },
              { key: 'p95', name: 'p95', colour: '#d19a00', dash: '6 3' },
              { key: 'p99', name: 'p99', colour: '#d0342c', dash: '2 2' },
            ]}
          />
        </div>
      )}
      <p className="live-status">
        {data && (
          <>
            {live ? `Last ${range.window}, refreshes every 2 s` : 'Fixed range'} · one point every {data.step} s (rate over{' '}
            {data.rateInterval})
          </>
        )}
      </p>
    </section>
  );
}

function Chart({
  title,
  rows,
  tick,
  series,
  format,
  unit,
  domain,
}: {
  title: string;
  rows: readonly ChartRow[];
  tick: (ms: number) => string;
  series: readonly Series[];
  format: (v: number) => string;
  unit?: string;
  domain?: [number | ((min: number) => number), number | 'auto'];
}) {
  return (
    <figure className="chart" data-chart={title}>
      <figcaption>{title}</figcaption>
      <ResponsiveContainer width="100%" height={200}>
        <LineChart data={rows as ChartRow[]} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="#e6e9ee" strokeDasharray="3 3" />
          <XAxis dataKey="t" type="number" domain={['dataMin', 'dataMax']} scale="time" tickFormatter={tick} minTickGap={40} fontSize={11} />
          <YAxis width={64} fontSize={11} unit={unit} domain={domain ?? [0, 'auto']} tickFormatter={(v: number) => (unit ? String(v) : format(v))} />
          <Tooltip labelFormatter={(v) => tick(Number(v))} formatter={(v) => (typeof v === 'number' ? format(v) : String(v))} />
          {series.length > 1 && <Legend />}
          {series.map((s) => (
            <Line
              key={s.key}
              type="monotone"
              dataKey={s.key}
              name={s.name}
              stroke={s.colour}
              strokeDasharray={s.dash}
              strokeWidth={2}
              dot={false}
              connectNulls={false}
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}
