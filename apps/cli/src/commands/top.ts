// `signalbox top deploy/web -n demo`: a live table of the requests tap sees, aggregated by (source, destination,
// method, path) with Count, Best, Worst, Last and Success Rate, redrawn in place (at most twice a second, as
// Linkerd's dashboard throttles); `q` or Ctrl-C quits.
import { addTopEvent, createTopState, topStateRows } from '@signalbox/shared';
import type { Command } from 'commander';
import { formatTopTable } from '../tap/format-top.js';
import { buildTapRequest, type TapFlags } from '../tap/request.js';
import { openTapStream } from '../tap/stream.js';
import { addTapFlags, exitWith, tapResourceHelp } from './tap.js';

interface TopOptions extends TapFlags {
  api: string;
  token: string | undefined;
}

const REDRAW_MS = 500;

export function addTopCommand(program: Command): void {
  addTapFlags(
    program
      .command('top')
      .description('Live table of the busiest paths of a workload, pod or namespace, as linkerd viz top')
      .argument('<resource>', tapResourceHelp),
  ).action(async (resource: string, options: TopOptions, command: Command) => {
    const request = buildTapRequest(resource, options);
    if ('error' in request) return command.error(`error: ${request.error}`, { exitCode: 2 });
    const state = createTopState();
    const tty = process.stdout.isTTY === true;
    let notice = '';
    let dirty = true;
    const draw = () => {
      if (!dirty) return;
      dirty = false;
      const height = tty ? Math.max(1, (process.stdout.rows ?? 24) - 3) : Number.POSITIVE_INFINITY;
      const table = formatTopTable(topStateRows(state), height);
      // Home + clear below: redraw in place without scrolling the terminal.
      process.stdout.write(tty ? `\x1b[H\x1b[J${table}${notice ? `\n${notice}\n` : ''}(press q to quit)\n` : `${table}\n`);
    };
    const stream = openTapStream({
      apiUrl: options.api,
      request,
      token: options.token,
      onMessage(m) {
        if (m.type === 'event') addTopEvent(state, m.event);
        else if (m.type === 'dropped') notice = `dropped ${m.count} events: reading too slowly`;
        else notice = `${m.pod ? `${m.pod}: ` : ''}${m.message}`;
        dirty = true;
      },
    });
    const timer = setInterval(draw, REDRAW_MS);
    const quit = () => stream.close();
    if (process.stdin.isTTY) {
      process.stdin.setRawMode(true);
      process.stdin.resume();
      process.stdin.on('data', (key: Buffer) => {
        const k = key.toString();
        if (k === 'q' || k === 'Q' || k === '\u0003') quit();
      });
    }
    process.once('SIGINT', quit);
    process.once('SIGTERM', quit);
    if (tty) process.stdout.write('\x1b[?25l\x1b[2J');
    try {
      await exitWith(stream.ended, options.api);
    } finally {
      clearInterval(timer);
      dirty = true;
      draw();
      if (tty) process.stdout.write('\x1b[?25h');
      if (process.stdin.isTTY) {
        process.stdin.setRawMode(false);
        process.stdin.pause();
      }
    }
  });
}
