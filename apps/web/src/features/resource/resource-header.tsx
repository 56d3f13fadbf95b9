'use client';
// The detail page's header: meshed status (in words and colour), the resource's golden numbers for the window,
// its pods (each linking to its own page) and the workloads and services related to it. Registry data answers
// even while Prometheus is down; only the numbers then show an error.
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { ErrorBanner } from '../../components/error-banner';
import { SuccessRate } from '../../components/success-rate';
import { describeApiError } from '../../lib/api-error';
import { detailHref, isDetailKind, type DetailKind } from '../../lib/links';
import { liveQueryOptions } from '../../lib/query-client';
import { useTRPC } from '../../lib/trpc';
import { formatBytesPerSec, formatCount, formatLatencyMs, formatOverheadMs, formatRps } from '../metrics/format';
import type { MetricsWindow } from '../metrics/window';
import { meshedStatus } from './resource-edges';
import { podWorkloads, type Workload } from './resource-workloads';

export interface ResourceHeaderProps {
  readonly kind: DetailKind;
  readonly namespace: string;
  readonly name: string;
  readonly window: MetricsWindow;
}

export function ResourceHeader({ kind, namespace, name, window }: ResourceHeaderProps) {
  const trpc = useTRPC();
  const resource = useQuery(trpc.resource.queryOptions({ kind, namespace, name }, liveQueryOptions));
  const stat = useQuery(trpc.stat.queryOptions({ kind, namespace, name, window }, liveQueryOptions));
  const detail = resource.data;
  const row = stat.data?.rows[0];

  if (resource.isError && describeApiError(resource.error).kind === 'not-found')
    return (
      <section className="panel" aria-label="Resource">
        <p className="state-message empty" data-state="not-found">
          No {kind} <strong>{name}</strong> in namespace <strong>{namespace}</strong>.
        </p>
      </section>
    );

  const status = detail ? meshedStatus(detail.meshedPods, detail.totalPods) : null;
  const workloads = detail ? podWorkloads(detail.pods) : [];
  return (
    <section className="panel resource-header" aria-label="Resource">
      {resource.isError && <ErrorBanner error={resource.error} showingStaleData={detail !== undefined} />}
      {stat.isError && !resource.isError && <ErrorBanner error={stat.error} showingStaleData={row !== undefined} />}
      <div className="chips">
        {status ? (
          <span className={`chip chip-${status.level}`} data-meshed={status.level}>
            {status.text}
          </span>
        ) : (
          !resource.isError && <span className="chip">Loading…</span>
        )}
        {row && row.rps === 0 && row.successRate === null && (
          <span className="chip" data-state="no-traffic">
            No traffic in the last {window}
          </span>
        )}
      </div>
      {row && (
        <dl className="golden" aria-label={`Golden metrics, last ${window}`}>
          <div>
            <dt>Success</dt>
            <dd>
              <SuccessRate rate={row.successRate} />
            </dd>
          </div>
          <div>
            <dt>RPS</dt>
            <dd>{formatRps(row.rps)}</dd>
          </div>
          <div>
            <dt>P50</dt>
            <dd>{formatLatencyMs(row.latencyMs.p50)}</dd>
          </div>
          <div>
            <dt>P95</dt>
            <dd>{formatLatencyMs(row.latencyMs.p95)}</dd>
          </div>
          <div>
            <dt>P99</dt>
            <dd>{formatLatencyMs(row.latencyMs.p99)}</dd>
          </div>
          <div>
            <dt title="Time the proxies themselves add (signalbox_proxy_overhead_ms)">Mesh adds p50/p99</dt>
            <dd data-overhead>{formatOverheadMs(row.overheadMs)}</dd>
          </div>
          <div>
            <dt>TCP</dt>
            <dd>{formatCount(row.tcpConnections)}</dd>
          </div>
          <div>
            <dt>Read / write</dt>
            <dd>
              {formatBytesPerSec(row.readBytesPerSec)} / {formatBytesPerSec(row.writeBytesPerSec)}
            </dd>
          </div>
        </dl>
      )}
      {detail && (
        <div className="related">
          {(kind === 'pod' || kind === 'service') && workloads.length > 0 && (
            <p>
              Workload{workloads.length > 1 ? 's' : ''}:{' '}
              {workloads.map((w, i) => (
                <span key={`${w.kind}/${w.name}`}>
                  {i > 0 && ', '}
                  <WorkloadLink workload={w} namespace={namespace} window={window} />
                </span>
              ))}
            </p>
          )}
          {kind !== 'service' && detail.services.length > 0 && (
            <p>
              Service{detail.services.length > 1 ? 's' : ''}:{' '}
              {detail.services.map((s, i) => (
                <span key={s}>
                  {i > 0 && ', '}
                  <Link href={detailHref('service', namespace, s, window)}>{s}</Link>
                </span>
              ))}
            </p>
          )}
          {kind !== 'pod' && (
            <div className="table-scroll">
              <table className="metrics-table pods-table" aria-label="Pods">
                <thead>
                  <tr>
                    <th scope="col">Pod</th>
                    <th scope="col">Workload</th>
                    <th scope="col">Service account</th>
                    <th scope="col">Meshed</th>
                  </tr>
                </thead>
                <tbody>
                  {detail.pods.map((p) => (
                    <tr key={p.name} data-pod={p.name}>
                      <td>
                        <Link href={detailHref('pod', namespace, p.name, window)}>{p.name}</Link>
                      </td>
                      <td>{p.ownerKind === 'pod' ? '–' : <WorkloadLink workload={{ kind: p.ownerKind, name: p.deployment }} namespace={namespace} window={window} />}</td>
                      <td>{p.serviceAccount}</td>
                      <td>{p.meshed ? '✓ meshed' : '✗ unmeshed'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
      )}
    </section>
  );
}

/** A workload's name, linked to its page when its kind has one (ReplicaSets and Jobs do not); the title says the kind. */
function WorkloadLink({ workload, namespace, window }: { workload: Workload; namespace: string; window: MetricsWindow }) {
  return isDetailKind(workload.kind) ? (
    <Link href={detailHref(workload.kind, namespace, workload.name, window)} title={workload.kind}>
      {workload.name}
    </Link>
  ) : (
    <span title={workload.kind}>{workload.name}</span>
  );
}
