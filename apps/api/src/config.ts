// Control plane configuration: flags, else environment, else defaults; parsed once with zod at start-up.
import { parseArgs } from 'node:util';
import { defaultCertLifetimeMs, defaultTrustDomain, hostPortSchema, parseHostPort, trustDomainSchema, type HostPort } from '@signalbox/shared';
import { z } from 'zod';

export interface ApiConfig {
  readonly listen: HostPort;
  /** Where the mesh's model comes from: the registry file (one machine) or the Kubernetes API. */
  readonly discovery: DiscoveryConfig;
  readonly prometheusUrl: string;
  /** Where to write Prometheus file_sd targets; absent: not written. */
  readonly fileSdPath: string | undefined;
  /** The token proxies require on their tap endpoint (their --tap-token); absent: tap cannot reach proxies. */
  readonly tapToken: string | undefined;
  /** When set, `/v1/tap` clients must present it (`Authorization: Bearer`): for an API bound beyond loopback. */
  readonly tapAuthToken: string | undefined;
  /** How often each proxy tap stream is pinged; one missed pong ends it as a failure and it reconnects. */
  readonly tapPingIntervalMs: number;
  /** The identity service (certify); absent when no CA is configured: proxies then run without mTLS. */
  readonly identity?: IdentityConfig | undefined;
}

export type DiscoveryConfig =
  | { readonly kind: 'static'; readonly registryFile: string }
  /** `kubeconfig` absent: in-cluster (the pod's ServiceAccount), else $KUBECONFIG or ~/.kube/config. */
  | { readonly kind: 'kubernetes'; readonly kubeconfig: string | undefined };

export interface IdentityConfig {
  /** Where the CA is generated on first run and read after; or the user's own files. */
  readonly ca: { readonly dir: string } | { readonly trustAnchorsFile: string; readonly issuerCertFile: string; readonly issuerKeyFile: string };
  readonly trustDomain: string;
  readonly certLifetimeMs: number;
}

const DURATION = /^(\d+)(ms|s|m|h|d)$/;
const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
/** A duration like `24h`, `90m`, `500ms`, in milliseconds, between `min` and `max` (both said in `range`). */
function durationSchema(examples: string, min: number, max: number, range: string) {
  return z
    .string()
    .regex(DURATION, `must be a duration like ${examples}`)
    .transform((s) => {
      const [, n, unit] = DURATION.exec(s) as RegExpExecArray;
      return Number(n) * (unitMs[unit as string] as number);
    })
    .refine((ms) => ms >= min && ms <= max, `must be between ${range}`);
}

/** A certificate lifetime: at least 10 s (the proxy's shortest refresh), at most a year. */
const lifetimeSchema = durationSchema('24h, 90m or 20s', 10_000, 365 * 86_400_000, '10s and 365d');

/** How often tap pings a proxy, 100 ms to 5 min. */
const pingIntervalSchema = durationSchema('10s or 500ms', 100, 300_000, '100ms and 5m');

const configSchema = z.strictObject({
  listen: hostPortSchema.default('127.0.0.1:8085'),
  discovery: z.enum(['static', 'kubernetes']).default('static'),
  registry: z.string().min(1).optional(),
  kubeconfig: z.string().min(1).optional(),
  prometheusUrl: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:9090'),
  fileSd: z.string().min(1).optional(),
  tapToken: z.string().min(16, 'must be at least 16 characters').optional(),
  tapAuthToken: z.string().min(16, 'must be at least 16 characters').optional(),
  tapPingInterval: pingIntervalSchema.default(10_000),
  identityDir: z.string().min(1).optional(),
  trustAnchorsFile: z.string().min(1).optional(),
  issuerCertFile: z.string().min(1).optional(),
  issuerKeyFile: z.string().min(1).optional(),
  trustDomain: trustDomainSchema.optional(),
  identityCertLifetime: lifetimeSchema.optional(),
}).superRefine((c, ctx) => {
  if (c.discovery === 'static' && !c.registry) ctx.addIssue({ code: 'custom', path: ['registry'], message: 'missing: pass --registry <file> or set SIGNALBOX_REGISTRY (or use --discovery=kubernetes)' });
  if (c.discovery === 'kubernetes' && c.registry) ctx.addIssue({ code: 'custom', path: ['registry'], message: 'not used with --discovery=kubernetes: the cluster is the registry' });
  if (c.discovery === 'static' && c.kubeconfig) ctx.addIssue({ code: 'custom', path: ['kubeconfig'], message: 'only used with --discovery=kubernetes' });
  const files = [c.trustAnchorsFile, c.issuerCertFile, c.issuerKeyFile].filter((f) => f !== undefined).length;
  if (c.identityDir && files > 0) ctx.addIssue({ code: 'custom', path: ['identityDir'], message: 'give either --identity-dir or the three CA files, not both' });
  else if (files > 0 && files < 3) ctx.addIssue({ code: 'custom', path: ['trustAnchorsFile'], message: 'needs all of --trust-anchors-file, --issuer-cert-file and --issuer-key-file' });
  else if (!c.identityDir && files === 0 && (c.trustDomain || c.identityCertLifetime))
    ctx.addIssue({ code: 'custom', path: [c.trustDomain ? 'trustDomain' : 'identityCertLifetime'], message: 'needs --identity-dir or the CA files' });
});

/** Throws an Error whose message lists every bad setting by flag name. */
export function parseConfig(argv: readonly string[], env: NodeJS.ProcessEnv): ApiConfig {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      listen: { type: 'string' },
      registry: { type: 'string' },
      discovery: { type: 'string' },
      kubeconfig: { type: 'string' },
      'prometheus-url': { type: 'string' },
      'file-sd': { type: 'string' },
      'tap-token': { type: 'string' },
      'tap-auth-token': { type: 'string' },
      'tap-ping-interval': { type: 'string' },
      'identity-dir': { type: 'string' },
      'trust-anchors-file': { type: 'string' },
      'issuer-cert-file': { type: 'string' },
      'issuer-key-file': { type: 'string' },
      'trust-domain': { type: 'string' },
      'identity-cert-lifetime': { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  const result = configSchema.safeParse({
    // An empty variable counts as unset, as shells and compose files often leave them.
    listen: values.listen ?? (env.SIGNALBOX_API_ADDR || undefined),
    registry: values.registry ?? (env.SIGNALBOX_REGISTRY || undefined),
    discovery: values.discovery ?? (env.SIGNALBOX_DISCOVERY || undefined),
    kubeconfig: values.kubeconfig ?? (env.SIGNALBOX_KUBECONFIG || undefined),
    prometheusUrl: values['prometheus-url'] ?? (env.SIGNALBOX_PROMETHEUS_URL || undefined),
    fileSd: values['file-sd'] ?? (env.SIGNALBOX_FILE_SD || undefined),
    tapToken: values['tap-token'] ?? (env.SIGNALBOX_TAP_TOKEN || undefined),
    tapAuthToken: values['tap-auth-token'] ?? (env.SIGNALBOX_TAP_AUTH_TOKEN || undefined),
    tapPingInterval: values['tap-ping-interval'] ?? (env.SIGNALBOX_TAP_PING_INTERVAL || undefined),
    identityDir: values['identity-dir'] ?? (env.SIGNALBOX_IDENTITY_DIR || undefined),
    trustAnchorsFile: values['trust-anchors-file'] ?? (env.SIGNALBOX_TRUST_ANCHORS_FILE || undefined),
    issuerCertFile: values['issuer-cert-file'] ?? (env.SIGNALBOX_ISSUER_CERT_FILE || undefined),
    issuerKeyFile: values['issuer-key-file'] ?? (env.SIGNALBOX_ISSUER_KEY_FILE || undefined),
    trustDomain: values['trust-domain'] ?? (env.SIGNALBOX_TRUST_DOMAIN || undefined),
    identityCertLifetime: values['identity-cert-lifetime'] ?? (env.SIGNALBOX_IDENTITY_CERT_LIFETIME || undefined),
  });
  if (!result.success) {
    const flag: Record<string, string> = { listen: '--listen', registry: '--registry', discovery: '--discovery', kubeconfig: '--kubeconfig', prometheusUrl: '--prometheus-url', fileSd: '--file-sd', tapToken: '--tap-token', tapAuthToken: '--tap-auth-token', tapPingInterval: '--tap-ping-interval', identityDir: '--identity-dir', trustAnchorsFile: '--trust-anchors-file', issuerCertFile: '--issuer-cert-file', issuerKeyFile: '--issuer-key-file', trustDomain: '--trust-domain', identityCertLifetime: '--identity-cert-lifetime' };
    throw new Error(result.error.issues.map((i) => `${flag[String(i.path[0])] ?? i.path.join('.')}: ${i.message}`).join('\n'));
  }
  const c = result.data;
  return {
    listen: parseHostPort(c.listen) as HostPort,
    discovery: c.discovery === 'kubernetes' ? { kind: 'kubernetes', kubeconfig: c.kubeconfig } : { kind: 'static', registryFile: c.registry as string },
    prometheusUrl: c.prometheusUrl,
    fileSdPath: c.fileSd,
    tapToken: c.tapToken,
    tapAuthToken: c.tapAuthToken,
    tapPingIntervalMs: c.tapPingInterval,
    ...(c.identityDir || c.issuerKeyFile
      ? {
          identity: {
            ca: c.identityDir
              ? { dir: c.identityDir }
              : { trustAnchorsFile: c.trustAnchorsFile as string, issuerCertFile: c.issuerCertFile as string, issuerKeyFile: c.issuerKeyFile as string },
            trustDomain: c.trustDomain ?? defaultTrustDomain,
            certLifetimeMs: c.identityCertLifetime ?? defaultCertLifetimeMs,
          },
        }
      : {}),
  };
}
