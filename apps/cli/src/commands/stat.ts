// `signalbox stat <kind>[/<name>] [name]`: the golden metrics table, like `linkerd viz stat`.
import { windowSchema, type StatResult } from '@signalbox/shared';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { createApiClient } from '../api-client.js';
import { describeApiError } from '../errors.js';
import { formatStatTable } from '../stat/format-table.js';
import { parseStatTarget } from '../target.js';

interface StatOptions {
  namespace: string;
  allNamespaces: boolean;
  timeWindow: string;
  output: 'table' | 'json';
  api: string;
}

export function addStatCommand(program: Command): void {
  program
    .command('stat')
    .description('Golden metrics (success rate, RPS, latency, TCP connections) of deployments, statefulsets, daemonsets, pods, services or namespaces')
    .argument('<resource>', 'deploy, sts, ds, po, svc or ns, optionally with /<name>')
    .argument('[name]', 'the resource name')
    .option('-n, --namespace <ns>', 'namespace of the resources', 'default')
    .option('-A, --all-namespaces', 'resources of every namespace', false)
    .option('-t, --time-window <window>', 'metrics window, at least 5s (10s, 1m, 1h)', parseWindow, '1m')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table'))
    .addOption(
      new Option('--api <url>', 'Signalbox API URL').env('SIGNALBOX_API_URL').default('http://127.0.0.1:8085'),
    )
    .action(async (resource: string, name: string | undefined, options: StatOptions, command: Command) => {
      const target = parseStatTarget(resource, name);
      if ('error' in target) return command.error(`error: ${target.error}`, { exitCode: 2 });
      // Namespaces are not inside a namespace: -n means nothing for them, as with linkerd.
      const namespace = target.kind === 'namespace' || options.allNamespaces ? undefined : options.namespace;
      let result: StatResult;
      try {
        result = await createApiClient(options.api).stat.query({
          kind: target.kind,
          namespace,
          name: target.name,
          window: options.timeWindow,
        });
      } catch (err) {
        const failure = describeApiError(err, options.api);
        console.error(failure.message);
        process.exitCode = failure.exitCode;
        return;
      }
      process.stdout.write(
        options.output === 'json'
          ? `${JSON.stringify(result, null, 2)}\n`
          : formatStatTable(result, { allNamespaces: options.allNamespaces }),
      );
    });
}

export function parseWindow(value: string): string {
  const parsed = windowSchema.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError(parsed.error.issues[0]?.message ?? 'bad window');
  return value;
}
