// A local stand-in for the Kubernetes API server (no cluster runs on these machines), speaking its real JSON
// protocol over node:http: lists with `metadata.resourceVersion`; `?watch=true&resourceVersion=N` as a kept-open
// chunked stream of newline-delimited `{type, object}` events (replayed from N, then live); `410 Gone` (Status,
// reason Expired) for a version older than its compacted history, as an ERROR event (the watch cache's way) or an
// HTTP status; BOOKMARKs on demand; bearer-token authentication; TokenReview and SelfSubjectAccessReview; and
// faults (dropped watches, failing or reset requests) so clients' recovery can be tested.
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';

export interface KubeObject {
  apiVersion?: string | undefined;
  kind?: string | undefined;
  metadata?:
    | { name?: string | undefined; namespace?: string | undefined; labels?: Record<string, string> | undefined; resourceVersion?: string | undefined; uid?: string | undefined; ownerReferences?: unknown[] | undefined }
    | undefined;
}

interface ResourceType {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly kind: string;
  readonly namespaced: boolean;
}

const types: readonly ResourceType[] = [
  { group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true },
  { group: '', version: 'v1', plural: 'services', kind: 'Service', namespaced: true },
  { group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace', namespaced: false },
  { group: '', version: 'v1', plural: 'serviceaccounts', kind: 'ServiceAccount', namespaced: true },
  { group: '', version: 'v1', plural: 'configmaps', kind: 'ConfigMap', namespaced: true },
  { group: '', version: 'v1', plural: 'secrets', kind: 'Secret', namespaced: true },
  { group: 'apps', version: 'v1', plural: 'replicasets', kind: 'ReplicaSet', namespaced: true },
  { group: 'apps', version: 'v1', plural: 'deployments', kind: 'Deployment', namespaced: true },
  { group: 'apps', version: 'v1', plural: 'statefulsets', kind: 'StatefulSet', namespaced: true },
  { group: 'apps', version: 'v1', plural: 'daemonsets', kind: 'DaemonSet', namespaced: true },
  { group: 'discovery.k8s.io', version: 'v1', plural: 'endpointslices', kind: 'EndpointSlice', namespaced: true },
];

const typeOfKind = (apiVersion: string | undefined, kind: string | undefined) => {
  const t = types.find((x) => x.kind === kind && (x.group ? `${x.group}/${x.version}` : x.version) === apiVersion);
  if (!t) throw new Error(`fake kube api: unsupported ${apiVersion}/${kind}`);
  return t;
};
const apiVersionOf = (t: ResourceType) => (t.group ? `${t.group}/${t.version}` : t.version);

export interface TokenInfo {
  readonly username: string;
  /** The audiences the token is bound to; absent: a legacy (Secret) token, valid only for the API server's own audience. */
  readonly audiences?: readonly string[];
}

/** The API server's own audience, which a TokenReview without `spec.audiences` checks against. */
export const apiServerAudience = 'https://kubernetes.default.svc.cluster.local';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  /** Date.now() when it arrived. */
  readonly at: number;
}

export interface FakeKubeApiOptions {
  /** The bearer token clients must send (default `fake-admin-token`). */
  readonly token?: string;
  /** How a watch from a compacted version is refused: `event` (200 + ERROR, default) or `status` (HTTP 410). */
  readonly expired?: 'event' | 'status';
}

export interface FakeKubeApi {
  readonly url: string;
  readonly token: string;
  /** Writes a kubeconfig for this server into `dir` and returns its path. */
  kubeconfig(dir: string): string;
  /** Creates or replaces an object; watchers see ADDED or MODIFIED. Returns the stored object (with its resourceVersion). */
  apply(obj: KubeObject): KubeObject;
  /** Deletes an object; watchers see DELETED. */
  remove(obj: KubeObject): void;
  get(obj: KubeObject): KubeObject | undefined;
  /** Forgets the event history up to now: a watch from a resourceVersion older than the current one is answered 410 Gone. */
  compact(): void;
  /** Ends every open watch response (as an API server restart or its watch timeout does). */
  dropWatches(): void;
  /** Sends a BOOKMARK with the current resourceVersion on every open watch that allowed them. */
  bookmark(): void;
  /** The next `count` requests whose path starts with `prefix` get this status (default 503) as a Status body. */
  failNext(prefix: string, count: number, status?: number): void;
  /** The next `count` requests whose path starts with `prefix` have their connection reset. */
  resetNext(prefix: string, count: number): void;
  /** Tokens a TokenReview knows. */
  readonly tokens: Map<string, TokenInfo>;
  /** RBAC: `verb group/resource` pairs refused (403 and SelfSubjectAccessReview allowed:false), e.g. `list /pods`. */
  readonly denied: Set<string>;
  readonly requests: RecordedRequest[];
  readonly openWatches: number;
  readonly resourceVersion: number;
  close(): Promise<void>;
}

interface Watcher {
  readonly type: ResourceType;
  readonly namespace: string | undefined;
  readonly selector: (o: KubeObject) => boolean;
  readonly bookmarks: boolean;
  readonly res: http.ServerResponse;
}

function status(code: number, reason: string, message: string) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

/** `a=b,c!=d,e` (equality-based label selectors; set-based ones are not needed here). */
function labelSelector(expr: string | null): (o: KubeObject) => boolean {
  if (!expr) return () => true;
  const terms = expr.split(',').map((t) => t.trim());
  return (o) => {
    const labels = o.metadata?.labels ?? {};
    return terms.every((t) => {
      const ne = t.split('!=');
      if (ne.length === 2) return labels[ne[0] as string] !== ne[1];
      const eq = t.split(/==?/);
      if (eq.length === 2) return labels[eq[0] as string] === eq[1];
      return t in labels;
    });
  };
}

export async function startFakeKubeApi({ token = 'fake-admin-token', expired = 'event' }: FakeKubeApiOptions = {}): Promise<FakeKubeApi> {
  let rv = 1;
  let compactedAt = 0;
  const store = new Map<string, KubeObject>(); // `plural/ns/name`
  const history: { rv: number; type: 'ADDED' | 'MODIFIED' | 'DELETED'; t: ResourceType; object: KubeObject }[] = [];
  const watchers = new Set<Watcher>();
  const sockets = new Set<Socket>();
  const failures: { prefix: string; count: number; status: number }[] = [];
  const resets: { prefix: string; count: number }[] = [];
  const tokens = new Map<string, TokenInfo>();
  const denied = new Set<string>();
  const requests: RecordedRequest[] = [];

  const key = (t: ResourceType, ns: string | undefined, name: string) => `${t.plural}/${t.namespaced ? (ns ?? '') : ''}/${name}`;
  const send = (w: Watcher, type: string, object: KubeObject) => w.res.write(`${JSON.stringify({ type, object })}\n`);

  function record(type: 'ADDED' | 'MODIFIED' | 'DELETED', t: ResourceType, object: KubeObject) {
    history.push({ rv, type, t, object });
    for (const w of watchers)
      if (w.type === t && (w.namespace === undefined || w.namespace === object.metadata?.namespace) && w.selector(object)) send(w, type, object);
  }

  function json(res: http.ServerResponse, code: number, body: unknown) {
    res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }

  /** `/api/v1/...` or `/apis/group/version/...` → the type, namespace and name it addresses. */
  function route(pathname: string): { t: ResourceType; namespace?: string; name?: string } | undefined {
    const parts = pathname.split('/').filter(Boolean);
    let group = '';
    let rest: string[];
    if (parts[0] === 'api' && parts[1] === 'v1') rest = parts.slice(2);
    else if (parts[0] === 'apis' && parts.length >= 3) {
      group = parts[1] as string;
      rest = parts.slice(3);
    } else return undefined;
    const version = parts[0] === 'api' ? 'v1' : (parts[2] as string);
    let namespace: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const t = types.find((x) => x.group === group && x.version === version && x.plural === rest[0]);
    if (!t || rest.length > 2) return undefined;
    return { t, ...(namespace !== undefined ? { namespace } : {}), ...(rest[1] !== undefined ? { name: rest[1] } : {}) };
  }

  function list(t: ResourceType, namespace: string | undefined, selector: (o: KubeObject) => boolean): KubeObject[] {
    return [...store.entries()]
      .filter(([k, o]) => k.startsWith(`${t.plural}/`) && (namespace === undefined || o.metadata?.namespace === namespace) && selector(o))
      .map(([, o]) => o);
  }

  async function body(req: http.IncomingMessage): Promise<KubeObject> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as KubeObject;
  }

  function verbOf(method: string, watch: boolean, name: string | undefined): string {
    if (method === 'GET') return watch ? 'watch' : name ? 'get' : 'list';
    return method === 'POST' ? 'create' : method === 'DELETE' ? 'delete' : 'update';
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    requests.push({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, at: Date.now() });
    const reset = resets.find((r) => r.count > 0 && url.pathname.startsWith(r.prefix));
    if (reset) {
      reset.count--;
      req.socket.destroy();
      return;
    }
    if (req.headers.authorization !== `Bearer ${token}`) return json(res, 401, status(401, 'Unauthorized', 'Unauthorized'));
    const failure = failures.find((f) => f.count > 0 && url.pathname.startsWith(f.prefix));
    if (failure) {
      failure.count--;
      return json(res, failure.status, status(failure.status, 'ServiceUnavailable', 'injected failure'));
    }
    void handle(req, res, url).catch((err: unknown) => json(res, 500, status(500, 'InternalError', String(err))));
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const q = url.searchParams;
    if (url.pathname === '/version') return json(res, 200, { major: '1', minor: '31', gitVersion: 'v1.31.0-signalbox-fake', platform: 'linux/amd64' });
    if (req.method === 'POST' && url.pathname === '/apis/authentication.k8s.io/v1/tokenreviews') {
      if (denied.has('create authentication.k8s.io/tokenreviews')) return json(res, 403, status(403, 'Forbidden', 'tokenreviews.authentication.k8s.io is forbidden'));
      return json(res, 201, tokenReview(await body(req)));
    }
    if (req.method === 'POST' && url.pathname === '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews') {
      const review = await body(req);
      const a = ((review as { spec?: unknown }).spec as { resourceAttributes?: { verb?: string; group?: string; resource?: string } } | undefined)?.resourceAttributes ?? {};
      const allowed = !denied.has(`${a.verb ?? ''} ${a.group ?? ''}/${a.resource ?? ''}`);
      return json(res, 201, { ...review, status: { allowed, ...(allowed ? {} : { reason: 'denied by the fake API server' }) } });
    }
    const r = route(url.pathname);
    if (!r) return json(res, 404, status(404, 'NotFound', `the server could not find the requested resource (${url.pathname})`));
    const watch = q.get('watch') === 'true' || q.get('watch') === '1';
    const verb = verbOf(req.method ?? 'GET', watch, r.name);
    if (denied.has(`${verb} ${r.t.group}/${r.t.plural}`))
      return json(res, 403, status(403, 'Forbidden', `${r.t.plural} is forbidden: cannot ${verb} resource "${r.t.plural}" in API group "${r.t.group}"`));
    const selector = labelSelector(q.get('labelSelector'));
    if (req.method === 'GET' && r.name) {
      const obj = store.get(key(r.t, r.namespace, r.name));
      return obj ? json(res, 200, obj) : json(res, 404, status(404, 'NotFound', `${r.t.plural} "${r.name}" not found`));
    }
    if (req.method !== 'GET') return json(res, 405, status(405, 'MethodNotAllowed', 'the fake serves reads, TokenReview and SelfSubjectAccessReview'));
    if (!watch) {
      // List items carry no kind/apiVersion, as the real server sends them.
      const items = list(r.t, r.namespace, selector).map(({ kind: _k, apiVersion: _a, ...rest }) => rest);
      return json(res, 200, { kind: `${r.t.kind}List`, apiVersion: apiVersionOf(r.t), metadata: { resourceVersion: String(rv) }, items });
    }
    const from = q.get('resourceVersion');
    if (from && from !== '0' && Number(from) < compactedAt) {
      const gone = status(410, 'Expired', `too old resource version: ${from} (${compactedAt})`);
      if (expired === 'status') return json(res, 410, gone);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`${JSON.stringify({ type: 'ERROR', object: gone })}\n`);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    res.flushHeaders();
    const w: Watcher = { type: r.t, namespace: r.namespace, selector, bookmarks: q.get('allowWatchBookmarks') === 'true', res };
    if (!from || from === '0') for (const o of list(r.t, r.namespace, selector)) send(w, 'ADDED', o);
    else
      for (const e of history)
        if (e.rv > Number(from) && e.t === r.t && (r.namespace === undefined || e.object.metadata?.namespace === r.namespace) && selector(e.object)) send(w, e.type, e.object);
    watchers.add(w);
    const timeout = Number(q.get('timeoutSeconds') ?? 0);
    const timer = timeout > 0 ? setTimeout(() => res.end(), timeout * 1000) : undefined;
    res.once('close', () => {
      clearTimeout(timer);
      watchers.delete(w);
    });
  }

  function tokenReview(review: KubeObject): object {
    const spec = ((review as { spec?: unknown }).spec ?? {}) as { token?: string; audiences?: string[] };
    const info = spec.token ? tokens.get(spec.token) : undefined;
    const wanted = spec.audiences && spec.audiences.length > 0 ? spec.audiences : [apiServerAudience];
    const tokenAudiences = info?.audiences ?? [apiServerAudience];
    const common = wanted.filter((a) => tokenAudiences.includes(a));
    const base = { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', metadata: { creationTimestamp: null }, spec };
    if (!info) return { ...base, status: { authenticated: false, error: '[invalid bearer token, token lookup failed]' } };
    if (common.length === 0) return { ...base, status: { authenticated: false, error: `[invalid bearer token, token audiences ${JSON.stringify(tokenAudiences)} is invalid for the target audiences ${JSON.stringify(wanted)}]` } };
    const [, ns] = info.username.split(':').slice(1);
    return {
      ...base,
      status: {
        authenticated: true,
        user: { username: info.username, uid: randomUUID(), groups: ['system:serviceaccounts', `system:serviceaccounts:${ns ?? ''}`, 'system:authenticated'] },
        audiences: common,
      },
    };
  }

  server.on('connection', (s) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    token,
    kubeconfig(dir) {
      const file = path.join(dir, 'kubeconfig.yaml');
      writeFileSync(
        file,
        [
          'apiVersion: v1',
          'kind: Config',
          // client-node refuses a plain-http server unless TLS verification is off (nothing to verify on loopback).
          'clusters: [{name: fake, cluster: {server: "' + url + '", insecure-skip-tls-verify: true}}]',
          'users: [{name: fake, user: {token: "' + token + '"}}]',
          'contexts: [{name: fake, context: {cluster: fake, user: fake, namespace: default}}]',
          'current-context: fake',
          '',
        ].join('\n'),
        { mode: 0o600 },
      );
      return file;
    },
    apply(obj) {
      const t = typeOfKind(obj.apiVersion, obj.kind);
      const k = key(t, obj.metadata?.namespace, obj.metadata?.name ?? '');
      const existing = store.get(k);
      rv++;
      const stored: KubeObject = structuredClone({
        ...obj,
        metadata: { ...obj.metadata, uid: existing?.metadata?.uid ?? randomUUID(), resourceVersion: String(rv), creationTimestamp: '2026-01-01T00:00:00Z' },
      });
      store.set(k, stored);
      record(existing ? 'MODIFIED' : 'ADDED', t, stored);
      return stored;
    },
    remove(obj) {
      const t = typeOfKind(obj.apiVersion, obj.kind);
      const k = key(t, obj.metadata?.namespace, obj.metadata?.name ?? '');
      const existing = store.get(k);
      if (!existing) return;
      store.delete(k);
      rv++;
      record('DELETED', t, { ...existing, metadata: { ...existing.metadata, resourceVersion: String(rv) } });
    },
    get(obj) {
      return store.get(key(typeOfKind(obj.apiVersion, obj.kind), obj.metadata?.namespace, obj.metadata?.name ?? ''));
    },
    compact() {
      // Like etcd compacting at the current revision: a client that has seen everything may go on; one behind may not.
      compactedAt = rv;
      history.length = 0;
    },
    dropWatches() {
      for (const w of watchers) w.res.end();
      watchers.clear();
    },
    bookmark() {
      for (const w of watchers) if (w.bookmarks) send(w, 'BOOKMARK', { kind: w.type.kind, apiVersion: apiVersionOf(w.type), metadata: { resourceVersion: String(rv) } });
    },
    failNext(prefix, count, code = 503) {
      failures.push({ prefix, count, status: code });
    },
    resetNext(prefix, count) {
      resets.push({ prefix, count });
    },
    tokens,
    denied,
    requests,
    get openWatches() {
      return watchers.size;
    },
    get resourceVersion() {
      return rv;
    },
    close() {
      for (const w of watchers) w.res.destroy();
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
