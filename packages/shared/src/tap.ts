// Tap: the live request stream (Linkerd's tap, REFERENCE §1.10). Wire schemas for client → control plane
// (`/v1/tap`) → proxies (admin `/tap`) and back; the protocol is described in docs/tap.md.
import * as z from 'zod';
import { resourceNameSchema } from './resources.js';

export const tapPaths = {
  /** The control plane's WebSocket endpoint for clients (CLI, dashboard). */
  api: '/v1/tap',
  /** The proxy's WebSocket endpoint on its admin listener; only the control plane may subscribe. */
  proxy: '/tap',
} as const;

/** WebSocket close codes, as Linkerd's tap web server uses them. */
export const tapCloseCodes = {
  normal: 1000,
  goingAway: 1001,
  badRequest: 1008,
  internal: 1011,
} as const;

/** Codes of `error` notices (non-fatal: the stream goes on) and of close reasons. */
export const tapErrorCodes = {
  badRequest: 'SB_TAP_BAD_REQUEST',
  unknownResource: 'SB_TAP_UNKNOWN_RESOURCE',
  noMeshedPods: 'SB_TAP_NO_MESHED_PODS',
  /** A tapped pod's proxy could not be reached or went away; the control plane keeps reconnecting to it. */
  proxyUnavailable: 'SB_TAP_PROXY_UNAVAILABLE',
  /** A tapped pod's proxy refused the subscription (wrong token, tap disabled). */
  proxyRefused: 'SB_TAP_PROXY_REFUSED',
  internal: 'SB_TAP_INTERNAL',
} as const;

/** Meta label keys of tap peers. Linkerd's `tls` is "true" or the reason the connection is not secured. */
export const tapLabelKeys = {
  namespace: 'namespace',
  deployment: 'deployment',
  pod: 'pod',
  service: 'service',
  serviceaccount: 'serviceaccount',
  tls: 'tls',
} as const;

/** Headers never shown in tap (Linkerd's `tap.ignoreHeaders` default set; issue linkerd2#10389). */
export const defaultRedactedHeaders: readonly string[] = ['authorization', 'cookie', 'set-cookie', 'proxy-authorization'];
export const redactedValue = '<redacted>';

// === Request: what to tap ===

/**
 * What tap can target (Linkerd's tap takes the same): a namespace, a pod, or any kind that owns pods (the registry's
 * `ownerKind`). A namespace's `name` is the namespace; its `namespace` field is not read.
 */
export const tapKinds = ['namespace', 'deployment', 'statefulset', 'daemonset', 'replicaset', 'job', 'pod'] as const;
export type TapKind = (typeof tapKinds)[number];

export const tapResourceSchema = z.strictObject({
  namespace: resourceNameSchema,
  kind: z.enum(tapKinds),
  name: resourceNameSchema,
});
export type TapResource = z.infer<typeof tapResourceSchema>;

const matchText = z.string().max(1024);
export const stringMatchSchema = z.union([z.strictObject({ exact: matchText }), z.strictObject({ prefix: matchText })]);
export type StringMatch = z.infer<typeof stringMatchSchema>;

/** One side of a request: every field given must hold (exact IP, port, and each meta label). */
export const tapPeerMatchSchema = z.strictObject({
  ip: z.string().max(64).optional(),
  port: z.number().int().min(1).max(65535).optional(),
  labels: z.record(z.string().max(63), z.string().max(253)).optional(),
});
export type TapPeerMatch = z.infer<typeof tapPeerMatchSchema>;

/** Linkerd's ObserveRequest match tree: combinators and leaves, each an object with one key. */
export type TapMatch =
  | { readonly all: readonly TapMatch[] }
  | { readonly any: readonly TapMatch[] }
  | { readonly not: TapMatch }
  | { readonly source: TapPeerMatch }
  | { readonly destination: TapPeerMatch }
  | { readonly direction: 'inbound' | 'outbound' }
  | { readonly method: string }
  | { readonly scheme: string }
  | { readonly authority: StringMatch }
  | { readonly path: StringMatch };

export const tapMatchSchema: z.ZodType<TapMatch> = z.lazy(() =>
  z.union([
    z.strictObject({ all: z.array(tapMatchSchema).max(32) }),
    z.strictObject({ any: z.array(tapMatchSchema).max(32) }),
    z.strictObject({ not: tapMatchSchema }),
    z.strictObject({ source: tapPeerMatchSchema }),
    z.strictObject({ destination: tapPeerMatchSchema }),
    z.strictObject({ direction: z.enum(['inbound', 'outbound']) }),
    z.strictObject({ method: z.string().min(1).max(32) }),
    z.strictObject({ scheme: z.string().min(1).max(16) }),
    z.strictObject({ authority: stringMatchSchema }),
    z.strictObject({ path: stringMatchSchema }),
  ]),
);

/** Nesting allowed in a match tree: deep enough for any real filter, shallow enough to match in microseconds. */
export const maxTapMatchDepth = 8;

export function tapMatchDepth(match: TapMatch): number {
  if ('all' in match) return 1 + Math.max(0, ...match.all.map(tapMatchDepth));
  if ('any' in match) return 1 + Math.max(0, ...match.any.map(tapMatchDepth));
  if ('not' in match) return 1 + tapMatchDepth(match.not);
  return 1;
}

const boundedMatch = tapMatchSchema.refine((m) => tapMatchDepth(m) <= maxTapMatchDepth, {
  message: `match tree nested deeper than ${maxTapMatchDepth}`,
});

/** Linkerd's default `--max-rps`. */
export const defaultTapMaxRps = 100;
const maxRpsSchema = z.number().int().min(1).max(10_000);

/** The client's first (and only) message on `/v1/tap`. */
export const tapRequestSchema = z.strictObject({
  v: z.literal(1),
  /** The resource whose pods are tapped. */
  target: tapResourceSchema,
  /** Only requests to this resource (Linkerd's `--to`). */
  to: tapResourceSchema.optional(),
  match: boundedMatch.optional(),
  /** Tapped requests per second over all pods, split across them (at least 1 per pod). */
  maxRps: maxRpsSchema.default(defaultTapMaxRps),
  /** Include request and response headers (sensitive ones redacted). */
  extractHeaders: z.boolean().default(false),
});
export type TapRequest = z.infer<typeof tapRequestSchema>;
export type TapRequestInput = z.input<typeof tapRequestSchema>;

/** The control plane's first message to one proxy's `/tap` (its share of the request). */
export const proxyTapSubscriptionSchema = z.strictObject({
  v: z.literal(1),
  match: boundedMatch.optional(),
  /** This proxy's share of the request's maxRps, in tapped requests per 1-s window. */
  maxRps: maxRpsSchema,
  extractHeaders: z.boolean(),
  /** The tapped pod's own meta labels (namespace, deployment, pod, serviceaccount) as the control plane knows them. */
  labels: z.record(z.string(), z.string()).default({}),
});
export type ProxyTapSubscription = z.infer<typeof proxyTapSubscriptionSchema>;

// === Events: what was seen ===

export const tapHeaderSchema = z.strictObject({ name: z.string(), value: z.string() });
export type TapHeader = z.infer<typeof tapHeaderSchema>;

export const tapPeerSchema = z.strictObject({
  /** `ip:port` as the proxy saw it. */
  addr: z.string(),
  /** namespace, deployment, pod, service, serviceaccount, tls … (whatever is known). */
  meta: z.record(z.string(), z.string()),
});
export type TapPeer = z.infer<typeof tapPeerSchema>;

/** `base`: one per proxy subscription (so ids stay unique in a merged stream); `stream`: one per request. */
export const tapIdSchema = z.strictObject({ base: z.number().int().min(0), stream: z.number().int().min(0) });
export type TapId = z.infer<typeof tapIdSchema>;

const eventBase = {
  id: tapIdSchema,
  direction: z.enum(['inbound', 'outbound']),
  source: tapPeerSchema,
  destination: tapPeerSchema,
  /** Wall-clock time the proxy saw this (ms since the epoch), so saved streams can be replayed at pace. */
  at: z.number(),
};

export const requestInitSchema = z.strictObject({
  method: z.string(),
  scheme: z.string(),
  authority: z.string(),
  path: z.string(),
  headers: z.array(tapHeaderSchema),
});
export const responseInitSchema = z.strictObject({
  sinceRequestInitUs: z.number().int().min(0),
  status: z.number().int(),
  headers: z.array(tapHeaderSchema),
});
export const responseEndSchema = z.strictObject({
  sinceRequestInitUs: z.number().int().min(0),
  sinceResponseInitUs: z.number().int().min(0),
  responseBytes: z.number().int().min(0),
  /** gRPC responses: the `grpc-status` trailer. */
  grpcStatus: z.number().int().optional(),
  /** The stream did not end cleanly: the proxy's error code (`upstream-reset`, `client-gone`, …). */
  resetError: z.string().optional(),
  trailers: z.array(tapHeaderSchema),
});

/** One of request init, response init or response end, with both peers and the proxy's direction. */
export const tapEventSchema = z.union([
  z.strictObject({ ...eventBase, requestInit: requestInitSchema }),
  z.strictObject({ ...eventBase, responseInit: responseInitSchema }),
  z.strictObject({ ...eventBase, responseEnd: responseEndSchema }),
]);
export type TapEvent = z.infer<typeof tapEventSchema>;
export type RequestInitEvent = Extract<TapEvent, { requestInit: unknown }>;
export type ResponseInitEvent = Extract<TapEvent, { responseInit: unknown }>;
export type ResponseEndEvent = Extract<TapEvent, { responseEnd: unknown }>;

// === Server → client messages (proxy → control plane, control plane → client) ===

export const tapMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('event'), event: tapEventSchema }),
  /** Events dropped since the previous notice because the receiver read too slowly. */
  z.strictObject({ type: z.literal('dropped'), count: z.number().int().min(1) }),
  /** Non-fatal: the stream goes on (fatal problems close the socket with a code and reason). */
  z.strictObject({ type: z.literal('error'), code: z.string(), message: z.string(), pod: z.string().optional() }),
]);
export type TapMessage = z.infer<typeof tapMessageSchema>;

/** The `tls` meta of the side that says whether the connection was secured (Linkerd: src inbound, dst outbound). */
export function tapTls(event: TapEvent): string {
  const side = event.direction === 'inbound' ? event.source : event.destination;
  return side.meta[tapLabelKeys.tls] ?? '';
}

/** A close reason that fits the 123 bytes a WebSocket close frame allows (RFC 6455 §5.5). */
export function tapCloseReason(text: string): string {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length <= 123) return text;
  return `${new TextDecoder().decode(bytes.subarray(0, 120)).replace(/\uFFFD+$/, '')}...`;
}
