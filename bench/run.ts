// `npm run bench`: on loopback, in one run, the same load through every subject: direct (the limit), nginx,
// node-http-proxy, one Signalbox hop, a Signalbox pair (outbound → inbound, per peer protocol) for HTTP/1.1; h2c
// (direct, nginx, Signalbox hop and pair); opaque TCP (direct, haproxy mode tcp, Signalbox opaque hop and pair);
// and, for HTTP/1.1 and TCP, a bare Node `net` pipe: the floor any Node proxy stands on, next to nginx/haproxy
// (for h2c, a minimal node:http2 proxy plays that part: the "pipe" column). The subject runs on core 0, the load
// generator and the nginx backend on core 1. Prints req/s, the subject's CPU time per request (/proc utime+stime
// over the max-load run ÷ requests), p50/p99 at max load, p50/p99 and the latency it adds at a fixed 1 000 req/s,
// peak RSS and peak private memory (RssAnon), and ratios to direct and nginx. Options: --seconds=N (max-load run,
// default 6), --only=<substrings of subject names, comma-separated>,
// --baseline=<another build's apps/proxy/dist/bundle/main.js>
// (adds its hops and pairs, marked "[baseline]", to the same run: before/after numbers that share the conditions),
// --baseline-first (the baseline's subjects run before this build's instead of after: a run each way shows whether
// going first or second moved the numbers, which it can by a few tenths of a µs on this kind of machine),
// --rounds=N (every subject N times, round after round; the table shows each subject's medians, rounds.ts).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, proxyCommand, proxyEntry, startProcess, stopAll, type ManagedProcess } from '@signalbox/launch';
import { endpoint, startFakeControlPlane } from '../apps/proxy/test/support/fake-control-plane.js';
import { h2load, wrkMax, type Target } from './load.js';
import { mtlsPairs } from './mtls.js';
import { subscribeTap, tapFlags } from './tap.js';
import { haproxyTcp, nginxBackend, nginxProxy } from './peers.js';
import { cpuTime, meltdownMitigation, peakRssMb, samplePrivateMemory, syscallRoundTripUs, type CpuTime } from './proc.js';
import { foldRounds, type Measured } from './rounds.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const subjectCore = 0;
const loadCore = 1;
const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const seconds = Number(arg('seconds') ?? 6);
const only = arg('only')?.split(',');
const baseline = arg('baseline');
const baselineFirst = process.argv.includes('--baseline-first');
const rounds = Number(arg('rounds') ?? 1);
if (!Number.isInteger(rounds) || rounds < 1) {
  console.error(`bench: --rounds needs a whole number of at least 1 (got ${arg('rounds')})`);
  process.exit(2);
}
/**
 * The subjects get the CA settings of the proxy's image, which has none. A machine's own (this one points
 * NODE_EXTRA_CA_CERTS and SSL_CERT_FILE at the system's ~140-certificate bundle) would be parsed by every Node
 * subject at start (~1.7 MB of RSS each: proxies, node-http-proxy, the pipe), and by a proxy's first TLS context
 * (--use-openssl-ca reads SSL_CERT_FILE; ~1 MB more with mTLS): memory that is the machine's setting, not the
 * proxy's. nginx and haproxy read none of them. The table's header says which were unset.
 */
const caVariables = ['NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE', 'SSL_CERT_DIR'].filter((v) => process.env[v] !== undefined);
for (const v of caVariables) delete process.env[v];
/** The fixed rate for the added-latency measurement: 4 clients × 250 req/s. */
const fixedClients = 4;
const fixedRps = 250;

type Protocol = 'http1' | 'h2c' | 'tcp';

interface Running {
  readonly target: Target;
  /** Process groups whose CPU and memory count as the subject's (empty for direct; a pair's: outbound, inbound). */
  readonly pgids: readonly number[];
  stop(): Promise<void>;
}

interface Subject {
  readonly name: string;
  readonly protocol: Protocol;
  /** What the ratios are taken against (per protocol). */
  readonly role?: 'direct' | 'reference' | 'node-http-proxy' | 'node-pipe' | 'hop';
  start(): Promise<Running>;
}

interface Row extends Measured {
  readonly subject: Subject;
  /** The subject's processes (2 for a pair). */
  readonly proxies: number;
}

const dir = mkdtempSync(join(tmpdir(), 'signalbox-bench-'));
mkdirSync(join(dir, 'nginx-tmp'), { recursive: true });
const started: ManagedProcess[] = [];
let seq = 0;

function start(name: string, core: number, command: string, args: string[]): ManagedProcess {
  const p = startProcess({
    name,
    command: 'taskset',
    args: ['-c', String(core), command, ...args],
    logFile: join(dir, `${name}-${++seq}.log`),
    cwd: root,
  });
  started.push(p);
  return p;
}

async function stop(...ps: ManagedProcess[]): Promise<void> {
  await stopAll(ps, 3000);
  for (const p of ps) started.splice(started.indexOf(p), 1);
}

async function waitForPort(port: number, p: ManagedProcess): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${p.name} did not listen on ${port} (log: ${p.logFile})`);
}

interface Ports {
  readonly inbound: number;
  readonly outbound: number;
  readonly admin: number;
}

/** `into`: where the process goes as soon as it started, so that a caller can stop it if it never listens. */
function signalbox(
  name: string,
  flags: Record<string, string | number>,
  main = proxyEntry,
  into: ManagedProcess[] = [],
): Promise<{ proc: ManagedProcess; ports: Ports }> {
  return (async () => {
    const ports: Ports = { inbound: await freePort(), outbound: await freePort(), admin: await freePort() };
    const args = [
      ...proxyCommand(main),
      `--inbound=127.0.0.1:${ports.inbound}`,
      `--outbound=127.0.0.1:${ports.outbound}`,
      `--admin=127.0.0.1:${ports.admin}`,
      ...Object.entries(flags).map(([k, v]) => `--${k}=${v}`),
    ];
    const proc = start(name, subjectCore, process.execPath, args);
    into.push(proc);
    await waitForPort(ports.inbound, proc);
    await waitForPort(ports.outbound, proc);
    return { proc, ports };
  })();
}

async function main(): Promise<void> {
  const syscallAtStart = syscallRoundTripUs();
  // === the backend: nginx, one worker, on the load core ===
  const backendH1 = await freePort();
  const backendH2 = await freePort();
  writeFileSync(join(dir, 'backend.conf'), nginxBackend(dir, backendH1, backendH2));
  const backend = start('nginx-backend', loadCore, 'nginx', ['-p', dir, '-c', join(dir, 'backend.conf')]);
  await waitForPort(backendH1, backend);
  const unusedControlPlane = `http://127.0.0.1:${await freePort()}`;

  const url = (port: number) => `http://127.0.0.1:${port}/`;
  const subjects: Subject[] = [];
  const direct = (protocol: Protocol, port: number): Subject => ({
    name: `direct (${protocol})`,
    protocol,
    role: 'direct',
    start: async () => ({ target: { url: url(port) }, pgids: [], stop: async () => {} }),
  });
  const nginx = (protocol: 'http1' | 'h2c'): Subject => ({
    name: `nginx (${protocol})`,
    protocol,
    role: 'reference',
    async start() {
      const h1 = await freePort();
      const h2 = await freePort();
      writeFileSync(join(dir, 'proxy.conf'), nginxProxy(dir, h1, h2, backendH1));
      const p = start('nginx-proxy', subjectCore, 'nginx', ['-p', dir, '-c', join(dir, 'proxy.conf')]);
      const port = protocol === 'h2c' ? h2 : h1;
      await waitForPort(port, p);
      return { target: { url: url(port) }, pgids: [p.pid], stop: () => stop(p) };
    },
  });
  /** `variant`: the build under test, or the baseline build (`--baseline`). */
  const self = { main: proxyEntry, mark: '' };
  const variants = baseline ? (baselineFirst ? [{ main: baseline, mark: ' [baseline]' }, self] : [self, { main: baseline, mark: ' [baseline]' }]) : [self];
  type Variant = (typeof variants)[number];
  /** `engine`: an `--h2-engine` other than the default, named in the subject (this build only). */
  const hop = (protocol: Protocol, { main, mark }: Variant, engine?: 'node'): Subject => ({
    name: `${protocol === 'tcp' ? 'signalbox opaque hop' : `signalbox hop (${protocol}${engine ? `, ${engine} engine` : ''})`}${mark}`,
    protocol,
    role: mark || engine ? undefined : 'hop',
    async start() {
      const app = protocol === 'h2c' ? backendH2 : backendH1;
      const flags: Record<string, string | number> = { app: `127.0.0.1:${app}`, 'control-plane': unusedControlPlane };
      if (protocol === 'tcp') flags['opaque-ports'] = app;
      if (engine) flags['h2-engine'] = engine;
      const { proc, ports } = await signalbox('signalbox-hop', flags, main);
      return { target: { url: url(ports.inbound) }, pgids: [proc.pid], stop: () => stop(proc) };
    },
  });
  // Tap enabled: nobody subscribed (the per-request cost must be one flag check), then one subscriber at 100 rps.
  const tappedHop = (subscribed: boolean, { main, mark }: Variant): Subject => ({
    name: `signalbox hop (http1, tap ${subscribed ? '1 subscriber' : 'no subscriber'})${mark}`,
    protocol: 'http1',
    async start() {
      const { proc, ports } = await signalbox(
        'signalbox-hop-tap',
        { app: `127.0.0.1:${backendH1}`, 'control-plane': unusedControlPlane, ...tapFlags },
        main,
      );
      const tap = subscribed ? await subscribeTap(ports.admin) : undefined;
      return {
        target: { url: url(ports.inbound) },
        pgids: [proc.pid],
        async stop() {
          if (tap) process.stderr.write(`bench: tap subscriber received ${tap.events()} events\n`);
          tap?.close();
          await stop(proc);
        },
      };
    },
  });
  type Flags = Record<string, string | number>;
  /**
   * outbound → inbound → `app`: discovery (a fake control plane) names the inbound as bench.demo:80's one endpoint.
   * `outboundTcp`: the port of an outbound listener fixed to bench.demo:80 (opaque; the target instead of the
   * outbound's own listener, which routes by the request's authority).
   */
  const startPair = async (main: string, app: number, inboundFlags: Flags, outboundFlags: Flags, outboundTcp?: number): Promise<Running> => {
    const cp = await startFakeControlPlane(`127.0.0.1:${await freePort()}`);
    const procs: ManagedProcess[] = [];
    const stopPair = async () => {
      await stop(...procs);
      await cp.close();
    };
    try {
      const server = await signalbox('signalbox-inbound', { app: `127.0.0.1:${app}`, 'control-plane': cp.url, ...inboundFlags }, main, procs);
      cp.endpoints('bench.demo:80', [endpoint(`127.0.0.1:${server.ports.inbound}`, 'bench-1', 'bench', 'demo')]);
      const tcpFlag: Flags = outboundTcp ? { 'outbound-tcp': `127.0.0.1:${outboundTcp}=bench.demo:80` } : {};
      const outboundApp = `127.0.0.1:${await freePort()}`;
      const client = await signalbox('signalbox-outbound', { app: outboundApp, 'control-plane': cp.url, ...outboundFlags, ...tcpFlag }, main, procs);
      if (outboundTcp) await waitForPort(outboundTcp, client.proc);
      return {
        target: outboundTcp ? { url: url(outboundTcp) } : { url: url(client.ports.outbound), host: 'bench.demo' },
        pgids: [client.proc.pid, server.proc.pid],
        stop: stopPair,
      };
    } catch (err) {
      await stopPair();
      throw err;
    }
  };
  /** HTTP/1.1 clients through a pair, per peer protocol (what crosses between the two proxies). */
  const pair = (peerProtocol: 'http1' | 'http2', { main, mark }: Variant, engine?: 'node'): Subject => ({
    name: `signalbox pair (peer ${peerProtocol}${engine ? `, ${engine} engine` : ''})${mark}`,
    protocol: 'http1',
    start() {
      const engineFlag: Flags = engine ? { 'h2-engine': engine } : {};
      return startPair(main, backendH1, engineFlag, { 'peer-protocol': peerProtocol, ...engineFlag });
    },
  });
  /** h2c clients (gRPC's transport) through a pair: their streams cross between the proxies as HTTP/2 streams. */
  const h2cPair = ({ main, mark }: Variant): Subject => ({
    name: `signalbox pair (h2c)${mark}`,
    protocol: 'h2c',
    start: () => startPair(main, backendH2, {}, {}),
  });
  /**
   * Opaque TCP through a pair: a fixed-destination outbound listener, with the destination's port opaque at the
   * outbound and the app's at the inbound (else each would detect the load's HTTP and serve it as HTTP).
   */
  const opaquePair = ({ main, mark }: Variant): Subject => ({
    name: `signalbox opaque pair${mark}`,
    protocol: 'tcp',
    start: async () => startPair(main, backendH1, { 'opaque-ports': backendH1 }, { 'opaque-ports': 80 }, await freePort()),
  });

  const nodePipe = (protocol: 'http1' | 'tcp'): Subject => ({
    name: `node net pipe (${protocol})`,
    protocol,
    role: 'node-pipe',
    async start() {
      const port = await freePort();
      const p = start('node-pipe', subjectCore, process.execPath, ['bench/node-pipe.mjs', String(port), String(backendH1)]);
      await waitForPort(port, p);
      return { target: { url: url(port) }, pgids: [p.pid], stop: () => stop(p) };
    },
  });

  subjects.push(direct('http1', backendH1), nginx('http1'), nodePipe('http1'));
  subjects.push({
    name: 'node-http-proxy (http1)',
    protocol: 'http1',
    role: 'node-http-proxy',
    async start() {
      const port = await freePort();
      const p = start('node-http-proxy', subjectCore, process.execPath, ['--import', 'tsx', 'bench/node-http-proxy.ts', String(port), String(backendH1)]);
      await waitForPort(port, p);
      return { target: { url: url(port) }, pgids: [p.pid], stop: () => stop(p) };
    },
  });
  for (const v of variants) subjects.push(hop('http1', v));
  for (const v of variants) subjects.push(tappedHop(false, v), tappedHop(true, v));
  for (const v of variants) subjects.push(pair('http1', v), pair('http2', v));
  subjects.push(pair('http2', self, 'node'));
  const mtls = variants.flatMap(({ main, mark }) => mtlsPairs({ dir, backendPort: backendH1, backendH2Port: backendH2, core: subjectCore, proxyMain: main, mark }));
  subjects.push(...mtls.filter((s) => s.protocol === 'http1'));
  subjects.push(direct('h2c', backendH2), nginx('h2c'), {
    name: 'node http2 proxy (h2c)',
    protocol: 'h2c',
    role: 'node-pipe',
    async start() {
      const port = await freePort();
      const p = start('node-h2-proxy', subjectCore, process.execPath, ['bench/node-h2-proxy.mjs', String(port), String(backendH2)]);
      await waitForPort(port, p);
      return { target: { url: url(port) }, pgids: [p.pid], stop: () => stop(p) };
    },
  }, ...variants.map((v) => hop('h2c', v)), hop('h2c', self, 'node'), ...variants.map(h2cPair), ...mtls.filter((s) => s.protocol === 'h2c'));
  subjects.push(direct('tcp', backendH1), {
    name: 'haproxy mode tcp',
    protocol: 'tcp',
    role: 'reference',
    async start() {
      const port = await freePort();
      writeFileSync(join(dir, 'haproxy.cfg'), haproxyTcp(port, backendH1));
      const p = start('haproxy', subjectCore, 'haproxy', ['-db', '-f', join(dir, 'haproxy.cfg')]);
      await waitForPort(port, p);
      return { target: { url: url(port) }, pgids: [p.pid], stop: () => stop(p) };
    },
  });
  subjects.push(nodePipe('tcp'), ...variants.map((v) => hop('tcp', v)), ...variants.map(opaquePair));

  const byRound: Row[][] = [];
  for (let round = 1; round <= rounds; round++) {
    const rows: Row[] = [];
    for (const s of subjects) {
      if (only && !only.some((o) => s.name.includes(o)) && s.role !== 'direct') continue;
      process.stderr.write(`bench: ${rounds > 1 ? `[round ${round}/${rounds}] ` : ''}${s.name} …\n`);
      let running: Running;
      try {
        running = await s.start();
      } catch (err) {
        process.stderr.write(`bench: ${s.name} did not start: ${(err as Error).message}\n`);
        continue;
      }
      try {
        rows.push(await measure(s, running));
      } catch (err) {
        process.stderr.write(`bench: ${s.name} failed: ${(err as Error).message}\n`);
      } finally {
        await running.stop();
      }
    }
    byRound.push(rows);
  }
  await stop(backend);
  const measured = subjects.map((s) => byRound.flatMap((rows) => rows.filter((r) => r.subject === s))).filter((r) => r.length > 0);
  print(measured.map((r) => foldRounds(r)), byRound, [syscallAtStart, syscallRoundTripUs()]);
}

async function measure(s: Subject, running: Running): Promise<Row> {
  const h2 = s.protocol === 'h2c';
  const log = join(dir, 'h2load.log');
  const maxLoad = () =>
    h2 ? h2load(loadCore, running.target, { seconds, clients: 10, streams: 10, logFile: log }) : wrkMax(loadCore, running.target, seconds);
  const privateMemory = samplePrivateMemory(running.pgids);
  try {
    // Warm up (JIT, pools), then measure the subject's CPU over exactly the max-load run.
    await (h2
      ? h2load(loadCore, running.target, { seconds: 2, clients: 10, streams: 10, logFile: log })
      : wrkMax(loadCore, running.target, 2));
    const before = running.pgids.map((g) => cpuTime([g]));
    const max = await maxLoad();
    const used = running.pgids.map((g, i) => since(before[i] as CpuTime, cpuTime([g])));
    const cpuByGroup = used.map((c) => c.user + c.system);
    const cpu = cpuByGroup.reduce((a, b) => a + b, 0);
    const fixed = await h2load(loadCore, running.target, {
      seconds: 5,
      clients: fixedClients,
      rps: fixedRps,
      h1: !h2,
      logFile: log,
    });
    const own = running.pgids.length > 0;
    const peaks = peakRssMb(running.pgids);
    // The table shows a pair's sum and the targets its larger proxy: which one it is, is here.
    if (peaks.length > 1) {
      const perRequest = cpuByGroup.map((c) => ((c / max.requests) * 1e6).toFixed(1)).join(' / ');
      process.stderr.write(`bench: ${s.name}: by process group (outbound / inbound): peak RSS ${peaks.map((mb) => mb.toFixed(1)).join(' / ')} MB, CPU ${perRequest} µs/req\n`);
    }
    return {
      subject: s,
      max,
      fixed,
      cpuUs: own ? (cpu / max.requests) * 1e6 : NaN,
      kernelShare: own ? used.reduce((a, c) => a + c.system, 0) / cpu : NaN,
      rssMb: own ? peaks.reduce((a, b) => a + b, 0) : NaN,
      proxies: running.pgids.length,
      proxyPeakMb: own ? Math.max(...peaks) : NaN,
      privateMb: own ? privateMemory.stop() : NaN,
    };
  } finally {
    privateMemory.stop();
  }
}

function since(before: CpuTime, after: CpuTime): CpuTime {
  return { user: after.user - before.user, system: after.system - before.system };
}

/** `syscallUs`: a system call's round trip at the run's start and end (proc.ts), the kind of day it was. */
function print(rows: readonly Row[], byRound: readonly (readonly Row[])[], syscallUs: readonly [number, number]): void {
  const f = (v: number, d = 0) => (Number.isFinite(v) ? v.toFixed(d) : '–');
  const header = [
    'subject',
    'req/s',
    'CPU µs/req',
    'kernel %',
    'p50 ms',
    'p99 ms',
    '@1k req/s',
    'p50 ms',
    'p99 ms',
    '+p50 ms',
    '+p99 ms',
    'RSS MB',
    'RssAnon MB',
    'req/s ÷ direct',
    'req/s ÷ nginx',
    'CPU ÷ nginx',
    'CPU ÷ pipe',
    'errors',
  ];
  const lines: string[][] = [];
  for (const r of rows) {
    const peers = rows.filter((x) => x.subject.protocol === r.subject.protocol);
    const direct = peers.find((x) => x.subject.role === 'direct');
    const ref = peers.find((x) => x.subject.role === 'reference');
    const pipe = peers.find((x) => x.subject.role === 'node-pipe');
    lines.push([
      r.subject.name,
      f(r.max.rps),
      f(r.cpuUs, 1),
      f(r.kernelShare * 100),
      f(r.max.p50, 2),
      f(r.max.p99, 2),
      f(r.fixed.rps),
      f(r.fixed.p50, 3),
      f(r.fixed.p99, 3),
      direct && r !== direct ? f(r.fixed.p50 - direct.fixed.p50, 3) : '',
      direct && r !== direct ? f(r.fixed.p99 - direct.fixed.p99, 3) : '',
      f(r.rssMb, 1),
      f(r.privateMb, 1),
      direct ? f(r.max.rps / direct.max.rps, 2) : '',
      ref ? f(r.max.rps / ref.max.rps, 2) : '',
      ref && Number.isFinite(r.cpuUs) ? f(r.cpuUs / ref.cpuUs, 2) : '',
      pipe && Number.isFinite(r.cpuUs) ? f(r.cpuUs / pipe.cpuUs, 2) : '',
      String(r.max.errors + r.fixed.errors),
    ]);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] as string).length)));
  const fmt = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join(' | ')} |`;
  console.log(`\nSignalbox bench: ${rounds > 1 ? `medians of ${rounds} rounds (peak memory: the highest), ` : ''}${seconds} s max-load runs (wrk -t1 -c50 / h2load -c10 -m10), fixed rate ${fixedClients}×${fixedRps} req/s (h2load --rps),`);
  console.log(`subject on core ${subjectCore}, load + nginx backend on core ${loadCore}, 100-byte bodies, loopback.`);
  console.log(`Subjects' environment: ${caVariables.length ? `${caVariables.join(', ')} unset, as in the proxy's image` : 'no CA variables were set'}.`);
  console.log(
    `Machine: a system call's round trip (getppid, from Node) ${f(syscallUs[0], 2)} µs at the start, ${f(syscallUs[1], 2)} at the end; Meltdown: ${meltdownMitigation() ?? 'not reported'}.\n`,
  );
  console.log(fmt(header));
  console.log(`|${widths.map((w, i) => (i === 0 ? ':' : '') + '-'.repeat(w + 1) + (i === 0 ? '' : ':')).join('|')}|`);
  for (const l of lines) console.log(fmt(l));
  console.log('\nTargets (ratios from this run):');
  const row = (name: string) => rows.find((r) => r.subject.name === name);
  const hop = row('signalbox hop (http1)');
  const ng = row('nginx (http1)');
  const nhp = row('node-http-proxy (http1)');
  /** Prints a target line: the label, the bound, and the value this run measured against it. */
  const check = (label: string, value: number, bound: '≤' | '≥', limit: number, unit = '', detail = '') => {
    const ok = bound === '≤' ? value <= limit : value >= limit;
    console.log(`  ${ok ? 'MET ' : 'MISS'} ${label} ${bound} ${limit}${unit}${detail}: ${f(value, 2)}`);
  };
  if (hop && ng) {
    check('hop CPU/req ÷ nginx', hop.cpuUs / ng.cpuUs, '≤', 1.5);
    check('hop req/s ÷ nginx', hop.max.rps / ng.max.rps, '≥', 0.65);
    if (byRound.length > 1) {
      const perRound = (ratio: (hop: Row, ng: Row) => number) =>
        byRound.map((rs) => {
          const h = rs.find((r) => r.subject === hop.subject);
          const n = rs.find((r) => r.subject === ng.subject);
          return h && n ? f(ratio(h, n), 2) : '–';
        });
      console.log(`       by round: CPU ÷ nginx ${perRound((h, n) => h.cpuUs / n.cpuUs).join(', ')}; req/s ÷ nginx ${perRound((h, n) => h.max.rps / n.max.rps).join(', ')}`);
    }
  }
  if (hop && nhp) {
    check('hop req/s ÷ node-http-proxy', hop.max.rps / nhp.max.rps, '≥', 4);
    // A larger part of the hop's CPU than of node-http-proxy's is the kernel's, doing their loopback I/O: on a day the
    // host makes that work slow (direct and nginx then slow down the most), this ratio falls while the one to nginx
    // holds. The shares show which kind of day it was.
    console.log(`       kernel share of CPU: hop ${f(hop.kernelShare * 100)} %, node-http-proxy ${f(nhp.kernelShare * 100)} %, nginx ${ng ? f(ng.kernelShare * 100) : '–'} %`);
    // What the same day allowed: where nginx itself is not 4 × node-http-proxy, the miss says more about the day.
    if (ng) console.log(`       nginx, same run: req/s ÷ node-http-proxy ${f(ng.max.rps / nhp.max.rps, 2)}`);
  }
  const d1 = row('direct (http1)');
  if (hop && d1) {
    check('hop added p99 at 1k req/s', hop.fixed.p99 - d1.fixed.p99, '≤', 0.5, ' ms');
    if (ng) console.log(`       nginx, same run: added p99 ${f(ng.fixed.p99 - d1.fixed.p99, 2)} ms`);
  }
  for (const r of rows.filter((x) => x.subject.name.startsWith('signalbox'))) {
    const each = r.proxies > 1 ? ` per proxy, the larger of ${r.proxies}` : '';
    check(`${r.subject.name} RSS`, r.proxyPeakMb, '≤', 60, ' MB', `${each} (RssAnon ${f(r.privateMb, 1)} MB${r.proxies > 1 ? ' for both' : ''})`);
  }
  const op = row('signalbox opaque hop');
  const ha = row('haproxy mode tcp');
  if (op && ha) check('opaque CPU/req ÷ haproxy', op.cpuUs / ha.cpuUs, '≤', 1.3);
  const h2 = row('signalbox hop (h2c)');
  const ng2 = row('nginx (h2c)');
  if (h2 && ng2) check('h2c hop CPU/req ÷ nginx h2c', h2.cpuUs / ng2.cpuUs, '≤', 3);
  const h2n = row('signalbox hop (h2c, node engine)');
  if (h2 && h2n) console.log(`  h2 engine: wire ${f(h2.cpuUs, 1)} µs/req, node ${f(h2n.cpuUs, 1)} µs/req (${f(h2n.cpuUs / h2.cpuUs, 2)} ×)`);
  const t0 = row('signalbox hop (http1, tap no subscriber)');
  const t1 = row('signalbox hop (http1, tap 1 subscriber)');
  if (hop && t0)
    console.log(
      `  tap, no subscriber (target: no measurable cost): CPU/req ÷ untapped hop ${f(t0.cpuUs / hop.cpuUs, 2)}, req/s ÷ untapped hop ${f(t0.max.rps / hop.max.rps, 2)}`,
    );
  if (t0 && t1) check('tap, 1 subscriber at 100 rps: req/s loss vs no subscriber', (1 - t1.max.rps / t0.max.rps) * 100, '≤', 10, ' %');
  const p1 = row('signalbox pair (peer http1)');
  const p2 = row('signalbox pair (peer http2)');
  // `--peer-protocol=auto` (the default) takes http1 to plaintext peers and http2 to mTLS ones: each line says
  // whether that is still the faster in this run.
  const peerLine = (what: string, h1: Row | undefined, h2: Row | undefined, auto: 'http1' | 'http2') => {
    if (!h1 || !h2) return;
    const faster = h1.cpuUs <= h2.cpuUs ? 'http1' : 'http2';
    console.log(
      `  peer protocol, ${what}: http1 ${f(h1.cpuUs, 1)} µs/req, ${f(h1.max.rps)} req/s; http2 ${f(h2.cpuUs, 1)} µs/req, ${f(h2.max.rps)} req/s → faster: ${faster}${faster === auto ? ` (auto's choice)` : `, where auto takes ${auto}`}`,
    );
  };
  peerLine('plaintext', p1, p2, 'http1');
  peerLine('mTLS', row('signalbox pair mTLS (peer http1)'), row('signalbox pair mTLS (peer http2)'), 'http2');
  console.log(`\nlogs: ${dir}`);
}

const cleanup = () => void stopAll(started, 1000).then(() => process.exit(1));
process.once('SIGINT', cleanup);
process.once('SIGTERM', cleanup);
main().then(
  () => process.exit(0),
  async (err: unknown) => {
    console.error(`bench failed: ${(err as Error).stack ?? String(err)}`);
    await stopAll(started, 1000);
    process.exit(1);
  },
);
