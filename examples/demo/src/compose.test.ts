// Static checks of the container setup (docker-compose.yml, deploy/docker/*.Dockerfile, deploy/grafana/**): no Docker
// engine runs here, so nothing is built or started. These parse the files and check them against the repository and
// the compose registry; `docker-compose config -q` (scripts/test.sh) checks the compose schema.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { nodeFlagsOf } from '@signalbox/launch';
import { metricNames, registrySchema, type Registry } from '@signalbox/shared';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { dockerfileInstructions, entrypointNode, entrypointScript, runtimeTreeArgs } from '../test/support/dockerfile.js';

const root = path.join(import.meta.dirname, '..', '..', '..');
const read = (p: string): string => readFileSync(path.join(root, p), 'utf8');
const exists = (p: string): boolean => existsSync(path.join(root, p));

type Service = {
  build?: string | { context?: string; dockerfile?: string };
  image?: string;
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  network_mode?: string;
  hostname?: string;
  depends_on?: string[] | Record<string, unknown>;
  user?: string;
};
type Compose = { services: Record<string, Service>; volumes?: Record<string, unknown> };

/** The compose file with its `x-` anchors resolved (yaml merges `<<:` keys). */
const loadCompose = (): Compose => parse(read('docker-compose.yml'), { merge: true }) as Compose;
const loadRegistry = (): Registry => registrySchema.parse(parse(read('examples/demo/compose/registry.yaml')));

const flagValue = (args: readonly string[] | undefined, flag: string): string | undefined =>
  args?.find((a) => a.startsWith(`${flag}=`))?.slice(flag.length + 1);
const isProxy = (s: Service): boolean => (s.image ?? '').startsWith('signalbox-proxy');

/** Everything wrong with a compose file, as messages (empty: fine). `fileExists` is relative to the repo root. */
export function composeProblems(compose: Compose, registry: Registry, fileExists: (p: string) => boolean): string[] {
  const problems: string[] = [];
  const services = compose.services;
  const named = new Set(Object.keys(compose.volumes ?? {}));
  const hostPorts = new Map<string, string>();
  for (const [name, s] of Object.entries(services)) {
    if (s.build !== undefined) {
      const b = typeof s.build === 'string' ? { context: s.build } : s.build;
      const dockerfile = path.join(b.context ?? '.', b.dockerfile ?? 'Dockerfile');
      if (!fileExists(dockerfile)) problems.push(`${name}: Dockerfile ${dockerfile} does not exist`);
    } else if (s.image === undefined) problems.push(`${name}: neither build nor image`);
    for (const v of s.volumes ?? []) {
      const source = v.split(':')[0] ?? '';
      if (source.startsWith('.') || source.startsWith('/')) {
        if (!fileExists(source)) problems.push(`${name}: bind-mounted ${source} does not exist`);
      } else if (!named.has(source)) problems.push(`${name}: volume ${source} is not declared`);
    }
    for (const p of s.ports ?? []) {
      const parts = p.split(':');
      const host = parts.length === 3 ? `${parts[0]}:${parts[1]}` : `0.0.0.0:${parts[0]}`;
      const other = hostPorts.get(host);
      if (other !== undefined) problems.push(`${name}: host port ${host} is also published by ${other}`);
      hostPorts.set(host, name);
    }
    if (s.network_mode !== undefined && s.ports !== undefined) problems.push(`${name}: ports on a shared network namespace`);
  }

  const pods = registry.namespaces.flatMap((ns) => ns.pods.map((pod) => ({ ns: ns.name, pod })));
  const proxies = Object.entries(services).filter(([, s]) => isProxy(s));
  const proxyNames = new Set(proxies.map(([n]) => n));
  for (const { pod } of pods) if (!proxyNames.has(pod.name)) problems.push(`${pod.name}: in the registry but no proxy service`);
  for (const [name, s] of proxies) {
    const found = pods.find((p) => p.pod.name === name);
    if (found === undefined) {
      problems.push(`${name}: proxy service not in the registry`);
      continue;
    }
    const { ns, pod } = found;
    const args = s.command;
    if (s.hostname !== name) problems.push(`${name}: hostname ${String(s.hostname)} (the registry reaches the pod by ${name})`);
    const want: Record<string, string> = {
      '--control-plane': 'http://api:8085',
      '--identity-serviceaccount': pod.serviceAccount ?? '',
      '--identity-namespace': ns,
      '--identity-token-file': pod.identityToken && 'file' in pod.identityToken ? pod.identityToken.file : '(registry has no token file)',
      '--identity-trust-anchors-file': '/var/run/signalbox/trust/ca.crt',
      '--inbound': `0.0.0.0:${pod.proxy?.inbound?.split(':')[1] ?? ''}`,
      '--admin': `0.0.0.0:${pod.proxy?.admin?.split(':')[1] ?? ''}`,
      '--app': `127.0.0.1:${pod.app.split(':')[1] ?? ''}`,
    };
    for (const [flag, value] of Object.entries(want))
      if (flagValue(args, flag) !== value) problems.push(`${name}: ${flag}=${String(flagValue(args, flag))}, want ${value}`);
    const requires = flagValue(args, '--require-identity-ports');
    if (Boolean(pod.requireIdentity) !== (requires !== undefined)) problems.push(`${name}: --require-identity-ports does not match requireIdentity`);
    if (s.environment?.SIGNALBOX_TAP_TOKEN_FILE === undefined) problems.push(`${name}: no tap token file`);
    const mounts = (s.volumes ?? []).map((v) => v.split(':')[1]);
    for (const f of [want['--identity-token-file'], want['--identity-trust-anchors-file'], s.environment?.SIGNALBOX_TAP_TOKEN_FILE])
      if (f !== undefined && !mounts.some((m) => m !== undefined && f.startsWith(`${m}/`))) problems.push(`${name}: ${f} is on no volume`);
    const apps = Object.entries(services).filter(([, a]) => a.network_mode === `service:${name}`);
    if (apps.length !== 1) problems.push(`${name}: ${apps.length} app containers share its network namespace, want 1`);
    for (const [appName, a] of apps) {
      const listen = flagValue(a.command, '--listen');
      if (listen !== want['--app']) problems.push(`${appName}: listens on ${String(listen)}, its proxy forwards to ${want['--app']}`);
      if (flagValue(a.command, '--outbound') !== flagValue(args, '--outbound')) problems.push(`${appName}: --outbound is not its proxy's`);
      if (flagValue(a.command, '--role') !== pod.deployment) problems.push(`${appName}: role ${String(flagValue(a.command, '--role'))}, registry deployment ${String(pod.deployment)}`);
    }
  }
  for (const [name, s] of Object.entries(services))
    if (s.network_mode?.startsWith('service:') && !proxyNames.has(s.network_mode.slice('service:'.length)))
      problems.push(`${name}: shares the namespace of ${s.network_mode.slice(8)}, which is not a proxy`);

  const api = services.api;
  if (api === undefined) problems.push('no api service');
  else {
    if (flagValue(api.command, '--identity-dir') === undefined) problems.push('api: no --identity-dir');
    if (api.environment?.SIGNALBOX_TAP_TOKEN_FILE === undefined) problems.push('api: no tap token file');
  }
  return problems;
}

/** Static checks of one Dockerfile (lines parsed, nothing built): multi-stage, non-root, healthcheck, COPY sources. */
export function dockerfileProblems(text: string, fileExists: (p: string) => boolean): string[] {
  const problems: string[] = [];
  const lines = dockerfileInstructions(text);
  const froms = lines.filter((l) => /^FROM\s/i.test(l));
  if (froms.length < 2) problems.push('not multi-stage (fewer than two FROM)');
  const finalStage = lines.slice(lines.lastIndexOf(froms.at(-1) ?? ''));
  const user = finalStage.filter((l) => /^USER\s/i.test(l)).at(-1)?.split(/\s+/)[1];
  if (user === undefined) problems.push('no USER in the final stage');
  else if (!/^[1-9]\d*(:\d+)?$/.test(user)) problems.push(`USER ${user} is not a numeric non-root user`);
  if (!finalStage.some((l) => /^HEALTHCHECK\s+(--\S+\s+)*CMD\s/i.test(l))) problems.push('no HEALTHCHECK in the final stage');
  if (!finalStage.some((l) => /^EXPOSE\s/i.test(l))) problems.push('no EXPOSE in the final stage');
  for (const l of lines.filter((x) => /^(COPY|ADD)\s/i.test(x))) {
    if (/--from=/.test(l)) continue;
    const args = l.split(/\s+/).slice(1).filter((a) => !a.startsWith('--'));
    for (const src of args.slice(0, -1)) if (!fileExists(src)) problems.push(`COPY source ${src} does not exist`);
  }
  return problems;
}

/**
 * Whether the runtime tree a Dockerfile builds (deploy/docker/runtime-tree.mjs) holds what its ENTRYPOINT runs: a
 * listed workspace's copied path (`<ws>=<path>,…`, default dist), or, for a Next app (`--next <app>=<entry>`), the
 * traced server entry itself. Listed workspaces must exist, and the final stage must copy the tree into its WORKDIR.
 */
export function runtimeTreeProblems(text: string, fileExists: (p: string) => boolean): string[] {
  const lines = dockerfileInstructions(text);
  const args = runtimeTreeArgs(lines);
  const script = entrypointScript(lines);
  if (args === undefined) return ['no RUN node deploy/docker/runtime-tree.mjs'];
  if (script === undefined) return ['no ENTRYPOINT running a script with node'];
  const next = args[1] === '--next';
  const specs = (next ? args.slice(2) : args.slice(1)).map((spec) => {
    const [dir = '', paths = 'dist'] = spec.split('=');
    return { dir, paths: paths.split(',') };
  });
  const problems = specs.filter((w) => !fileExists(`${w.dir}/package.json`)).map((w) => `runtime tree lists ${w.dir}, which is no workspace`);
  const out = args[0]?.replace(/\/$/, '');
  const copiesTree = lines.some((l) => {
    const words = l.split(/\s+/);
    return /^COPY$/i.test(words[0] ?? '') && words.includes('--from=build') && words.at(-2)?.replace(/\/$/, '') === out && words.at(-1) === './';
  });
  if (!copiesTree)
    problems.push(`no COPY --from=build of the runtime tree ${String(out)}/ into the WORKDIR`);
  const holds = specs.some((w) => w.paths.some((p) => script === `${w.dir}/${p}` || (!next && script.startsWith(`${w.dir}/${p}/`))));
  if (!holds) problems.push(`ENTRYPOINT runs ${script}, which the runtime tree (${args.slice(1).join(' ')}) does not hold`);
  return problems;
}

/** Metric names a PromQL expression (or Grafana's `label_values(metric, label)`) reads: identifiers followed by a
 * selector `{` or a range `[`, or label_values' first argument; histogram suffixes dropped. */
export const promqlMetrics = (expr: string): string[] =>
  [...expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*[{[]|label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*[,)]/g)].map((m) =>
    (m[1] ?? m[2] ?? '').replace(/_(bucket|sum|count)$/, ''),
  );

type Dashboard = { templating?: { list?: { query?: { query?: string } | string }[] }; panels?: { title?: string; targets?: { expr?: string }[] }[] };
const exported = new Set<string>(Object.values(metricNames));

export function dashboardProblems(d: Dashboard): string[] {
  const problems: string[] = [];
  const exprs = [
    ...(d.panels ?? []).flatMap((p) => (p.targets ?? []).map((t) => ({ where: p.title ?? '?', expr: t.expr ?? '' }))),
    ...(d.templating?.list ?? []).map((v) => ({ where: 'variable', expr: typeof v.query === 'string' ? v.query : (v.query?.query ?? '') })),
  ];
  if (exprs.length === 0) problems.push('no queries');
  for (const { where, expr } of exprs) {
    const names = promqlMetrics(expr);
    if (names.length === 0) problems.push(`${where}: no metric in ${expr}`);
    for (const n of names) if (!exported.has(n)) problems.push(`${where}: ${n} is not a metric the proxy exports`);
  }
  return problems;
}

const dockerfiles = readdirSync(path.join(root, 'deploy/docker')).filter((f) => f.endsWith('.Dockerfile'));

describe('docker-compose.yml (static: no engine runs here)', () => {
  it('builds every service from a Dockerfile that exists, mounts files that exist, and matches the registry', () => {
    expect(composeProblems(loadCompose(), loadRegistry(), exists)).toEqual([]);
  });

  it('has a Signalbox image for proxy, api, web and the demo apps', () => {
    const built = new Set(Object.values(loadCompose().services).map((s) => (typeof s.build === 'object' ? s.build.dockerfile : undefined)));
    for (const f of dockerfiles) expect(built).toContain(`deploy/docker/${f}`);
    expect(dockerfiles.sort()).toEqual(['api.Dockerfile', 'demo.Dockerfile', 'proxy.Dockerfile', 'web.Dockerfile']);
  });

  it('bites: a broken compose file is reported', () => {
    const c = structuredClone(loadCompose());
    const s = c.services;
    s['books-0-app']!.network_mode = 'service:books-1';
    s['web-0']!.command = s['web-0']!.command!.filter((a) => !a.startsWith('--identity-token-file'));
    s.grafana!.ports = ['127.0.0.1:3000:3000'];
    s['feed-0']!.build = { context: '.', dockerfile: 'deploy/docker/nope.Dockerfile' };
    s.prometheus!.volumes = ['./examples/demo/compose/missing.yml:/etc/prometheus/prometheus.yml:ro'];
    delete s['stock-0'];
    const problems = composeProblems(c, loadRegistry(), exists);
    expect(problems).toEqual(
      expect.arrayContaining([
        'books-0: 0 app containers share its network namespace, want 1',
        'books-1: 2 app containers share its network namespace, want 1',
        'web-0: --identity-token-file=undefined, want /var/run/signalbox/tokens/web-0.token',
        'dashboard: host port 127.0.0.1:3000 is also published by grafana',
        'feed-0: Dockerfile deploy/docker/nope.Dockerfile does not exist',
        'prometheus: bind-mounted ./examples/demo/compose/missing.yml does not exist',
        'stock-0: in the registry but no proxy service',
        'stock-0-app: shares the namespace of stock-0, which is not a proxy',
      ]),
    );
  });
});

describe.each(dockerfiles)('deploy/docker/%s (static: parsed, not built)', (file) => {
  it('is multi-stage, non-root, health-checked, and copies only paths that exist', () => {
    expect(dockerfileProblems(read(`deploy/docker/${file}`), exists)).toEqual([]);
  });

  it('runs an entry point its runtime tree holds', () => {
    expect(runtimeTreeProblems(read(`deploy/docker/${file}`), exists)).toEqual([]);
  });
});

describe('the web image (static; test/integration/web-image.test.ts builds its tree and runs it)', () => {
  const lines = dockerfileInstructions(read('deploy/docker/web.Dockerfile'));

  it('ships the dashboard as Next standalone output plus its traced server, not production dependencies', () => {
    expect(runtimeTreeArgs(lines)).toEqual(['/out', '--next', 'apps/web=dist/server/main.js']);
    expect(entrypointScript(lines)).toBe('apps/web/dist/server/main.js');
  });
});

describe('the proxy image (static)', () => {
  it('runs the bundle with the node flags its #! line names, as every other launcher does', () => {
    const flags = nodeFlagsOf(path.join(root, 'apps/proxy/src/main.ts'));
    expect(flags).toEqual(expect.arrayContaining(['--no-concurrent-recompilation', '--no-sparkplug', '--no-parallel-scavenge', '--expose-gc', '--use-openssl-ca']));
    expect(entrypointNode(dockerfileInstructions(read('deploy/docker/proxy.Dockerfile')))).toEqual({ flags, script: 'apps/proxy/dist/bundle/main.js' });
  });
});

describe('Dockerfile checks bite', () => {
  it('reports a single stage, a root user, no healthcheck and a missing COPY source', () => {
    const text = 'FROM node:20-bookworm-slim\nCOPY apps/nope/ ./\nUSER root\nEXPOSE 1\nCMD ["node"]\n';
    expect(dockerfileProblems(text, exists)).toEqual([
      'not multi-stage (fewer than two FROM)',
      'USER root is not a numeric non-root user',
      'no HEALTHCHECK in the final stage',
      'COPY source apps/nope/ does not exist',
    ]);
  });

  it('reports an entry point outside the runtime tree, a listed workspace that does not exist, a tree not copied', () => {
    const entry = 'COPY --from=build --chown=root:root /out/ ./\nENTRYPOINT ["/usr/local/bin/signalbox-entrypoint", "node", "apps/web/dist/server/main.js"]';
    expect(runtimeTreeProblems(`RUN node deploy/docker/runtime-tree.mjs /out packages/shared apps/api apps/nope\n${entry}\n`, exists)).toEqual([
      'runtime tree lists apps/nope, which is no workspace',
      'ENTRYPOINT runs apps/web/dist/server/main.js, which the runtime tree (packages/shared apps/api apps/nope) does not hold',
    ]);
    expect(runtimeTreeProblems(`RUN node deploy/docker/runtime-tree.mjs /out --next apps/web=dist/main.js\n${entry}\n`, exists)).toEqual([
      'ENTRYPOINT runs apps/web/dist/server/main.js, which the runtime tree (--next apps/web=dist/main.js) does not hold',
    ]);
    expect(runtimeTreeProblems(`RUN node deploy/docker/runtime-tree.mjs /out apps/web=dist\n${entry}\n`, exists)).toEqual([]);
    expect(runtimeTreeProblems(`RUN node deploy/docker/runtime-tree.mjs /tree apps/web=dist\n${entry}\n`, exists)).toEqual([
      'no COPY --from=build of the runtime tree /tree/ into the WORKDIR',
    ]);
    expect(runtimeTreeProblems(`RUN npm ci\n${entry}\n`, exists)).toEqual(['no RUN node deploy/docker/runtime-tree.mjs']);
  });

  it('uses the proxy UID 2102 for the proxy image', () => {
    expect(read('deploy/docker/proxy.Dockerfile')).toMatch(/^USER 2102(:\d+)?$/m);
  });
});

describe('Grafana provisioning (deploy/grafana)', () => {
  it('points the datasource at the compose Prometheus and the dashboard provider at the mounted folder', () => {
    const ds = parse(read('deploy/grafana/provisioning/datasources/prometheus.yaml')) as { datasources: { url: string; uid: string }[] };
    expect(ds.datasources[0]?.url).toBe('http://prometheus:9090');
    const prov = parse(read('deploy/grafana/provisioning/dashboards/signalbox.yaml')) as { providers: { options: { path: string } }[] };
    const mount = loadCompose().services.grafana?.volumes?.find((v) => v.startsWith('./deploy/grafana/dashboards:'));
    expect(mount?.split(':')[1]).toBe(prov.providers[0]?.options.path);
    const dashboards = readdirSync(path.join(root, 'deploy/grafana/dashboards'));
    expect(dashboards.length).toBeGreaterThan(0);
    // Every panel, target and variable queries the provisioned datasource, by its uid.
    for (const f of dashboards) {
      const uids = new Set([...read(`deploy/grafana/dashboards/${f}`).matchAll(/"datasource":\s*\{[^}]*"uid":\s*"([^"]+)"/g)].map((m) => m[1]));
      expect([...uids]).toEqual([ds.datasources[0]?.uid]);
    }
  });

  it.each(readdirSync(path.join(root, 'deploy/grafana/dashboards')))('%s parses and queries only metrics the proxy exports', (f) => {
    const d = JSON.parse(read(`deploy/grafana/dashboards/${f}`)) as Dashboard;
    expect(dashboardProblems(d)).toEqual([]);
    const exprs = (d.panels ?? []).flatMap((p) => (p.targets ?? []).map((t) => t.expr ?? '')).join('\n');
    // The Linkerd-compatible golden metrics (REFERENCE.md §3.1).
    expect(exprs).toContain('sum(irate(response_total{classification="success", direction="inbound"');
    expect(exprs).toMatch(/request_total\{tls="true"/);
    expect(exprs).toMatch(/request_total\{tls!="true"/);
    for (const q of ['0.5', '0.95', '0.99']) expect(exprs).toContain(`histogram_quantile(${q}, sum(irate(response_latency_ms_bucket{`);
    expect(exprs).toContain('by (le, deployment)');
    expect(exprs).toContain('signalbox_proxy_overhead_ms_bucket');
  });

  it('bites: a query on a metric the proxy does not export is reported', () => {
    expect(dashboardProblems({ panels: [{ title: 't', targets: [{ expr: 'sum(irate(http_requests_total{job="x"}[1m]))' }] }] })).toEqual([
      't: http_requests_total is not a metric the proxy exports',
    ]);
    expect(promqlMetrics('histogram_quantile(0.99, sum(irate(response_latency_ms_bucket{a="b"}[$__rate_interval])) by (le))')).toEqual(['response_latency_ms']);
  });
});
