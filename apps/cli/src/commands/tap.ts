// `signalbox tap deploy/books -n demo`: live requests, one line per event, as `linkerd viz tap` prints them;
// `-o json` writes NDJSON TapEvents (save it, replay it, load it in the dashboard).
import { tapCloseCodes } from '@signalbox/shared';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { formatTapEvent } from '../tap/format-event.js';
import { buildTapRequest, type TapFlags } from '../tap/request.js';
import { openTapStream } from '../tap/stream.js';

interface TapOptions extends TapFlags {
  output: 'line' | 'wide' | 'json';
  api: string;
  token: string | undefined;
}

/** What `tap` and `top` watch: Linkerd's tap targets, in kubectl's short names. */
export const tapResourceHelp = 'deploy/<name>, sts/<name>, ds/<name>, rs/<name>, job/<name>, po/<name> or ns/<name>';

/** The flags `tap` and `top` share, as linkerd viz has them. */
export function addTapFlags(command: Command): Command {
  return command
    .option('-n, --namespace <ns>', 'namespace of the resource (not read for ns/<name>)', 'default')
    .option('--to <resource>', 'only requests to this resource (deploy, sts, ds, rs, job, po or ns/<name>)')
    .option('--to-namespace <ns>', 'namespace of the --to resource (default: --namespace)')
    .option('--max-rps <n>', 'maximum requests per second to tap, over all pods', parseRps, 100)
    .option('--method <method>', 'only requests with this HTTP method')
    .option('--scheme <scheme>', 'only requests with this scheme')
    .option('--authority <authority>', 'only requests with this :authority')
    .option('--path <prefix>', 'only requests whose path starts with this prefix')
    .addOption(new Option('--api <url>', 'Signalbox API URL').env('SIGNALBOX_API_URL').default('http://127.0.0.1:8085'))
    .addOption(new Option('--token <token>', "the API's tap token (its --tap-auth-token)").env('SIGNALBOX_TAP_AUTH_TOKEN'));
}

export function addTapCommand(program: Command): void {
  addTapFlags(
    program
      .command('tap')
      .description('Watch live requests to and from a workload, pod or namespace, as linkerd viz tap')
      .argument('<resource>', tapResourceHelp),
  )
    .addOption(new Option('-o, --output <format>', 'wide adds resource labels; json prints NDJSON TapEvents').choices(['line', 'wide', 'json']).default('line'))
    .option('--extract-headers', 'include request and response headers (json output)', false)
    .action(async (resource: string, options: TapOptions, command: Command) => {
      const request = buildTapRequest(resource, options);
      if ('error' in request) return command.error(`error: ${request.error}`, { exitCode: 2 });
      const stream = openTapStream({
        apiUrl: options.api,
        request,
        token: options.token,
        onMessage(m) {
          if (m.type === 'event')
            process.stdout.write(
              `${options.output === 'json' ? JSON.stringify(m.event) : formatTapEvent(m.event, { wide: options.output === 'wide' })}\n`,
            );
          else if (m.type === 'dropped') process.stderr.write(`dropped ${m.count} events: reading too slowly\n`);
          else process.stderr.write(`${m.pod ? `${m.pod}: ` : ''}${m.message} (${m.code})\n`);
        },
      });
      process.once('SIGINT', () => stream.close());
      process.once('SIGTERM', () => stream.close());
      await exitWith(stream.ended, options.api);
    });
}

/** Normal closes exit 0; a refused request (1008) or a failure says why and exits 1. */
export async function exitWith(ended: Promise<{ code: number; reason: string }>, api: string): Promise<void> {
  const { code, reason } = await ended;
  if (code === tapCloseCodes.normal || code === tapCloseCodes.goingAway) {
    if (code === tapCloseCodes.goingAway) console.error(`tap ended: ${reason || 'the API went away'}`);
    return;
  }
  if (code === 1006) console.error(`cannot reach the Signalbox API at ${api}: ${reason || 'connection lost'}`);
  else console.error(`tap failed: ${reason || `closed with ${code}`}`);
  process.exitCode = 1;
}

function parseRps(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new InvalidArgumentError('must be a whole number from 1 to 10000');
  return n;
}
