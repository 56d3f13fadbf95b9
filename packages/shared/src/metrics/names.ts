// Linkerd's proxy metric names, label keys and latency buckets, verbatim, so viz-style PromQL and Grafana
// dashboards work unchanged (linkerd2-proxy: linkerd/app/core/src/metrics.rs, linkerd/metrics/src/latency.rs).

export const metricNames = {
  requestTotal: 'request_total',
  responseTotal: 'response_total',
  responseLatencyMs: 'response_latency_ms',
  tcpOpenTotal: 'tcp_open_total',
  tcpCloseTotal: 'tcp_close_total',
  tcpOpenConnections: 'tcp_open_connections',
  tcpReadBytesTotal: 'tcp_read_bytes_total',
  tcpWriteBytesTotal: 'tcp_write_bytes_total',
  identityCertExpirationTimestampSeconds: 'identity_cert_expiration_timestamp_seconds',
  identityCertRefreshCount: 'identity_cert_refresh_count',
  inboundTcpAuthzDenyTotal: 'inbound_tcp_authz_deny_total',
  inboundTcpErrorsTotal: 'inbound_tcp_errors_total',
  // ServiceProfile route metrics (outbound): per logical request, and per attempt (`actual`, retries included).
  routeRequestTotal: 'route_request_total',
  routeResponseTotal: 'route_response_total',
  routeResponseLatencyMs: 'route_response_latency_ms',
  routeActualRequestTotal: 'route_actual_request_total',
  routeActualResponseTotal: 'route_actual_response_total',
  routeActualResponseLatencyMs: 'route_actual_response_latency_ms',
  /** Retries a retryable route wanted but did not make: `skipped="no_budget"`. */
  routeRetryableTotal: 'route_retryable_total',
  /**
   * Signalbox's own (Linkerd has no equivalent, hence the prefix): time a request spends inside the proxy itself,
   * request head in → forwarded upstream plus response head in → forwarded to the client. Labels as
   * `response_latency_ms` minus `status_code`.
   */
  proxyOverheadMs: 'signalbox_proxy_overhead_ms',
} as const;

export const labelNames = {
  direction: 'direction',
  authority: 'authority',
  targetAddr: 'target_addr',
  targetIp: 'target_ip',
  targetPort: 'target_port',
  tls: 'tls',
  noTlsReason: 'no_tls_reason',
  clientId: 'client_id',
  serverId: 'server_id',
  statusCode: 'status_code',
  classification: 'classification',
  grpcStatus: 'grpc_status',
  error: 'error',
  peer: 'peer',
  errno: 'errno',
  dstNamespace: 'dst_namespace',
  dstService: 'dst_service',
  dstDeployment: 'dst_deployment',
  dstPod: 'dst_pod',
  dstServiceAccount: 'dst_serviceaccount',
  // The endpoint's owner when it is not a Deployment (Linkerd's GetPodLabels, prefixed by the proxy).
  dstStatefulset: 'dst_statefulset',
  dstDaemonset: 'dst_daemonset',
  dstReplicaset: 'dst_replicaset',
  dstK8sJob: 'dst_k8s_job',
  /** Route metrics: the logical authority `host:port` (the service asked for, before any traffic split). */
  dst: 'dst',
  /** Route metrics: the profile route's name; empty (absent to Prometheus) for unmatched requests, viz's `[DEFAULT]`. */
  rtRoute: 'rt_route',
  skipped: 'skipped',
  // Added by Prometheus from the scrape target, never by the proxy (as Linkerd's viz does).
  namespace: 'namespace',
  deployment: 'deployment',
  statefulset: 'statefulset',
  daemonset: 'daemonset',
  replicaset: 'replicaset',
  /** A Job owner; not `job`, which Prometheus sets to the scrape job's name (as viz relabels it). */
  k8sJob: 'k8s_job',
  pod: 'pod',
} as const;

export type Direction = 'inbound' | 'outbound';
export type Classification = 'success' | 'failure';
export type Peer = 'src' | 'dst';

/** Linkerd's 26 `le` buckets for `response_latency_ms`, in milliseconds (+Inf is implicit). */
export const latencyBucketsMs: readonly number[] = [
  1, 2, 3, 4, 5, 10, 20, 30, 40, 50, 100, 200, 300, 400, 500, 1000, 2000, 3000, 4000, 5000, 10000, 20000, 30000,
  40000, 50000,
];

/** `le` buckets for `signalbox_proxy_overhead_ms`: fine, since a proxy should add well under a millisecond. */
export const overheadBucketsMs: readonly number[] = [0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 20, 50];

/** Values of the `no_tls_reason` label (Linkerd's spellings). */
export const noTlsReasons = {
  notProvidedByServiceDiscovery: 'not_provided_by_service_discovery',
  noTlsFromRemote: 'no_tls_from_remote',
  loopback: 'loopback',
} as const;

/** Values of the `tls` label (Linkerd's): mTLS, none (+ `no_tls_reason`), or TLS for someone else passed through. */
export const tlsLabelValues = {
  secured: 'true',
  noIdentity: 'no_identity',
  opaque: 'opaque',
} as const;
