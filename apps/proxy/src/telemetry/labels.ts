// Linkerd's label shapes for endpoint-level metrics (REFERENCE §2.1–2.2), built once per target so the per-request
// path only looks up a cached series. Proxy identity labels (namespace, deployment, pod) are added by Prometheus.
import { labelNames as L, noTlsReasons, tlsLabelValues, type Direction, type EndpointLabels } from '@signalbox/shared';
import { parseHostPort } from '@signalbox/shared';

export type Labels = Readonly<Record<string, string>>;

/** What a metric series is about: the address connected to, plus what discovery said about it. */
export interface MetricTarget {
  readonly direction: Direction;
  /** Outbound only: Linkerd omits the inbound authority (cardinality). */
  readonly authority?: string;
  /** `host:port` connected to (the endpoint; the app for inbound). */
  readonly addr: string;
  /** Why the connection is not mTLS; ignored when `tls` says it is. */
  readonly noTlsReason: string;
  /**
   * mTLS: inbound knows the client's identity (`tls="true",client_id`), outbound the server's it verified
   * (`tls="true",server_id`); `opaque`: inbound TLS for another name, passed through undecrypted (`tls="opaque"`).
   */
  readonly tls?: { readonly clientId: string } | { readonly serverId: string } | 'opaque';
  readonly dst?: EndpointLabels;
}

export function targetLabels(t: MetricTarget): Labels {
  const hp = parseHostPort(t.addr);
  const labels: Record<string, string> = { [L.direction]: t.direction };
  if (t.authority !== undefined) labels[L.authority] = t.authority;
  labels[L.targetAddr] = t.addr;
  labels[L.targetIp] = hp?.host ?? '';
  labels[L.targetPort] = hp ? String(hp.port) : '';
  const tls = t.tls;
  if (tls === 'opaque') labels[L.tls] = tlsLabelValues.opaque;
  else if (tls) {
    labels[L.tls] = tlsLabelValues.secured;
    if ('clientId' in tls) labels[L.clientId] = tls.clientId;
    else labels[L.serverId] = tls.serverId;
  } else {
    labels[L.tls] = tlsLabelValues.noIdentity;
    labels[L.noTlsReason] = t.noTlsReason;
  }
  if (t.dst) {
    labels[L.dstNamespace] = t.dst.namespace;
    labels[L.dstService] = t.dst.service;
    labels[L.dstDeployment] = t.dst.deployment;
    labels[L.dstPod] = t.dst.pod;
    labels[L.dstServiceAccount] = t.dst.serviceaccount;
    for (const [key, name] of dstOwnerLabels) {
      const owner = t.dst[key];
      if (owner !== undefined) labels[name] = owner;
    }
  }
  return labels;
}

/** Discovery's owner labels other than `deployment` (Linkerd's GetPodLabels), which the proxy prefixes with `dst_`. */
const dstOwnerLabels = [
  ['statefulset', L.dstStatefulset],
  ['daemonset', L.dstDaemonset],
  ['replicaset', L.dstReplicaset],
  ['k8s_job', L.dstK8sJob],
] as const satisfies readonly (readonly [keyof EndpointLabels, string])[];

/** A stable key for caching per-target series. */
export function targetKey(t: MetricTarget): string {
  const d = t.dst;
  const tls = t.tls === undefined ? `-${t.noTlsReason}` : t.tls === 'opaque' ? 'o' : 'clientId' in t.tls ? `c${t.tls.clientId}` : `s${t.tls.serverId}`;
  return `${t.direction}|${t.authority ?? ''}|${t.addr}|${tls}|${
    d ? `${d.namespace}|${d.service}|${d.deployment}|${d.pod}|${d.serviceaccount}|${d.statefulset ?? ''}|${d.daemonset ?? ''}|${d.replicaset ?? ''}|${d.k8s_job ?? ''}` : ''
  }`;
}

export const tlsReasons = {
  outboundEndpoint: noTlsReasons.notProvidedByServiceDiscovery,
  outboundAccepted: noTlsReasons.loopback,
  inbound: noTlsReasons.noTlsFromRemote,
} as const;

export const endpointLabelNames = [
  L.direction,
  L.authority,
  L.targetAddr,
  L.targetIp,
  L.targetPort,
  L.tls,
  L.noTlsReason,
  L.clientId,
  L.serverId,
  L.dstNamespace,
  L.dstService,
  L.dstDeployment,
  L.dstPod,
  L.dstServiceAccount,
  ...dstOwnerLabels.map(([, name]) => name),
];
