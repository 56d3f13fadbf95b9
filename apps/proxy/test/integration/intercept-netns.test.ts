// Transparent interception for real: a network namespace of its own, iptables' nat REDIRECT as `signalbox
// inject`'s init container writes it (the proxy's UID and ports excepted), the proxy started inside as UID 2102 with
// --intercept. An application that knows nothing of the proxy connects to plain 127.0.0.1 addresses; the proxy's
// /metrics show each connection counted with target_addr = the original destination. Skipped, with the exact
// reason, where the machine refuses (not Linux, not root, no `ip`/`iptables`/`setpriv`, no netns, no nat/owner
// match, the addon not built).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { eventually, logTail, makeRunDir } from '@signalbox/launch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestNetns, proxyUid, type TestNetns } from '../support/netns.js';
const dir = makeRunDir('signalbox-intercept-');
// The namespace is ours alone: Linkerd's fixed ports.
const ports = { outbound: 4140, inbound: 4143, admin: 4191, http: 8080, tcp: 9000, inboundApp: 8081 } as const;
let netns: TestNetns | undefined;
let skipReason: string | undefined;

const nodeInNs = (name: string, source: string) => (netns as TestNetns).node(name, source);

/** The nat rules; undefined, or why the namespace refused them. */
async function rules(ns: TestNetns): Promise<string | undefined> {
  try {
    const nat = (...rule: string[]) => ns.run('iptables', '-t', 'nat', ...rule);
    const notProxy = ['-m', 'owner', '!', '--uid-owner', String(proxyUid)];
    // Inbound: connections to the app port go to the inbound listener (in a pod: PREROUTING; here the client is
    // local, so OUTPUT), except the proxy's own connection to the app.
    await nat('-A', 'OUTPUT', '-p', 'tcp', '--dport', String(ports.inboundApp), ...notProxy, '-j', 'REDIRECT', '--to-ports', String(ports.inbound));
    // Outbound: everything else but the proxy's ports, and not the proxy's own upstream connections.
    const proxyPorts = [ports.outbound, ports.inbound, ports.admin].join(',');
    await nat('-A', 'OUTPUT', '-p', 'tcp', '-m', 'multiport', '!', '--dports', proxyPorts, ...notProxy, '-j', 'REDIRECT', '--to-ports', String(ports.outbound));
  } catch (err) {
    return `iptables refused the nat rules: ${(err as Error).message}`;
  }
  return undefined;
}

const servers = `
import http from 'node:http';
import net from 'node:net';
const echo = (name) => (req, res) => { res.setHeader('content-type', 'application/json'); res.end(JSON.stringify({ name, url: req.url, host: req.headers.host })); };
http.createServer(echo('web')).listen(${ports.http}, '127.0.0.1');
http.createServer(echo('inbound-app')).listen(${ports.inboundApp}, '127.0.0.1');
net.createServer((s) => s.pipe(s)).listen(${ports.tcp}, '127.0.0.1', () => console.log('listening'));
`;

/** The application: plain addresses, no proxy settings. */
const client = `
import net from 'node:net';
const get = async (port, path) => (await fetch('http://127.0.0.1:' + port + path)).json();
const tcp = () => new Promise((resolve, reject) => {
  const s = net.connect(${ports.tcp}, '127.0.0.1', () => s.end('ping over opaque tcp\\n'));
  let got = '';
  s.on('data', (d) => (got += d)).on('end', () => resolve(got)).on('error', reject);
});
console.log(JSON.stringify({ http: await get(${ports.http}, '/hello'), inbound: await get(${ports.inboundApp}, '/in'), tcp: await tcp() }));
`;

beforeAll(async () => {
  const created = await createTestNetns('sbx-intercept', dir);
  if (typeof created !== 'string') netns = created;
  skipReason = typeof created === 'string' ? created : await rules(created);
  if (skipReason || !netns) {
    console.warn(`intercept-netns: skipped: ${skipReason}`);
    return;
  }
  writeFileSync(path.join(dir, 'servers.mjs'), servers);
  netns.start('servers', [process.execPath, path.join(dir, 'servers.mjs')]);
  netns.startProxy([
    '--intercept',
    `--outbound=127.0.0.1:${ports.outbound}`, `--inbound=127.0.0.1:${ports.inbound}`, `--admin=127.0.0.1:${ports.admin}`,
    // The default app has nothing listening: reaching the app on 8081 proves the original port chose it.
    '--app=127.0.0.1:9',
  ]);
  await eventually(async () => {
    const text = await (netns as TestNetns).metrics(ports.admin);
    expect(text).toContain('# HELP tcp_open_total');
  }, { timeoutMs: 15_000, intervalMs: 250 }).catch((err: unknown) => {
    throw new Error(`${String(err)}\nproxy log:\n${logTail(path.join(dir, 'proxy.log'))}`);
  });
});

afterAll(async () => {
  await netns?.close();
});

describe('transparent interception in a network namespace (iptables REDIRECT, SO_ORIGINAL_DST)', () => {
  it('proxies an application that connects to plain addresses, counted by original destination', async (ctx) => {
    if (skipReason) return ctx.skip(skipReason);
    const out = JSON.parse(await nodeInNs('client', client)) as { http: { name: string; url: string }; inbound: { name: string }; tcp: string };
    expect(out.http).toMatchObject({ name: 'web', url: '/hello' });
    expect(out.inbound).toMatchObject({ name: 'inbound-app' });
    expect(out.tcp).toBe('ping over opaque tcp\n');

    const metrics = await eventually(async () => {
      const text = await (netns as TestNetns).metrics(ports.admin);
      expect(text).toMatch(new RegExp(`tcp_close_total\\{[^}]*direction="outbound"[^}]*target_addr="127.0.0.1:${ports.tcp}"`));
      return text;
    }, { timeoutMs: 5000 });
    const series = (name: string, direction: string, addr: string) =>
      metrics.split('\n').filter((l) => l.startsWith(`${name}{`) && l.includes(`direction="${direction}"`) && l.includes(`target_addr="${addr}"`));
    const http = `127.0.0.1:${ports.http}`;
    const tcp = `127.0.0.1:${ports.tcp}`;
    const app = `127.0.0.1:${ports.inboundApp}`;
    // HTTP: the request, to the original destination (unmeshed: no_tls_reason from discovery's absence).
    expect(series('request_total', 'outbound', http)).toEqual([expect.stringMatching(/authority="127\.0\.0\.1:8080".*no_tls_reason="not_provided_by_service_discovery".* 1$/)]);
    // Opaque TCP: the accepted connection and the one to the original destination, both labelled with it.
    expect(series('tcp_open_total', 'outbound', tcp).length).toBe(2);
    for (const l of series('tcp_open_total', 'outbound', tcp)) expect(l).toMatch(/ 1$/);
    // Inbound: one listener on 4143, the app chosen by the original destination port.
    expect(series('request_total', 'inbound', app)).toEqual([expect.stringMatching(/ 1$/)]);
    expect(series('request_total', 'inbound', '127.0.0.1:9')).toEqual([]);
  });
});
