#!/usr/bin/env node
// `npm run demo`: the whole mesh on this machine, until Ctrl-C, which stops every process it started.
import { rmSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { logTail } from '@signalbox/launch';
import { startDemoMesh } from './mesh.js';
import { DEMO_NAMESPACE } from './topology.js';

const { values } = parseArgs({
  options: {
    'web-port': { type: 'string', default: '3000' },
    'api-port': { type: 'string', default: '8085' },
    'prometheus-port': { type: 'string', default: '9090' },
    rps: { type: 'string', default: '5' },
    'no-web': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    // For end-to-end tests: where the mesh is (URLs, run dir, PIDs) as JSON, e.g. to pause Prometheus by its PID.
    'state-file': { type: 'string' },
  },
});
const port = (name: string, value: string | undefined) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    console.error(`--${name} must be a port number, got "${value}"`);
    process.exit(2);
  }
  return n;
};
const rps = Number(values.rps);
if (!(rps > 0 && rps <= 200)) {
  console.error('--rps must be between 0 and 200');
  process.exit(2);
}

console.log('Starting the Signalbox demo mesh…');
const mesh = await startDemoMesh({
  apiPort: port('api-port', values['api-port']),
  prometheusPort: port('prometheus-port', values['prometheus-port']),
  webPort: values['no-web'] ? undefined : port('web-port', values['web-port']),
  rps,
}).catch((err: unknown) => {
  console.error(`demo failed to start: ${(err as Error).message}`);
  process.exit(1);
});

if (values['state-file']) {
  const pids = Object.fromEntries(mesh.processes.map((p) => [p.name, p.pid]));
  const state = { dir: mesh.dir, apiUrl: mesh.apiUrl, prometheusUrl: mesh.prometheusUrl, webUrl: mesh.webUrl, pids };
  writeFileSync(values['state-file'], `${JSON.stringify(state, null, 2)}\n`);
}

for (const p of mesh.processes)
  void p.exited.then((code) => {
    if (!stopping) console.error(`${p.name} exited unexpectedly (${code}):\n${logTail(p.logFile)}`);
  });

console.log(`
  control plane  ${mesh.apiUrl}
  prometheus     ${mesh.prometheusUrl}
  registry       ${mesh.registryFile}
  logs           ${mesh.dir}
${mesh.webUrl ? `\n  Dashboard: ${mesh.webUrl}/namespaces/${DEMO_NAMESPACE}\n` : ''}
  Try: npx signalbox stat deploy -n ${DEMO_NAMESPACE} --api ${mesh.apiUrl}
  Ctrl-C stops everything.`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    stopping = true;
    console.log('\nStopping the demo mesh…');
    void mesh.stop().then(() => {
      if (!values.keep) rmSync(mesh.dir, { recursive: true, force: true });
      if (values['state-file']) rmSync(values['state-file'], { force: true });
      process.exit(0);
    });
  });
