// Two pods for real: a client and a server network namespace joined by a veth pair, each with exactly the nat rules
// `signalbox inject`'s init container runs (its script, from apps/cli), each with its proxy as UID 2102 with
// --intercept and an identity from the control plane. The client app, with no proxy settings, calls the books
// service's cluster IP and the server pod's IP: discovery maps each address to the mesh, so the call crosses the
// client proxy (outbound, mTLS) and the server proxy (inbound), counted on both with the mesh labels. A port the
// client's rules skip reaches the server pod without its proxy, through the server's PREROUTING rule. Skipped, with
// the exact reason, where the machine refuses (as intercept-netns.test.ts).
import { chmodSync, chownSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { eventually, logTail, makeRunDir, proxyCommand, repoRoot, startProcess, type ManagedProcess } from '@signalbox/launch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { iptablesScript } from '../../../cli/src/inject/proxy-spec.js';
import { proxyUid } from '../../../cli/src/kube/mesh.js';
import { inNs, metricsInNs, netnsPrerequisites, nodeInNs, sh } from '../support/netns.js';

const id = `${process.pid % 100_000}${randomBytes(2).toString('hex')}`;
/** Cluster IPs of the server pod's two services: books (its app on 8080) and reviews (a second app, on 8082). */
const clusterIPs = { books: '10.96.0.10', reviews: '10.96.0.11' } as const;
/** An address of the server pod outside the cluster networks (TEST-NET-2): reached unmeshed, never looked up. */
const outsideIP = '198.51.100.2';
/**
 * The app's port in both pods; `second` is another app of the server pod behind its own service; `skipped` a port
 * of the server app that the client's rules leave alone; `unasked` one no call has named before the last test.
 */
const ports = { app: 8080, skipped: 8081, second: 8082, unasked: 8083, api: 8085, inbound: 4143, outbound: 4140, admin: 4191, service: 80 } as const;
const pods = {
  client: { ns: `sbx-client-${id}`, veth: `sbc${id}`, ip: '10.200.0.1', name: 'client-0', sa: 'client' },
  server: { ns: `sbx-server-${id}`, veth: `sbs${id}`, ip: '10.200.0.2', name: 'books-0', sa: 'books' },
} as const;
type Pod = (typeof pods)[keyof typeof pods];
const identity = (pod: Pod) => `${pod.sa}.demo.serviceaccount.identity.signalbox.cluster.local`;
const token = (pod: Pod) => `token-of-${pod.name}-0123456789abcdef`;
const dir = makeRunDir('signalbox-intercept-pods-');
const processes: ManagedProcess[] = [];
const namespaces: string[] = [];
let skipReason: string | undefined;

async function network(): Promise<string | undefined> {
  const missing = await netnsPrerequisites();
  if (missing) return missing;
  try {
    for (const pod of Object.values(pods)) {
      await sh('ip', ['netns', 'add', pod.ns]);
      namespaces.push(pod.ns);
    }
  } catch (err) {
    return `cannot create a network namespace: ${(err as Error).message}`;
  }
  await sh('ip', ['link', 'add', pods.client.veth, 'type', 'veth', 'peer', 'name', pods.server.veth]);
  for (const pod of Object.values(pods)) {
    // Moved at once: from then on it goes with its namespace.
    await sh('ip', ['link', 'set', pod.veth, 'netns', pod.ns]);
    await inNs(pod.ns, 'ip', 'link', 'set', 'lo', 'up');
    await inNs(pod.ns, 'ip', 'addr', 'add', `${pod.ip}/24`, 'dev', pod.veth);
    await inNs(pod.ns, 'ip', 'link', 'set', pod.veth, 'up');
    // A pod routes everything out of its one interface; the cluster IP exists on none (kube-proxy's job).
    await inNs(pod.ns, 'ip', 'route', 'add', 'default', 'dev', pod.veth);
  }
  await inNs(pods.server.ns, 'ip', 'addr', 'add', `${outsideIP}/32`, 'dev', pods.server.veth);
  // The init container's command is `/bin/sh -c <this script>`. The control plane lives in the server's namespace (a
  // cluster has it elsewhere), so its port is skipped inbound there.
  const script = {
    [pods.client.ns]: iptablesScript({ skipInboundPorts: [], skipOutboundPorts: [String(ports.skipped)] }),
    [pods.server.ns]: iptablesScript({ skipInboundPorts: [String(ports.api)], skipOutboundPorts: [] }),
  };
  try {
    for (const pod of Object.values(pods)) await inNs(pod.ns, '/bin/sh', '-c', script[pod.ns] as string);
  } catch (err) {
    return `iptables refused inject's rules: ${(err as Error).message}`;
  }
  return undefined;
}

const server = `
import net from 'node:net';
// One app port, as a pod's: an HTTP request is answered with what the app saw; other bytes are echoed.
const reply = (s, port, head) => {
  const [line, ...fields] = head.split('\\r\\n');
  const h = Object.fromEntries(fields.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
  const body = JSON.stringify({ port, url: line.split(' ')[1], host: h.host, clientId: h['signalbox-client-id'] ?? null });
  s.end('HTTP/1.1 200 OK\\r\\ncontent-type: application/json\\r\\nconnection: close\\r\\ncontent-length: ' + Buffer.byteLength(body) + '\\r\\n\\r\\n' + body);
};
const app = (port) => net.createServer((s) => {
  let got = '';
  const onData = (d) => {
    got += d.toString('latin1');
    if (!/^[A-Z]+ \\//.test(got)) {
      s.off('data', onData);
      s.write(got);
      return void s.pipe(s);
    }
    const end = got.indexOf('\\r\\n\\r\\n');
    if (end >= 0) (s.off('data', onData), reply(s, port, got.slice(0, end)));
  };
  s.on('data', onData);
}).listen(port, '0.0.0.0');
for (const port of [${ports.app}, ${ports.skipped}, ${ports.second}, ${ports.unasked}]) app(port);
`;

/** The client app: plain addresses, no proxy settings. */
const client = `
import net from 'node:net';
const get = async (url) => (await fetch(url)).json();
const tcp = (host, port) => new Promise((resolve, reject) => {
  const s = net.connect(port, host, () => s.end('ping over opaque tcp\\n'));
  let got = '';
  s.on('data', (d) => (got += d)).on('end', () => resolve(got)).on('error', reject);
});
// Books and reviews alternate, so each finds the other's pooled peer connection idle: neither may take it.
console.log(JSON.stringify({
  service: await get('http://${clusterIPs.books}/books'),
  second: await get('http://${clusterIPs.reviews}/reviews'),
  serviceAgain: await get('http://${clusterIPs.books}/books-again'),
  secondAgain: await get('http://${clusterIPs.reviews}/reviews-again'),
  pod: await get('http://${pods.server.ip}:${ports.app}/direct'),
  secondPod: await get('http://${pods.server.ip}:${ports.second}/direct'),
  opaque: await tcp('${clusterIPs.books}', ${ports.service}),
  skipped: await get('http://${pods.server.ip}:${ports.skipped}/around'),
}));
`;

/** Open destination streams, as the control plane counts them. */
const streams = async () => {
  const text = await metricsInNs(pods.server.ns, dir, ports.api);
  return Number(/^signalbox_destination_streams (\d+)$/m.exec(text)?.[1]);
};
const scrape = (pod: Pod) => metricsInNs(pod.ns, dir, ports.admin);

function startIn(pod: Pod, name: string, args: string[]): ManagedProcess {
  const p = startProcess({ name, command: 'ip', args: ['netns', 'exec', pod.ns, ...args], logFile: path.join(dir, `${name}.log`) });
  processes.push(p);
  return p;
}

beforeAll(async () => {
  skipReason = await network();
  if (skipReason) {
    console.warn(`intercept-pods: skipped: ${skipReason}`);
    return;
  }
  const registryPod = (pod: Pod) => ({
    name: pod.name,
    deployment: pod.sa,
    serviceAccount: pod.sa,
    app: `${pod.ip}:${ports.app}`,
    // inject's pods: their inbound traffic is redirected to the proxy, so peers dial the app's own ip:port.
    proxy: { inbound: `${pod.ip}:${ports.inbound}`, outbound: `${pod.ip}:${ports.outbound}`, admin: `${pod.ip}:${ports.admin}`, intercept: true },
    identityToken: { value: token(pod) },
  });
  const registry = {
    namespaces: [
      {
        name: 'demo',
        pods: [registryPod(pods.client), registryPod(pods.server)],
        services: [
          { name: 'books', port: ports.service, deployment: 'books', ports: [{ port: ports.service, targetPort: ports.app }], clusterIPs: [clusterIPs.books] },
          { name: 'reviews', port: ports.service, deployment: 'books', ports: [{ port: ports.service, targetPort: ports.second }], clusterIPs: [clusterIPs.reviews] },
        ],
      },
    ],
  };
  writeFileSync(path.join(dir, 'registry.yaml'), stringify(registry));
  // The proxies run as UID 2102 and read their token files here.
  chmodSync(dir, 0o755);
  for (const pod of Object.values(pods)) {
    writeFileSync(path.join(dir, `${pod.sa}.token`), `${token(pod)}\n`, { mode: 0o600 });
    chownSync(path.join(dir, `${pod.sa}.token`), proxyUid, proxyUid);
  }
  startIn(pods.server, 'api', [
    process.execPath, path.join(repoRoot, 'apps/api/dist/main.js'),
    `--listen=0.0.0.0:${ports.api}`, `--registry=${path.join(dir, 'registry.yaml')}`, '--prometheus-url=http://127.0.0.1:9',
    `--file-sd=${path.join(dir, 'file-sd.json')}`, `--identity-dir=${path.join(dir, 'identity')}`,
  ]);
  writeFileSync(path.join(dir, 'server.mjs'), server);
  startIn(pods.server, 'server-app', [process.execPath, path.join(dir, 'server.mjs')]);
  for (const pod of Object.values(pods))
    startIn(pod, `proxy-${pod.sa}`, [
      'setpriv', `--reuid=${proxyUid}`, `--regid=${proxyUid}`, '--clear-groups',
      process.execPath, ...proxyCommand(),
      '--intercept',
      `--outbound=127.0.0.1:${ports.outbound}`, `--inbound=0.0.0.0:${ports.inbound}`, `--admin=127.0.0.1:${ports.admin}`,
      `--app=127.0.0.1:${ports.app}`, `--control-plane=http://${pods.server.ip}:${ports.api}`,
      `--identity-serviceaccount=${pod.sa}`, '--identity-namespace=demo', `--identity-token-file=${path.join(dir, `${pod.sa}.token`)}`,
    ]);
  // Ready when each proxy holds its certificate (the control plane answered, across the veth for the client).
  for (const pod of Object.values(pods))
    await eventually(async () => expect(await scrape(pod)).toMatch(/^identity_cert_refresh_count\S* [1-9]/m), { timeoutMs: 30_000, intervalMs: 500 }).catch(
      (err: unknown) => {
        throw new Error(`${String(err)}\n${['api', ...Object.values(pods).map((p) => `proxy-${p.sa}`)].map((n) => `${n}:\n${logTail(path.join(dir, `${n}.log`))}`).join('\n')}`);
      },
    );
});

afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop()));
  // Deleting a namespace deletes the veth end inside it, and so the pair.
  for (const ns of namespaces) await sh('ip', ['netns', 'del', ns]).catch((err: unknown) => console.warn(`intercept-pods: ${String(err)}`));
  await sh('ip', ['link', 'del', pods.client.veth]).catch(() => undefined);
});

/** The value of the one series of `name` carrying every `labels` (exact `key="value"` matches). */
function series(metrics: string, name: string, labels: Record<string, string>): number[] {
  return metrics
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)))
    .map((l) => Number(l.slice(l.lastIndexOf(' ') + 1)));
}

describe('transparent interception between two pods (inject’s iptables rules, discovery by address, mTLS)', () => {
  it('meshes calls to a cluster IP and a pod IP, counted by both proxies; a skipped port goes around the client proxy', async (ctx) => {
    if (skipReason) return ctx.skip(skipReason);
    type Seen = { port: number; url: string; host: string; clientId: string | null };
    const out = JSON.parse(await nodeInNs(pods.client.ns, dir, 'client', client)) as Record<'service' | 'second' | 'serviceAgain' | 'secondAgain' | 'pod' | 'secondPod' | 'skipped', Seen> & { opaque: string };
    // The server app saw the client's own Host and the identity mTLS proved; each service's port reached its own app.
    const meshed = (port: number, url: string, host: string): Seen => ({ port, url, host, clientId: identity(pods.client) });
    expect(out.service).toEqual(meshed(ports.app, '/books', clusterIPs.books));
    expect(out.second).toEqual(meshed(ports.second, '/reviews', clusterIPs.reviews));
    expect(out.serviceAgain).toEqual(meshed(ports.app, '/books-again', clusterIPs.books));
    expect(out.secondAgain).toEqual(meshed(ports.second, '/reviews-again', clusterIPs.reviews));
    expect(out.pod).toEqual(meshed(ports.app, '/direct', `${pods.server.ip}:${ports.app}`));
    expect(out.secondPod).toEqual(meshed(ports.second, '/direct', `${pods.server.ip}:${ports.second}`));
    expect(out.opaque).toBe('ping over opaque tcp\n');
    // Around the client proxy: no identity, but still through the server proxy (PREROUTING), to the port asked.
    expect(out.skipped).toEqual({ port: ports.skipped, url: '/around', host: `${pods.server.ip}:${ports.skipped}`, clientId: null });

    const serverId = identity(pods.server);
    // Dialled at the app's own ip:port (the server's PREROUTING rule hands it to its inbound proxy), as Linkerd does.
    const peer = `${pods.server.ip}:${ports.app}`;
    const secondPeer = `${pods.server.ip}:${ports.second}`;
    const mesh = { tls: 'true', dst_namespace: 'demo', dst_deployment: 'books', dst_pod: 'books-0', dst_serviceaccount: 'books', target_addr: peer, server_id: serverId };
    const clientMetrics = await eventually(async () => {
      const text = await scrape(pods.client);
      expect(series(text, 'tcp_close_total', { direction: 'outbound', peer: 'dst', tls: 'true', target_addr: peer }).length).toBeGreaterThan(0);
      return text;
    }, { timeoutMs: 10_000 });
    // The cluster IP is the books service: routed and labelled as Linkerd does, by its fully qualified name.
    expect(series(clientMetrics, 'response_total', { direction: 'outbound', authority: `books.demo.svc.cluster.local:${ports.service}`, dst_service: 'books', status_code: '200', ...mesh })).toEqual([2]);
    expect(series(clientMetrics, 'response_total', { direction: 'outbound', authority: `reviews.demo.svc.cluster.local:${ports.service}`, dst_service: 'reviews', status_code: '200', ...mesh, target_addr: secondPeer })).toEqual([2]);
    // The pod IP is that one endpoint, through its proxy with its identity; it belongs to no service.
    expect(series(clientMetrics, 'response_total', { direction: 'outbound', authority: `${pods.server.ip}:${ports.app}`, dst_service: '', status_code: '200', ...mesh })).toEqual([1]);
    expect(series(clientMetrics, 'response_total', { direction: 'outbound', authority: secondPeer, dst_service: '', status_code: '200', ...mesh, target_addr: secondPeer })).toEqual([1]);
    // To the books endpoint over mTLS: one pooled connection both books requests used, and the opaque one
    // (transport header); reviews has its own.
    expect(series(clientMetrics, 'tcp_open_total', { direction: 'outbound', peer: 'dst', dst_service: 'books', ...mesh })).toEqual([2]);
    expect(series(clientMetrics, 'tcp_open_total', { direction: 'outbound', peer: 'dst', dst_service: 'reviews', ...mesh, target_addr: secondPeer })).toEqual([1]);
    // Nothing left the client pod unmeshed (the app's own plaintext hop to its proxy is `peer="src"`).
    expect(clientMetrics.split('\n').filter((l) => /^(response_total|tcp_open_total)\{/.test(l) && l.includes('tls="no_identity"') && !l.includes('peer="src"'))).toEqual([]);

    const serverMetrics = await scrape(pods.server);
    const fromClient = { direction: 'inbound', tls: 'true', client_id: identity(pods.client), target_addr: `127.0.0.1:${ports.app}` };
    expect(series(serverMetrics, 'response_total', { ...fromClient, status_code: '200' })).toEqual([3]);
    expect(series(serverMetrics, 'response_total', { ...fromClient, target_addr: `127.0.0.1:${ports.second}`, status_code: '200' })).toEqual([3]);
    expect(series(serverMetrics, 'tcp_open_total', { ...fromClient, peer: 'src' }).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(2);
    // The skipped port: the server's PREROUTING rule sent it to the inbound listener, which picked the app by port.
    expect(series(serverMetrics, 'response_total', { direction: 'inbound', tls: 'no_identity', no_tls_reason: 'no_tls_from_remote', target_addr: `127.0.0.1:${ports.skipped}` })).toEqual([1]);
  });

  it('opens no discovery stream for an address outside the cluster networks: it goes there unmeshed', async (ctx) => {
    if (skipReason) return ctx.skip(skipReason);
    const get = (url: string) => nodeInNs(pods.client.ns, dir, 'client-get', `console.log((await (await fetch('${url}')).json()).port);`);
    const before = await streams();
    // The server pod answers on an address outside 10/8 too: the client proxy forwards it as it is, unasked.
    expect(await get(`http://${outsideIP}:${ports.app}/outside`)).toBe(`${ports.app}\n`);
    expect(await streams()).toBe(before);
    // The control: an address inside the networks that no call named before does open one.
    expect(await get(`http://${pods.server.ip}:${ports.unasked}/inside`)).toBe(`${ports.unasked}\n`);
    expect(await streams()).toBe(before + 1);
    const text = await scrape(pods.client);
    expect(series(text, 'response_total', { direction: 'outbound', authority: `${outsideIP}:${ports.app}`, target_addr: `${outsideIP}:${ports.app}`, tls: 'no_identity', no_tls_reason: 'not_provided_by_service_discovery', status_code: '200' })).toEqual([1]);
  });
});
