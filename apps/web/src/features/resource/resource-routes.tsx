'use client';
// The detail page's Routes section (Linkerd's `routes`/top-routes table): per profile route of each service behind
// the resource, and `[DEFAULT]` for requests no route matched, the success and RPS clients saw (effective, after
// retries) beside what the endpoints answered (actual, every attempt), with p50/p95/p99.
import { useQuery } from '@tanstack/react-query';
import type { RouteRow } from '@signalbox/shared';
import { ErrorBanner } from '../../components/error-banner';
import { NumericHeader } from '../../components/numeric-header';
import { SuccessRate } from '../../components/success-rate';
import { liveQueryOptions } from '../../lib/query-client';
import { useTRPC } from '../../lib/trpc';
import { formatLatencyMs, formatRps } from '../metrics/format';
import type { MetricsWindow } from '../metrics/window';

export interface ResourceRoutesProps {
  readonly namespace: string;
  /** The services behind the resource; undefined while `resource` loads. */
  readonly services: readonly string[] | undefined;
  readonly window: MetricsWindow;
}

export function ResourceRoutes({ namespace, services, window }: ResourceRoutesProps) {
  return (
    <section className="panel" aria-label="Routes">
      <h2>Routes</h2>
      <p className="panel-note">
        Effective: what clients saw, after retries. Actual: every attempt the endpoints answered. Unmatched requests
        count under [DEFAULT]; routes come from the service’s policy.
      </p>
      {services === undefined ? (
        <p className="state-message">Loading routes…</p>
      ) : services.length === 0 ? (
        <p className="state-message empty">No service selects this workload.</p>
      ) : (
        services.map((s) => <ServiceRoutes key={s} namespace={namespace} service={s} window={window} />)
      )}
    </section>
  );
}

function ServiceRoutes({ namespace, service, window }: { namespace: string; service: string; window: MetricsWindow }) {
  const trpc = useTRPC();
  const routes = useQuery(trpc.routes.queryOptions({ namespace, service, window }, liveQueryOptions));
  const rows = routes.data?.rows;
  return (
    <div className="edge-table" data-service={service}>
      <h3>svc/{service}</h3>
      {routes.isError && <ErrorBanner error={routes.error} showingStaleData={routes.data !== undefined} />}
      {rows === undefined ? (
        routes.isError ? null : <p className="state-message">Loading routes…</p>
      ) : (
        <div className="table-scroll">
          <table className="metrics-table" aria-label={`Routes of ${service}`}>
            <thead>
              <tr>
                <th scope="col">Route</th>
                <NumericHeader>Effective success</NumericHeader>
                <NumericHeader>Effective RPS</NumericHeader>
                <NumericHeader>Actual success</NumericHeader>
                <NumericHeader>Actual RPS</NumericHeader>
                <NumericHeader>P50</NumericHeader>
                <NumericHeader>P95</NumericHeader>
                <NumericHeader>P99</NumericHeader>
              </tr>
            </thead>
            <tbody>
              {rows.map((r: RouteRow) => (
                <tr key={r.route} data-route={r.route}>
                  <td>{r.route}</td>
                  <td className="numeric" data-column="effectiveSuccess">
                    <SuccessRate rate={r.effective.successRate} />
                  </td>
                  <td className="numeric" data-column="effectiveRps">
                    {r.effective.successRate === null ? '-' : formatRps(r.effective.rps)}
                  </td>
                  <td className="numeric" data-column="actualSuccess">
                    <SuccessRate rate={r.actual.successRate} />
                  </td>
                  <td className="numeric" data-column="actualRps">
                    {r.actual.successRate === null ? '-' : formatRps(r.actual.rps)}
                  </td>
                  <td className="numeric">{formatLatencyMs(r.latencyMs.p50)}</td>
                  <td className="numeric">{formatLatencyMs(r.latencyMs.p95)}</td>
                  <td className="numeric">{formatLatencyMs(r.latencyMs.p99)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
