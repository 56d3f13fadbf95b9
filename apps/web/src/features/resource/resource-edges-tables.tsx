'use client';
// The detail page's inbound and outbound edges (Linkerd's Inbound/Outbound/Edges tables in one): the peer, its
// HTTP and TCP numbers, whether the edge is secured and why not, the identities once mTLS issues them, and a tap
// link per edge.
import { useQuery } from '@tanstack/react-query';
import type { Edge } from '@signalbox/shared';
import Link from 'next/link';
import { ErrorBanner } from '../../components/error-banner';
import { LockIcon } from '../../components/lock-icon';
import { NumericHeader } from '../../components/numeric-header';
import { SuccessRate } from '../../components/success-rate';
import { detailHref, tapHref } from '../../lib/links';
import { liveQueryOptions } from '../../lib/query-client';
import { useTRPC } from '../../lib/trpc';
import { formatBytesPerSec, formatCount, formatLatencyMs, formatOverheadMs, formatRps } from '../metrics/format';
import type { MetricsWindow } from '../metrics/window';
import { securityText, tlsReasonText } from '../topology/edge-style';
import { resourceEdges } from './resource-edges';
import type { EdgeWorkload } from './resource-workloads';

export interface ResourceEdgesTablesProps {
  readonly namespace: string;
  /** The workloads behind the resource (from `resource`); undefined while it loads. */
  readonly workloads: readonly EdgeWorkload[] | undefined;
  readonly window: MetricsWindow;
  /** Set for pods and services: edges are per workload, so the tables say whose they are. */
  readonly note?: string;
}

export function ResourceEdgesTables({ namespace, workloads, window, note }: ResourceEdgesTablesProps) {
  const trpc = useTRPC();
  const edges = useQuery(trpc.edges.queryOptions({ namespace, window }, liveQueryOptions));
  const split = edges.data && workloads ? resourceEdges(edges.data.edges, namespace, workloads) : null;
  return (
    <section className="panel" aria-label="Edges">
      <h2>Edges</h2>
      {note && <p className="panel-note">{note}</p>}
      {edges.isError && <ErrorBanner error={edges.error} showingStaleData={edges.data !== undefined} />}
      {split === null ? (
        edges.isError ? null : <p className="state-message">Loading edges…</p>
      ) : (
        <>
          <EdgeTable title="Inbound" direction="inbound" edges={split.inbound} window={window} />
          <EdgeTable title="Outbound" direction="outbound" edges={split.outbound} window={window} />
        </>
      )}
    </section>
  );
}

function EdgeTable({
  title,
  direction,
  edges,
  window,
}: {
  title: string;
  direction: 'inbound' | 'outbound';
  edges: readonly Edge[];
  window: MetricsWindow;
}) {
  const peerOf = (e: Edge) => (direction === 'inbound' ? e.src : e.dst);
  const showIds = edges.some((e) => e.clientId !== null || e.serverId !== null);
  return (
    <div className="edge-table" data-direction={direction}>
      <h3>
        {title} <span className="count">({edges.length})</span>
      </h3>
      {edges.length === 0 ? (
        <p className="state-message empty" data-state="no-traffic">
          No {direction} traffic in the last {window}.
        </p>
      ) : (
        <div className="table-scroll">
          <table className="metrics-table" aria-label={`${title} edges`}>
            <thead>
              <tr>
                <th scope="col">{direction === 'inbound' ? 'From' : 'To'}</th>
                <th scope="col">Protocol</th>
                <NumericHeader>Success</NumericHeader>
                <NumericHeader>RPS</NumericHeader>
                <NumericHeader>P99</NumericHeader>
                <NumericHeader title="Time both proxies of the edge add (signalbox_proxy_overhead_ms)">Mesh adds p50/p99</NumericHeader>
                <NumericHeader>TCP</NumericHeader>
                <NumericHeader>Read</NumericHeader>
                <NumericHeader>Write</NumericHeader>
                <th scope="col">Secured</th>
                {showIds && <th scope="col">Identities</th>}
                <th scope="col">
                  <span className="visually-hidden">Tap</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {edges.map((e) => {
                const peer = peerOf(e);
                return (
                  <tr key={`${e.src.namespace}/${e.src.kind}/${e.src.name}>${e.dst.namespace}/${e.dst.kind}/${e.dst.name}`} data-peer={peer.name} data-peer-kind={peer.kind}>
                    <td>
                      <Link href={detailHref(peer.kind, peer.namespace, peer.name, window)}>
                        {peer.namespace === (direction === 'inbound' ? e.dst : e.src).namespace ? peer.name : `${peer.namespace}/${peer.name}`}
                      </Link>
                    </td>
                    <td>{e.protocol.toUpperCase()}</td>
                    <td className="numeric">
                      <SuccessRate rate={e.successRate} />
                    </td>
                    <td className="numeric">{e.protocol === 'http' ? formatRps(e.rps) : '-'}</td>
                    <td className="numeric">{formatLatencyMs(e.latencyP99Ms)}</td>
                    <td className="numeric" data-column="overhead">
                      {formatOverheadMs(e.overheadMs)}
                    </td>
                    <td className="numeric">{formatCount(e.tcpConnections)}</td>
                    <td className="numeric">{formatBytesPerSec(e.readBytesPerSec)}</td>
                    <td className="numeric">{formatBytesPerSec(e.writeBytesPerSec)}</td>
                    <td title={securityText(e)} data-secured={e.secured}>
                      <LockIcon secured={e.secured} /> {e.secured ? 'yes' : `no: ${tlsReasonText(e.noTlsReason)}`}
                    </td>
                    {showIds && (
                      <td>
                        {e.clientId ?? '-'} → {e.serverId ?? '-'}
                      </td>
                    )}
                    <td>
                      <Link href={tapHref(e.src, e.dst)}>Tap</Link>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
