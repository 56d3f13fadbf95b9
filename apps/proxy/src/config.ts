// Proxy configuration: flags (`--inbound=host:port`) win over environment variables, parsed once with zod.
import { hostPortSchema } from '@signalbox/shared';
import { z } from 'zod';

const ms = (def: number) => z.coerce.number().int().min(1).max(3_600_000).default(def);

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
  /** The token the control plane presents to subscribe to tap; absent: tap is disabled. */
  tapToken: z.string().min(16, 'the tap token must be at least 16 characters').optional(),
  /** Header names tap shows without their value, besides Authorization, Cookie, Set-Cookie, Proxy-Authorization. */
  tapRedactHeaders: z
    .union([z.string().transform((v) => v.split(',')), z.array(z.string())])
    .default([])
    .transform((names) => names.map((h) => h.trim().toLowerCase()).filter(Boolean)),
});

export type ProxyConfig = z.infer<typeof configSchema>;

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
  'tap-token': ['tapToken', 'SIGNALBOX_TAP_TOKEN'],
  'tap-redact-headers': ['tapRedactHeaders', 'SIGNALBOX_TAP_REDACT_HEADERS'],
};

const flagOf = Object.fromEntries(Object.entries(options).map(([flag, [key, env]]) => [key, `--${flag} (${env})`]));

export class ConfigError extends Error {}

export function parseConfig(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): ProxyConfig {
  const raw: Record<string, string> = {};
  for (const [, [key, envName]] of Object.entries(options)) {
    const v = env[envName];
    if (v !== undefined && v !== '') raw[key] = v;
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    const opt = m && options[m[1] as string];
    if (!m || !opt) throw new ConfigError(`unknown argument ${arg}`);
    const value = m[2] ?? argv[++i];
    if (value === undefined) throw new ConfigError(`--${m[1]} needs a value`);
    raw[opt[0]] = value;
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
