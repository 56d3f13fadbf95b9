// `signalbox routes svc/books -n demo [-o wide|json]`: per-route success, RPS and latency of a service's profile
// routes (and `[DEFAULT]`), as `linkerd viz routes`; wide shows effective (after retries) beside actual.
import { resourceNameSchema, type RoutesResult } from '@signalbox/shared';
import { Option, type Command } from 'commander';
import { createApiClient } from '../api-client.js';
import { describeApiError } from '../errors.js';
import { formatRoutesTable } from '../routes/format-routes.js';
import { parseWindow } from './stat.js';

interface RoutesOptions {
  namespace: string;
  timeWindow: string;
  from: string | undefined;
  output: 'table' | 'wide' | 'json';
  api: string;
}

export function addRoutesCommand(program: Command): void {
  program
    .command('routes')
    .description('Per-route metrics of a service (profile routes and [DEFAULT]), as linkerd viz routes')
    .argument('<service>', 'svc/<name>')
    .option('-n, --namespace <ns>', 'namespace of the service', 'default')
    .option('-t, --time-window <window>', 'metrics window, at least 5s (10s, 1m, 1h)', parseWindow, '1m')
    .option('--from <deployment>', 'only calls made by this deployment (deploy/<name>)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'wide', 'json']).default('table'))
    .addOption(new Option('--api <url>', 'Signalbox API URL').env('SIGNALBOX_API_URL').default('http://127.0.0.1:8085'))
    .action(async (target: string, options: RoutesOptions, command: Command) => {
      const service = parseService(target);
      if (typeof service !== 'string') return command.error(`error: ${service.error}`, { exitCode: 2 });
      const from = options.from?.replace(/^(deploy|deployment)\//, '');
      if (from !== undefined && !resourceNameSchema.safeParse(from).success)
        return command.error(`error: --from "${options.from}" is not deploy/<name>`, { exitCode: 2 });
      let result: RoutesResult;
      try {
        result = await createApiClient(options.api).routes.query({
          namespace: options.namespace,
          service,
          window: options.timeWindow,
          ...(from ? { fromDeployment: from } : {}),
        });
      } catch (err) {
        const failure = describeApiError(err, options.api);
        console.error(failure.message);
        process.exitCode = failure.exitCode;
        return;
      }
      process.stdout.write(options.output === 'json' ? `${JSON.stringify(result, null, 2)}\n` : formatRoutesTable(result, { wide: options.output === 'wide' }));
    });
}

/** `svc/books`, `service/books` or `books` → `books`. */
export function parseService(target: string): string | { error: string } {
  const [kind, name, ...rest] = target.includes('/') ? target.split('/') : ['svc', target];
  if (rest.length > 0 || !['svc', 'service', 'services'].includes(kind ?? '')) return { error: `"${target}": expected svc/<name>` };
  if (!resourceNameSchema.safeParse(name).success) return { error: `"${name}" is not a service name` };
  return name as string;
}
