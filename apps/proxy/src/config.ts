// Proxy configuration: flags (`--inbound=host:port`) win over environment variables, parsed once with zod.
import { cidrListSchema, defaultClusterNetworks, defaultOpaquePorts, defaultTrustDomain, hostPortSchema, parsePortRanges, portRangeBounds, identityName, identityNameSchema, resourceNameSchema, tapServiceIdentity, trustDomainSchema } from '@signalbox/shared';
import * as z from 'zod';

const ms = (def: number) => z.coerce.number().int().min(1).max(3_600_000).default(def);
const port = z.number().int().min(1).max(65535);

/** A repeatable `listen=target` flag value, as written (`127.0.0.1:16379=redis.demo:6379`) or already split. */
function splitPair(v: string): [string, string] {
  const i = v.indexOf('=');
  return i < 0 ? [v, ''] : [v.slice(0, i), v.slice(i + 1)];
}
const outboundTcpSchema = z.strictObject({ listen: hostPortSchema, authority: hostPortSchema });
const inboundRouteSchema = z.strictObject({ listen: hostPortSchema, app: hostPortSchema });
const outboundTcpFlag = z.union([
  outboundTcpSchema,
  z
    .string()
    .transform((v) => {
      const [listen, authority] = splitPair(v);
      return { listen, authority };
    })
    .pipe(outboundTcpSchema),
]);
const inboundRouteFlag = z.union([
  inboundRouteSchema,
  z
    .string()
    .transform((v) => {
      const [listen, app] = splitPair(v);
      return { listen, app };
    })
    .pipe(inboundRouteSchema),
]);

const portList = z
  .union([z.string().transform((v) => v.split(',').map((p) => p.trim()).filter(Boolean).map(Number)), z.array(z.number())])
  .pipe(z.array(port));
/**
 * Ports and ranges, as the `config.signalbox.io/opaque-ports` annotation writes them (`3306,7000-7010`) and inject
 * passes them on, expanded to the ports they cover.
 */
const portRangeList = z.preprocess((v, ctx) => {
  if (typeof v !== 'string') return v;
  try {
    return parsePortRanges(v).flatMap(expandRange);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
}, z.array(port));

function expandRange(range: string): number[] {
  // parsePortRanges has checked every range, so it has bounds.
  const [lo, hi] = portRangeBounds(range) ?? [0, -1];
  return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
}

export const configSchema = z.strictObject({
  outbound: hostPortSchema.default('127.0.0.1:4140'),
  inbound: hostPortSchema.default('127.0.0.1:4143'),
  admin: hostPortSchema.default('127.0.0.1:4191'),
  app: hostPortSchema.default('127.0.0.1:8080'),
  controlPlane: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:8085'),
  failfastTimeout: ms(3000),
  connectTimeout: ms(1000),
  shutdownGrace: ms(30_000),
  /** Upstream keep-alive sockets idle longer than this are closed (Linkerd: 3 s). */
  poolIdleTimeout: ms(3000),
  /** Discovery streams unused for this long are closed. */
  discoveryIdleTimeout: ms(60_000),
  /** Protocol detection's single read waits this long; then the connection is opaque TCP (Linkerd: 10 s). */
  detectTimeout: ms(10_000),
  /**
   * Destination ports (or ranges) that skip detection (server-speaks-first protocols): Linkerd's default list
   * unless given, as inject gives the pod's `config.signalbox.io/opaque-ports`, which replaces it.
   */
  opaquePorts: portRangeList.default([...defaultOpaquePorts]),
  /**
   * How outbound carries HTTP/1 requests to meshed peers: pooled HTTP/1.1 keep-alive sockets, or multiplexed on
   * one HTTP/2 connection per peer (Linkerd's orig-proto upgrade). `auto`, each peer by the faster in
   * `npm run bench`: http2 to peers reached over mTLS (one TLS connection, not one per request in flight), http1 to
   * plaintext ones (converting each exchange to h2 and back costs more than the framing saves).
   */
  peerProtocol: z.enum(['auto', 'http1', 'http2']).default('auto'),
  /**
   * What copies plain opaque TCP bytes: native/relay.c's epoll thread (off the JS streams; needs the addon, else
   * the proxy says why at start and uses the JS relay), or the JS streams. TLS-terminated connections always use JS.
   */
  tcpRelay: z.enum(['native', 'js']).default('native'),
  /**
   * What implements HTTP/2, both for clients and towards upstreams: the proxy's own framing (http2/wire/), or
   * node:http2 (nghttp2), which costs ~9 × the CPU per stream. `npm run bench` measures both.
   */
  h2Engine: z.enum(['wire', 'node']).default('wire'),
  /** Outbound load balancing: P2C over peak-EWMA latency (Linkerd's), or load-blind round-robin. */
  balancer: z.enum(['p2c', 'round-robin']).default('p2c'),
  /** A client must send a whole request head within this (slowloris): else 408 and close. */
  headerTimeout: ms(10_000),
  /** A client keep-alive connection with no request for this long is closed. */
  clientIdleTimeout: ms(60_000),
  /** Extra outbound listeners with a fixed destination, for clients that cannot say where they go (Redis…). */
  outboundTcp: z.array(outboundTcpFlag).default([]),
  /** Per-host mode: extra inbound listeners, each forwarding to its own local app. */
  inboundRoutes: z.array(inboundRouteFlag).default([]),
  /** The token the control plane presents to subscribe to tap; absent: tap is disabled. */
  tapToken: z.string().min(16, 'the tap token must be at least 16 characters').optional(),
  /**
   * With identity on: where tap is served over mTLS (Linkerd's control port 4190). Only a client certificate from
   * the trust anchor naming `--tap-identity` may subscribe; the admin `/tap` path and the token are then refused.
   */
  tapListen: hostPortSchema.optional(),
  /** The tap service's identity; default `tap.signalbox.serviceaccount.identity.signalbox.<trust domain>`. */
  tapIdentity: identityNameSchema.optional(),
  /** Header names tap shows without their value, besides Authorization, Cookie, Set-Cookie, Proxy-Authorization. */
  tapRedactHeaders: z
    .union([z.string().transform((v) => v.split(',')), z.array(z.string())])
    .default([])
    .transform((names) => names.map((h) => h.trim().toLowerCase()).filter(Boolean)),
  /**
   * mTLS identity. On when a name is given (`--identity-name`, or serviceaccount + namespace [+ trust domain]);
   * `off` runs plaintext as before, whatever else is set.
   */
  identity: z.enum(['on', 'off']).optional(),
  identityName: identityNameSchema.optional(),
  identityServiceaccount: resourceNameSchema.optional(),
  identityNamespace: resourceNameSchema.optional(),
  identityTrustDomain: trustDomainSchema.default(defaultTrustDomain),
  /** The pod's token (the registry's `identityToken`), read before every certify so a rotated file is picked up. */
  identityTokenFile: z.string().min(1).optional(),
  /** PEM bundle peers are verified with; absent: taken from the control plane's first certify answer. */
  identityTrustAnchorsFile: z.string().min(1).optional(),
  /**
   * The same bundle given inline, as `signalbox inject` does (Linkerd's LINKERD2_PROXY_IDENTITY_TRUST_ANCHORS): a
   * pod cannot mount the control plane namespace's ConfigMap, so the PEM travels in the pod spec.
   */
  identityTrustAnchors: z.string().regex(/-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----/, 'must be PEM certificates').optional(),
  /** App ports whose inbound refuses clients without a mesh identity (the registry's `requireIdentity`). */
  requireIdentityPorts: portList.default([]),
  /**
   * Transparent interception (iptables REDIRECT, as `signalbox inject`'s init container sets up): outbound takes
   * an accepted connection's original destination as its target (HTTP still routes by Host when it names a mesh
   * service); inbound hands each connection to the local app on its original destination port.
   */
  intercept: z.union([z.boolean(), z.stringbool()]).default(false),
  /**
   * `POST /shutdown` on the admin port, from the pod itself (loopback) only, drains and stops the proxy: how a Job's
   * last command lets its pod complete (Linkerd's `linkerd-await --shutdown`). Off unless asked for, as in Linkerd:
   * any process in the pod could otherwise stop its proxy.
   */
  shutdownEndpoint: z.union([z.boolean(), z.stringbool()]).default(false),
  /**
   * With `intercept`: the only original destinations discovery is asked about (Linkerd's `clusterNetworks`); any
   * other address is forwarded as is, unmeshed, without a lookup. A comma list of CIDRs.
   */
  clusterNetworks: cidrListSchema.default([...defaultClusterNetworks]),
}).superRefine((c, ctx) => {
  if (c.tapListen !== undefined && meshIdentity(c) === undefined)
    ctx.addIssue({ code: 'custom', path: ['tapListen'], message: 'the mTLS tap listener needs an identity of our own (without one, tap is on the admin listener)' });
  if (c.identityTrustAnchors !== undefined && c.identityTrustAnchorsFile !== undefined)
    ctx.addIssue({ code: 'custom', path: ['identityTrustAnchors'], message: 'give the trust anchors inline or as a file, not both' });
  if (c.identity === 'off') return;
  const named = c.identityName !== undefined;
  const parts = c.identityServiceaccount !== undefined || c.identityNamespace !== undefined;
  const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
  if (named && parts) return issue('identityName', 'give a name or a serviceaccount and namespace, not both');
  if (parts && (c.identityServiceaccount === undefined || c.identityNamespace === undefined))
    return issue(c.identityServiceaccount === undefined ? 'identityServiceaccount' : 'identityNamespace', 'needs both the serviceaccount and the namespace');
  if (!named && !parts) {
    if (c.identity === 'on') issue('identityName', 'identity is on but no identity is named');
    if (c.requireIdentityPorts.length > 0) issue('requireIdentityPorts', 'requiring identity needs an identity of our own');
    return;
  }
  if (c.identityTokenFile === undefined) issue('identityTokenFile', 'an identity needs the token that proves it');
});

export type ProxyConfig = z.infer<typeof configSchema>;

export interface MeshIdentityConfig {
  readonly name: string;
  readonly tokenFile: string;
  readonly trustAnchorsFile: string | undefined;
  readonly trustAnchorsPem: string | undefined;
}

/** The proxy's identity, when mTLS is on (the schema has checked that a name and a token file are there). */
export function meshIdentity(c: ProxyConfig): MeshIdentityConfig | undefined {
  if (c.identity === 'off' || c.identityTokenFile === undefined) return undefined;
  const name =
    c.identityName ??
    (c.identityServiceaccount && c.identityNamespace
      ? identityName({ serviceAccount: c.identityServiceaccount, namespace: c.identityNamespace, trustDomain: c.identityTrustDomain })
      : undefined);
  return name === undefined
    ? undefined
    : { name, tokenFile: c.identityTokenFile, trustAnchorsFile: c.identityTrustAnchorsFile, trustAnchorsPem: c.identityTrustAnchors };
}

/** Who may subscribe to tap when identity is on: `--tap-identity`, else the control plane's tap service. */
export function tapClientIdentity(c: ProxyConfig): string {
  return c.tapIdentity ?? tapServiceIdentity(c.identityTrustDomain);
}

/** flag name → [config key, env var] */
const options: Record<string, [keyof ProxyConfig, string]> = {
  outbound: ['outbound', 'SIGNALBOX_OUTBOUND_ADDR'],
  inbound: ['inbound', 'SIGNALBOX_INBOUND_ADDR'],
  admin: ['admin', 'SIGNALBOX_ADMIN_ADDR'],
  app: ['app', 'SIGNALBOX_APP_ADDR'],
  'control-plane': ['controlPlane', 'SIGNALBOX_CONTROL_PLANE_URL'],
  'failfast-timeout': ['failfastTimeout', 'SIGNALBOX_FAILFAST_TIMEOUT_MS'],
  'connect-timeout': ['connectTimeout', 'SIGNALBOX_CONNECT_TIMEOUT_MS'],
  'shutdown-grace': ['shutdownGrace', 'SIGNALBOX_SHUTDOWN_GRACE_MS'],
  'pool-idle-timeout': ['poolIdleTimeout', 'SIGNALBOX_POOL_IDLE_TIMEOUT_MS'],
  'discovery-idle-timeout': ['discoveryIdleTimeout', 'SIGNALBOX_DISCOVERY_IDLE_TIMEOUT_MS'],
  'detect-timeout': ['detectTimeout', 'SIGNALBOX_DETECT_TIMEOUT_MS'],
  'opaque-ports': ['opaquePorts', 'SIGNALBOX_OPAQUE_PORTS'],
  'peer-protocol': ['peerProtocol', 'SIGNALBOX_PEER_PROTOCOL'],
  'tcp-relay': ['tcpRelay', 'SIGNALBOX_TCP_RELAY'],
  'h2-engine': ['h2Engine', 'SIGNALBOX_H2_ENGINE'],
  balancer: ['balancer', 'SIGNALBOX_BALANCER'],
  'header-timeout': ['headerTimeout', 'SIGNALBOX_HEADER_TIMEOUT_MS'],
  'client-idle-timeout': ['clientIdleTimeout', 'SIGNALBOX_CLIENT_IDLE_TIMEOUT_MS'],
  'outbound-tcp': ['outboundTcp', 'SIGNALBOX_OUTBOUND_TCP'],
  'inbound-route': ['inboundRoutes', 'SIGNALBOX_INBOUND_ROUTES'],
  'tap-token': ['tapToken', 'SIGNALBOX_TAP_TOKEN'],
  'tap-redact-headers': ['tapRedactHeaders', 'SIGNALBOX_TAP_REDACT_HEADERS'],
  'tap-listen': ['tapListen', 'SIGNALBOX_TAP_LISTEN_ADDR'],
  'tap-identity': ['tapIdentity', 'SIGNALBOX_TAP_IDENTITY'],
  identity: ['identity', 'SIGNALBOX_IDENTITY'],
  'identity-name': ['identityName', 'SIGNALBOX_IDENTITY_NAME'],
  'identity-serviceaccount': ['identityServiceaccount', 'SIGNALBOX_IDENTITY_SERVICEACCOUNT'],
  'identity-namespace': ['identityNamespace', 'SIGNALBOX_IDENTITY_NAMESPACE'],
  'identity-trust-domain': ['identityTrustDomain', 'SIGNALBOX_IDENTITY_TRUST_DOMAIN'],
  'identity-token-file': ['identityTokenFile', 'SIGNALBOX_IDENTITY_TOKEN_FILE'],
  'identity-trust-anchors-file': ['identityTrustAnchorsFile', 'SIGNALBOX_IDENTITY_TRUST_ANCHORS_FILE'],
  'identity-trust-anchors': ['identityTrustAnchors', 'SIGNALBOX_IDENTITY_TRUST_ANCHORS'],
  'require-identity-ports': ['requireIdentityPorts', 'SIGNALBOX_REQUIRE_IDENTITY_PORTS'],
  intercept: ['intercept', 'SIGNALBOX_INTERCEPT'],
  'shutdown-endpoint': ['shutdownEndpoint', 'SIGNALBOX_SHUTDOWN_ENDPOINT'],
  'cluster-networks': ['clusterNetworks', 'SIGNALBOX_CLUSTER_NETWORKS'],
};

/** Flags that may be given more than once (the env var then holds a comma-separated list). */
const repeatable = new Set<keyof ProxyConfig>(['outboundTcp', 'inboundRoutes']);

/** Settings whose empty env value means an empty list, not the default (the pod's `opaque-ports: ""`). */
const emptyIsAValue = new Set<keyof ProxyConfig>(['opaquePorts']);

/** Flags that may stand alone (`--intercept` is `--intercept=true`). */
const booleans = new Set<keyof ProxyConfig>(['intercept', 'shutdownEndpoint']);

const flagOf = Object.fromEntries(Object.entries(options).map(([flag, [key, env]]) => [key, `--${flag} (${env})`]));

export class ConfigError extends Error {}

export function parseConfig(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): ProxyConfig {
  const raw: Record<string, string | string[]> = {};
  for (const [, [key, envName]] of Object.entries(options)) {
    const v = env[envName];
    if (v !== undefined && (v !== '' || emptyIsAValue.has(key))) raw[key] = repeatable.has(key) ? v.split(',') : v;
  }
  const flagged = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const m = /^--([a-z0-9-]+)(?:=(.*))?$/.exec(arg);
    const opt = m && options[m[1] as string];
    if (!m || !opt) throw new ConfigError(`unknown argument ${arg}`);
    const value = m[2] ?? (booleans.has(opt[0]) ? 'true' : argv[++i]);
    if (value === undefined) throw new ConfigError(`--${m[1]} needs a value`);
    const key = opt[0];
    if (!repeatable.has(key)) raw[key] = value;
    else raw[key] = flagged.has(key) ? [...(raw[key] as string[]), value] : [value]; // flags replace the env list
    flagged.add(key);
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const msg = parsed.error.issues
      .map((issue) => `${flagOf[String(issue.path[0])] ?? String(issue.path[0])}: ${issue.message}`)
      .join('; ');
    throw new ConfigError(`invalid configuration: ${msg}`);
  }
  return parsed.data;
}
