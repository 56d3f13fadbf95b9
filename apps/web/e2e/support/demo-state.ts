// Where the e2e demo mesh says what it started (examples/demo `--state-file`): URLs, run dir and process PIDs, so a
// test can pause the demo's Prometheus by PID (SIGSTOP/SIGCONT, never by name) or run the CLI against its API.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const e2eWebPort = Number(process.env.E2E_WEB_PORT ?? 3110);

export function demoStateFile(webPort = e2eWebPort): string {
  return path.join(os.tmpdir(), `signalbox-e2e-demo-${webPort}.json`);
}

export interface DemoState {
  readonly dir: string;
  readonly apiUrl: string;
  readonly prometheusUrl: string;
  readonly webUrl?: string;
  readonly pids: Readonly<Record<string, number>>;
}

export function readDemoState(): DemoState {
  return JSON.parse(readFileSync(demoStateFile(), 'utf8')) as DemoState;
}
