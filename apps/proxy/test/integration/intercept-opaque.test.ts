// The MySQL-on-a-non-default-port case end to end: in a network namespace of its own, the api serves a registry
// whose `mysql` service declares port 7000 opaque, iptables redirects an unaware client's connection to that
// service's cluster IP to the outbound proxy (--intercept, UID 2102, as inject's init container sets up), and the
// server speaks first. Discovery's hint lets the proxy forward before the client sends a byte: the greeting comes
// far sooner than the detect timeout, which an undeclared twin service (7001) waits out. Skipped, with the exact
// reason, where the machine refuses (as intercept-netns.test.ts).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { eventually, logTail, makeRunDir, repoRoot } from '@signalbox/launch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createTestNetns, proxyUid, type TestNetns } from '../support/netns.js';

const dir = makeRunDir('signalbox-intercept-opaque-');
const ports = { outbound: 4140, inbound: 4143, admin: 4191, api: 8085, mysql: 7000, plain: 7001 } as const;
const clusterIPs = { mysql: '10.96.0.70', plain: '10.96.0.71' } as const;
/** Short, so the undeclared service's wait is quick to see; far longer than a hinted connection takes. */
const detectTimeoutMs = 1500;
const greeting = '5.7.0-mysql-like ready\r\n';
let netns: TestNetns | undefined;
let skipReason: string | undefined;

/** The cluster IPs and the redirect; undefined, or why the namespace refused them. */
async function network(ns: TestNetns): Promise<string | undefined> {
  try {
    // In a cluster the cluster IPs are on no interface (kube-proxy's job); a route out of lo alone is martian, so
    // here they are lo's own: nothing listens on them, only the redirect makes a connection to them succeed.
    for (const ip of Object.values(clusterIPs)) await ns.run('ip', 'addr', 'add', `${ip}/32`, 'dev', 'lo');
    const notProxy = ['-m', 'owner', '!', '--uid-owner', String(proxyUid)];
    // Everything but the proxy's and the api's own ports, and not the proxy's upstream connections.
    const exempt = [ports.outbound, ports.inbound, ports.admin, ports.api].join(',');
    await ns.run('iptables', '-t', 'nat', '-A', 'OUTPUT', '-p', 'tcp', '-m', 'multiport', '!', '--dports', exempt, ...notProxy, '-j', 'REDIRECT', '--to-ports', String(ports.outbound));
  } catch (err) {
    return `the namespace refused its addresses or nat rule: ${(err as Error).message}`;
  }
  return undefined;
}

const registry = {
  namespaces: [
    {
      name: 'demo',
      pods: [
        { name: 'mysql-0', deployment: 'mysql', app: `127.0.0.1:${ports.mysql}` },
        { name: 'plain-0', deployment: 'plain', app: `127.0.0.1:${ports.plain}` },
      ],
      services: [
        { name: 'mysql', port: ports.mysql, deployment: 'mysql', clusterIPs: [clusterIPs.mysql], opaquePorts: [String(ports.mysql)] },
        { name: 'plain', port: ports.plain, deployment: 'plain', clusterIPs: [clusterIPs.plain] },
      ],
    },
  ],
};

const servers = `
import net from 'node:net';
for (const port of [${ports.mysql}, ${ports.plain}])
  net.createServer((s) => { s.on('error', () => {}); s.write(${JSON.stringify(greeting)}); s.pipe(s); }).listen(port, '127.0.0.1');
`;

/** The application: connects to each cluster IP, sends nothing, and times the server's greeting. */
const client = `
import net from 'node:net';
const greeted = (host, port) => new Promise((resolve, reject) => {
  const t0 = performance.now();
  const s = net.connect(port, host);
  s.once('data', (d) => { resolve({ ms: performance.now() - t0, got: String(d) }); s.destroy(); });
  s.on('error', reject);
});
console.log(JSON.stringify({
  mysql: await greeted('${clusterIPs.mysql}', ${ports.mysql}),
  plain: await greeted('${clusterIPs.plain}', ${ports.plain}),
}));
`;

beforeAll(async () => {
  const created = await createTestNetns('sbx-opaque', dir);
  if (typeof created !== 'string') netns = created;
  skipReason = typeof created === 'string' ? created : await network(created);
  if (skipReason || !netns) {
    console.warn(`intercept-opaque: skipped: ${skipReason}`);
    return;
  }
  const ns = netns;
  const registryFile = path.join(dir, 'registry.yaml');
  writeFileSync(registryFile, stringify(registry));
  writeFileSync(path.join(dir, 'servers.mjs'), servers);
  ns.start('servers', [process.execPath, path.join(dir, 'servers.mjs')]);
  ns.start('api', [
    process.execPath, path.join(repoRoot, 'apps/api/dist/main.js'),
    `--listen=127.0.0.1:${ports.api}`, `--registry=${registryFile}`, '--prometheus-url=http://127.0.0.1:9', `--file-sd=${path.join(dir, 'file-sd.json')}`,
  ]);
  ns.startProxy([
    '--intercept',
    `--outbound=127.0.0.1:${ports.outbound}`, `--inbound=127.0.0.1:${ports.inbound}`, `--admin=127.0.0.1:${ports.admin}`,
    '--app=127.0.0.1:9', `--control-plane=http://127.0.0.1:${ports.api}`, `--detect-timeout=${detectTimeoutMs}`,
  ]);
  await eventually(async () => {
    expect(await ns.node('ready', `console.log((await fetch('http://127.0.0.1:${ports.api}/ready')).status);`)).toBe('200\n');
    expect(await ns.metrics(ports.admin)).toContain('# HELP tcp_open_total');
  }, { timeoutMs: 20_000, intervalMs: 250 }).catch((err: unknown) => {
    throw new Error(`${String(err)}\napi log:\n${logTail(path.join(dir, 'api.log'))}\nproxy log:\n${logTail(path.join(dir, 'proxy.log'))}`);
  });
});

afterAll(async () => {
  await netns?.close();
});

describe('an intercepted call to a service discovery marks opaque (server speaks first, non-default port)', () => {
  it('is forwarded before the client sends a byte; an undeclared one waits out the detect timeout', async (ctx) => {
    if (skipReason || !netns) return ctx.skip(skipReason);
    const ns = netns;
    const out = JSON.parse(await ns.node('client', client)) as Record<'mysql' | 'plain', { ms: number; got: string }>;
    expect(out.mysql.got).toBe(greeting);
    expect(out.plain.got).toBe(greeting);
    console.info(`intercept-opaque: greeting after ${out.mysql.ms.toFixed(0)} ms declared, ${out.plain.ms.toFixed(0)} ms undeclared (detect timeout ${detectTimeoutMs} ms)`);
    expect(out.mysql.ms).toBeLessThan(detectTimeoutMs / 3);
    expect(out.plain.ms).toBeGreaterThanOrEqual(detectTimeoutMs - 10);

    // Routed as the service (its endpoint, its labels), counted as opaque TCP both sides of the proxy.
    const metrics = await eventually(async () => {
      const text = await ns.metrics(ports.admin);
      expect(text).toMatch(new RegExp(`tcp_close_total\\{[^}]*direction="outbound"[^}]*target_addr="127.0.0.1:${ports.mysql}"[^}]*peer="dst"`));
      return text;
    }, { timeoutMs: 5000 });
    const line = (name: string, addr: string, peer: string) =>
      metrics.split('\n').filter((l) => l.startsWith(`${name}{`) && l.includes('direction="outbound"') && l.includes(`target_addr="${addr}"`) && l.includes(`peer="${peer}"`));
    expect(line('tcp_open_total', `${clusterIPs.mysql}:${ports.mysql}`, 'src')).toEqual([expect.stringMatching(/ 1$/)]);
    expect(line('tcp_open_total', `127.0.0.1:${ports.mysql}`, 'dst')).toEqual([expect.stringMatching(/dst_service="mysql".* 1$/)]);
    expect(line('tcp_read_bytes_total', `127.0.0.1:${ports.mysql}`, 'dst')).toEqual([expect.stringMatching(new RegExp(` ${greeting.length}$`))]);
  });
});
