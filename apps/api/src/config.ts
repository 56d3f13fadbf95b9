// Control plane configuration: flags, else environment, else defaults; parsed once with zod at start-up.
import { parseArgs } from 'node:util';
import { hostPortSchema, parseHostPort, type HostPort } from '@signalbox/shared';
import { z } from 'zod';

export interface ApiConfig {
  readonly listen: HostPort;
  readonly registryFile: string;
  readonly prometheusUrl: string;
  /** Where to write Prometheus file_sd targets; absent: not written. */
  readonly fileSdPath: string | undefined;
  /** The token proxies require on their tap endpoint (their --tap-token); absent: tap cannot reach proxies. */
  readonly tapToken: string | undefined;
  /** When set, `/v1/tap` clients must present it (`Authorization: Bearer`): for an API bound beyond loopback. */
  readonly tapAuthToken: string | undefined;
}

const configSchema = z.strictObject({
  listen: hostPortSchema.default('127.0.0.1:8085'),
  registry: z.string({ error: 'missing: pass --registry <file> or set SIGNALBOX_REGISTRY' }).min(1),
  prometheusUrl: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:9090'),
  fileSd: z.string().min(1).optional(),
  tapToken: z.string().min(16, 'must be at least 16 characters').optional(),
  tapAuthToken: z.string().min(16, 'must be at least 16 characters').optional(),
});

/** Throws an Error whose message lists every bad setting by flag name. */
export function parseConfig(argv: readonly string[], env: NodeJS.ProcessEnv): ApiConfig {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      listen: { type: 'string' },
      registry: { type: 'string' },
      'prometheus-url': { type: 'string' },
      'file-sd': { type: 'string' },
      'tap-token': { type: 'string' },
      'tap-auth-token': { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  const result = configSchema.safeParse({
    // An empty variable counts as unset, as shells and compose files often leave them.
    listen: values.listen ?? (env.SIGNALBOX_API_ADDR || undefined),
    registry: values.registry ?? (env.SIGNALBOX_REGISTRY || undefined),
    prometheusUrl: values['prometheus-url'] ?? (env.SIGNALBOX_PROMETHEUS_URL || undefined),
    fileSd: values['file-sd'] ?? (env.SIGNALBOX_FILE_SD || undefined),
    tapToken: values['tap-token'] ?? (env.SIGNALBOX_TAP_TOKEN || undefined),
    tapAuthToken: values['tap-auth-token'] ?? (env.SIGNALBOX_TAP_AUTH_TOKEN || undefined),
  });
  if (!result.success) {
    const flag: Record<string, string> = { listen: '--listen', registry: '--registry', prometheusUrl: '--prometheus-url', fileSd: '--file-sd', tapToken: '--tap-token', tapAuthToken: '--tap-auth-token' };
    throw new Error(result.error.issues.map((i) => `${flag[String(i.path[0])] ?? i.path.join('.')}: ${i.message}`).join('\n'));
  }
  const c = result.data;
  return {
    listen: parseHostPort(c.listen) as HostPort,
    registryFile: c.registry,
    prometheusUrl: c.prometheusUrl,
    fileSdPath: c.fileSd,
    tapToken: c.tapToken,
    tapAuthToken: c.tapAuthToken,
  };
}
