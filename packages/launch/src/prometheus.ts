// A real Prometheus (Debian's package) on loopback, scraping the proxies listed in the control plane's file_sd
// file, with its data in a fresh directory so no old series leak into a run.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { freePort } from './ports.js';
import { startProcess, type ManagedProcess } from './process.js';
import { waitForHttp } from './wait.js';

export interface PrometheusOptions {
  /** Config, data and log go below this directory. */
  readonly dir: string;
  /** The `file_sd` targets file the control plane writes (one target per proxy admin address). */
  readonly fileSdPath: string;
  /** Other targets (the control plane), scraped as job `signalbox-control-plane`. */
  readonly controlPlaneTargets?: readonly string[];
  readonly port?: number;
  readonly scrapeIntervalSeconds?: number;
}

export interface RunningPrometheus {
  readonly url: string;
  readonly process: ManagedProcess;
}

export function prometheusBinary(): string {
  const found = (process.env.PATH ?? '/usr/bin')
    .split(':')
    .map((dir) => path.join(dir, 'prometheus'))
    .find((file) => existsSync(file));
  if (!found)
    throw new Error('prometheus is not installed: run `apt-get install -y --no-install-recommends prometheus`');
  return found;
}

/** The scrape config for one machine: proxies by file_sd, with the target labels Linkerd's viz relies on. */
export function prometheusConfig(options: PrometheusOptions): object {
  const interval = `${options.scrapeIntervalSeconds ?? 1}s`;
  return {
    global: { scrape_interval: interval, evaluation_interval: interval },
    scrape_configs: [
      {
        job_name: 'signalbox-proxy',
        scrape_interval: interval,
        scrape_timeout: interval,
        file_sd_configs: [{ files: [options.fileSdPath] }],
      },
      ...(options.controlPlaneTargets?.length
        ? [
            {
              job_name: 'signalbox-control-plane',
              static_configs: [{ targets: [...options.controlPlaneTargets] }],
            },
          ]
        : []),
    ],
  };
}

export async function startPrometheus(options: PrometheusOptions): Promise<RunningPrometheus> {
  const binary = prometheusBinary();
  mkdirSync(options.dir, { recursive: true });
  const configFile = path.join(options.dir, 'prometheus.yml');
  writeFileSync(configFile, stringify(prometheusConfig(options)));
  const port = options.port ?? (await freePort());
  const proc = startProcess({
    name: 'prometheus',
    command: binary,
    args: [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${path.join(options.dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=6h',
      '--log.level=warn',
    ],
    logFile: path.join(options.dir, 'prometheus.log'),
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/-/ready`, proc);
  return { url, process: proc };
}
