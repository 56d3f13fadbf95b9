// `signalbox profile --tap deploy/books -n demo`: taps the workload for a while and prints a starting `policy:` for
// its service with one route per observed (method, path), as `linkerd viz profile --tap` prints a ServiceProfile.
import { tapCloseCodes, windowSeconds, type TapEvent } from '@signalbox/shared';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { policyYaml, routesFromTap } from '../profile/from-tap.js';
import { buildTapRequest } from '../tap/request.js';
import { openTapStream } from '../tap/stream.js';

interface ProfileOptions {
  tap: string | undefined;
  namespace: string;
  tapDuration: number;
  tapRouteLimit: number;
  output: 'yaml' | 'json';
  api: string;
  token: string | undefined;
}

export function addProfileCommand(program: Command): void {
  program
    .command('profile')
    .description('Propose a service policy (routes) from live traffic, as linkerd viz profile --tap')
    .requiredOption('--tap <resource>', 'the workload to watch: deploy/<name> or po/<name>')
    .option('-n, --namespace <ns>', 'namespace of the resource', 'default')
    .option('--tap-duration <duration>', 'how long to watch (5s, 1m)', parseDuration, 5)
    .option('--tap-route-limit <n>', 'at most this many routes, the busiest', parseLimit, 20)
    .addOption(new Option('-o, --output <format>', 'output format').choices(['yaml', 'json']).default('yaml'))
    .addOption(new Option('--api <url>', 'Signalbox API URL').env('SIGNALBOX_API_URL').default('http://127.0.0.1:8085'))
    .addOption(new Option('--token <token>', "the API's tap token (its --tap-auth-token)").env('SIGNALBOX_TAP_AUTH_TOKEN'))
    .action(async (options: ProfileOptions, command: Command) => {
      const request = buildTapRequest(options.tap ?? '', { namespace: options.namespace, maxRps: 100 });
      if ('error' in request) return command.error(`error: ${request.error}`, { exitCode: 2 });
      const events: TapEvent[] = [];
      let failure: string | undefined;
      const stream = openTapStream({
        apiUrl: options.api,
        request,
        token: options.token,
        onMessage(m) {
          if (m.type === 'event') events.push(m.event);
          else if (m.type === 'error') failure = `${m.pod ? `${m.pod}: ` : ''}${m.message}`;
        },
      });
      const timer = setTimeout(() => stream.close(), options.tapDuration * 1000);
      const { code, reason } = await stream.ended;
      clearTimeout(timer);
      if (code !== tapCloseCodes.normal && code !== tapCloseCodes.goingAway) {
        console.error(code === 1006 ? `cannot reach the Signalbox API at ${options.api}: ${reason || 'connection lost'}` : `tap failed: ${reason || `closed with ${code}`}`);
        process.exitCode = 1;
        return;
      }
      if (failure) console.error(`tap: ${failure}`);
      const routes = routesFromTap(events, options.tapRouteLimit);
      if (options.output === 'json') return void process.stdout.write(`${JSON.stringify({ policy: { routes } }, null, 2)}\n`);
      const comment = `Observed on ${options.tap} in ${options.namespace} over ${options.tapDuration}s (${events.length} tap events).\nPaste under the service's entry in the registry, then mark idempotent routes retryable and set timeouts.`;
      process.stdout.write(policyYaml(routes, comment));
    });
}

function parseDuration(value: string): number {
  const s = windowSeconds(value);
  if (s === null || s < 1) throw new InvalidArgumentError('must look like 5s or 1m');
  return s;
}

function parseLimit(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new InvalidArgumentError('must be a whole number from 1 to 1000');
  return n;
}
