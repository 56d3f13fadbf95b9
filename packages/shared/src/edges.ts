// Workload edges (`edges`): who talks to whom, over HTTP or plain TCP, how well, and whether it is secured.
// What the tRPC `edges` procedure takes and returns, for the topology graph and the detail page's edge tables.
import * as z from 'zod';
import { windowSchema } from './promql/window.js';
import { resourceNameSchema, workloadKinds } from './resources.js';

export const edgesInputSchema = z.strictObject({
  /** Edges with either end in this namespace; omitted: the whole mesh. */
  namespace: resourceNameSchema.optional(),
  window: windowSchema.default('1m'),
});
export type EdgesInput = z.input<typeof edgesInputSchema>;

/** One end of an edge: a Deployment, StatefulSet or DaemonSet (`kind`, as the resource kinds spell them). */
export const workloadRefSchema = z.strictObject({ namespace: z.string(), kind: z.enum(workloadKinds), name: z.string() });
export type WorkloadRef = z.infer<typeof workloadRefSchema>;

export const edgeProtocols = ['http', 'tcp'] as const;

export const edgeSchema = z.strictObject({
  src: workloadRefSchema,
  dst: workloadRefSchema,
  /** `http` when requests completed on the edge in the window; `tcp` when only connections or bytes were seen. */
  protocol: z.enum(edgeProtocols),
  /** Completed requests per second over the window (0 for TCP-only edges). */
  rps: z.number(),
  /** null when no request completed in the window. */
  successRate: z.number().min(0).max(1).nullable(),
  /** Milliseconds; null when Prometheus answers NaN. */
  latencyP99Ms: z.number().nullable(),
  /**
   * Time both proxies of the edge add (signalbox_proxy_overhead_ms): the source's outbound quantile on this edge plus
   * the destination workload's inbound one. Summed quantiles: an estimate (an upper bound for the p99's sum).
   */
  overheadMs: z.strictObject({ p50: z.number().nullable(), p99: z.number().nullable() }).optional(),
  /** Connections open now from the source's proxies to the destination. */
  tcpConnections: z.number(),
  /** Bytes/s the source read from the destination (responses) and wrote to it (requests), over the window. */
  readBytesPerSec: z.number(),
  writeBytesPerSec: z.number(),
  /** Every connection and request on the edge was mutually authenticated TLS (`tls="true"`). */
  secured: z.boolean(),
  /** Why not, in Linkerd's spelling (`no_identity`, `not_provided_by_service_discovery`, …); null when secured. */
  noTlsReason: z.string().nullable(),
  /** The client's and server's TLS identities when known (mTLS); null until identities are issued. */
  clientId: z.string().nullable(),
  serverId: z.string().nullable(),
  /**
   * Traffic split: the destination is a backend of `service`'s split (its policy's `backends`), configured to get
   * `share` (0–1) of that service's requests. The measured share is this edge's RPS against its siblings'.
   */
  split: z.strictObject({ service: z.string(), share: z.number().min(0).max(1) }).optional(),
});
export type Edge = z.infer<typeof edgeSchema>;

export const edgesResultSchema = z.strictObject({
  window: z.string(),
  edges: z.array(edgeSchema),
});
export type EdgesResult = z.infer<typeof edgesResultSchema>;
