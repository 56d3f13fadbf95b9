// A fake control plane speaking the real destination wire schema: tests set an authority's endpoints (and, for v=2
// streams, its profile) and every open stream for it gets the update, as the real watcher would publish it.
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import {
  defaultRetryBudget,
  destinationGetSchema,
  destinationPath,
  destinationUpdateSchema,
  type DestinationUpdate,
  type Endpoint,
  type Profile,
} from '@signalbox/shared';

export interface FakeControlPlane {
  readonly url: string;
  /** Replaces the endpoint set (an empty list → noEndpoints{exists:true}). */
  endpoints(authority: string, endpoints: readonly Endpoint[]): void;
  remove(authority: string, addrs: readonly string[]): void;
  /** Replaces the authority's profile; v=2 streams get it at once (and first on subscribe). */
  profile(authority: string, profile: Partial<Profile>): void;
  /** Streams opened so far for `authority`. */
  subscriptions(authority: string): number;
  /** The stream versions asked for `authority`, in order, refused ones included. */
  versionsAsked(authority: string): readonly number[];
  close(): Promise<void>;
}

export interface FakeControlPlaneOptions {
  /** Refuse newer streams with a 400, as a control plane that predates them does. */
  readonly maxVersion?: number;
  /** Serve HTTPS with this certificate, whose DNS name the URL then uses (it still listens on `listen`). */
  readonly tls?: { readonly keyPem: string; readonly certPem: string; readonly name: string };
}

export async function startFakeControlPlane(listen: string, { maxVersion = Infinity, tls }: FakeControlPlaneOptions = {}): Promise<FakeControlPlane> {
  const asked = new Map<string, number[]>();
  const sets = new Map<string, Map<string, Endpoint>>();
  const streams = new Map<string, Set<http.ServerResponse>>();
  const profiles = new Map<string, Profile>();
  const v2 = new WeakSet<http.ServerResponse>();
  const opened = new Map<string, number>();
  const sockets = new Set<net.Socket>();

  const send = (res: http.ServerResponse, u: DestinationUpdate) => res.write(`${JSON.stringify(destinationUpdateSchema.parse(u))}\n`);

  const handle = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const q = destinationGetSchema.safeParse({ v: Number(url.searchParams.get('v')), authority: url.searchParams.get('authority') ?? '' });
    const authority = url.searchParams.get('authority') ?? '';
    asked.set(authority, [...(asked.get(authority) ?? []), Number(url.searchParams.get('v'))]);
    if (url.pathname !== destinationPath || !q.success || q.data.v > maxVersion) {
      res.writeHead(400, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ error: 'bad request' }));
    }
    opened.set(authority, (opened.get(authority) ?? 0) + 1);
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    if (q.data.v >= 2) {
      v2.add(res);
      const profile = profiles.get(authority);
      if (profile) send(res, { type: 'profile', profile });
    }
    const set = sets.get(authority);
    if (set && set.size > 0) send(res, { type: 'add', endpoints: [...set.values()] });
    else send(res, { type: 'noEndpoints', exists: set !== undefined });
    let subs = streams.get(authority);
    if (!subs) streams.set(authority, (subs = new Set()));
    subs.add(res);
    res.on('close', () => subs.delete(res));
  };
  const server = tls ? https.createServer({ key: tls.keyPem, cert: tls.certPem }, handle) : http.createServer(handle);
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const [host, port] = listen.split(':') as [string, string];
  await new Promise<void>((r) => server.listen(Number(port), host, () => r()));

  return {
    url: tls ? `https://${tls.name}:${port}` : `http://${listen}`,
    endpoints(authority, endpoints) {
      const next = new Map(endpoints.map((e) => [e.addr, e]));
      const prev = sets.get(authority) ?? new Map<string, Endpoint>();
      sets.set(authority, next);
      const removed = [...prev.keys()].filter((a) => !next.has(a));
      for (const res of streams.get(authority) ?? []) {
        if (next.size === 0) send(res, { type: 'noEndpoints', exists: true });
        else {
          if (removed.length) send(res, { type: 'remove', addrs: removed });
          send(res, { type: 'add', endpoints: [...next.values()] });
        }
      }
    },
    remove(authority, addrs) {
      const set = sets.get(authority);
      for (const a of addrs) set?.delete(a);
      for (const res of streams.get(authority) ?? []) send(res, { type: 'remove', addrs: [...addrs] });
    },
    profile(authority, partial) {
      const profile: Profile = { fqn: authority, routes: [], retryBudget: { ...defaultRetryBudget }, dstOverrides: [], ...partial };
      profiles.set(authority, profile);
      for (const res of streams.get(authority) ?? []) if (v2.has(res)) send(res, { type: 'profile', profile });
    },
    subscriptions: (authority) => opened.get(authority) ?? 0,
    versionsAsked: (authority) => asked.get(authority) ?? [],
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

export function endpoint(addr: string, pod: string, service = 'books', namespace = 'demo'): Endpoint {
  return {
    addr,
    meshed: true,
    labels: { namespace, service, deployment: service, pod, serviceaccount: 'default' },
  };
}
