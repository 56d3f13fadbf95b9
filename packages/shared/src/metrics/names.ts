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
  // Added by Prometheus from the scrape target, never by the proxy (as Linkerd's viz does).
  namespace: 'namespace',
  deployment: 'deployment',
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

/** Values of the `no_tls_reason` label (Linkerd's spellings). */
export const noTlsReasons = {
  notProvidedByServiceDiscovery: 'not_provided_by_service_discovery',
  noTlsFromRemote: 'no_tls_from_remote',
  loopback: 'loopback',
} as const;
