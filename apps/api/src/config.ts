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
}

const configSchema = z.strictObject({
  listen: hostPortSchema.default('127.0.0.1:8085'),
  registry: z.string({ error: 'missing: pass --registry <file> or set SIGNALBOX_REGISTRY' }).min(1),
  prometheusUrl: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:9090'),
  fileSd: z.string().min(1).optional(),
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
  });
  if (!result.success) {
    const flag: Record<string, string> = { listen: '--listen', registry: '--registry', prometheusUrl: '--prometheus-url', fileSd: '--file-sd' };
    throw new Error(result.error.issues.map((i) => `${flag[String(i.path[0])] ?? i.path.join('.')}: ${i.message}`).join('\n'));
  }
  const c = result.data;
  return {
    listen: parseHostPort(c.listen) as HostPort,
    registryFile: c.registry,
    prometheusUrl: c.prometheusUrl,
    fileSdPath: c.fileSd,
  };
}
