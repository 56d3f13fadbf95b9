// Tap fan-out: one session per client request. It subscribes to every tapped pod's proxy (each with its share of
// maxRps), merges their streams into one bounded outbox towards the client, and keeps ids unique by giving each
// proxy connection its own id base. Proxy-side and client-side drops both reach the client as `dropped` notices.
import {
  identityName,
  TapOutbox,
  tapErrorCodes,
  type OutboxSend,
  type Registry,
  type TapMessage,
  type TapRequest,
} from '@signalbox/shared';
import { connectProxyTap, type ProxyTap, type ProxyTapOptions, type ProxyTapTls } from './proxy-client.js';
import { proxyMatch, splitMaxRps, tapTargets } from './targets.js';

export interface TapSessionStats {
  /** Messages waiting for the client (never more than the outbox cap). */
  readonly queued: number;
  readonly inFlight: number;
  /** Events dropped so far, by the proxies or here. */
  readonly dropped: number;
  readonly sent: number;
}

export interface TapSession {
  /** `namespace/pod` of every tapped pod. */
  readonly pods: readonly string[];
  /** Per-pod share of maxRps, in the order of `pods`. */
  readonly rps: readonly number[];
  stats(): TapSessionStats;
  close(): void;
}

export interface TapHubOptions {
  readonly registry: () => Registry;
  /** The token proxies require on their tap endpoint. */
  readonly proxyToken: string | undefined;
  /**
   * Identity on: the tap service's certificate, presented to every pod whose registry entry names an mTLS tap
   * listener (`proxy.tap`); the proxy's expected identity comes from its serviceaccount, namespace and this domain.
   */
  readonly tls?: { readonly material: ProxyTapTls['material']; readonly trustDomain: string };
  /** Messages a client may have waiting before events are dropped. */
  readonly outboxCap?: number;
  /** How often each proxy stream is pinged; a missed pong ends it and the usual reconnect follows (default 10 s). */
  readonly pingIntervalMs?: number;
  /** For tests: how a proxy stream is opened. */
  readonly connect?: (options: ProxyTapOptions) => ProxyTap;
}

export interface TapHub {
  /** Starts a session for `request`, or says why it cannot (unknown resource, no meshed pods). */
  open(request: TapRequest, client: OutboxSend): TapSession | { readonly code: string; readonly message: string };
  readonly sessions: ReadonlySet<TapSession>;
  closeAll(): void;
}

export function createTapHub(options: TapHubOptions): TapHub {
  const sessions = new Set<TapSession>();
  const connect = options.connect ?? connectProxyTap;

  return {
    open(request, client) {
      const targets = tapTargets(options.registry(), request);
      if (!targets.ok) return { code: targets.code, message: targets.message };
      const outbox = new TapOutbox(client, { cap: options.outboxCap ?? 1000 });
      const push = (m: TapMessage) => outbox.push(JSON.stringify(m));
      const rps = splitMaxRps(request.maxRps, targets.pods.length);
      const match = proxyMatch(request);
      let nextBase = 0;

      const proxies = targets.pods.map((p, i) => {
        const name = `${p.namespace}/${p.pod.name}`;
        let base = -1;
        let down = false;
        const tls = options.tls;
        return connect({
          admin: tls && p.tap ? p.tap : p.admin,
          ...(tls && p.tap
            ? { tls: { material: tls.material, serverIdentity: identityName({ serviceAccount: p.pod.serviceAccount, namespace: p.namespace, trustDomain: tls.trustDomain }) } }
            : {}),
          token: options.proxyToken,
          ...(options.pingIntervalMs !== undefined ? { pingIntervalMs: options.pingIntervalMs } : {}),
          subscription: { v: 1, match, maxRps: rps[i] ?? 1, extractHeaders: request.extractHeaders, labels: p.labels },
          onUp: () => {
            base = nextBase++;
            down = false;
          },
          onDown: (reason, refused) => {
            if (down) return;
            down = true;
            push({
              type: 'error',
              code: refused ? tapErrorCodes.proxyRefused : tapErrorCodes.proxyUnavailable,
              message: `${reason}; retrying`,
              pod: name,
            });
          },
          onMessage: (m) => {
            if (m.type === 'event') push({ type: 'event', event: { ...m.event, id: { base, stream: m.event.id.stream } } });
            else if (m.type === 'dropped') outbox.reportDropped(m.count);
            else push({ ...m, pod: m.pod ?? name });
          },
        });
      });

      const session: TapSession = {
        pods: targets.pods.map((p) => `${p.namespace}/${p.pod.name}`),
        rps,
        stats: () => ({ queued: outbox.queued, inFlight: outbox.inFlight, dropped: outbox.droppedTotal, sent: outbox.sentTotal }),
        close() {
          if (!sessions.delete(session)) return;
          for (const p of proxies) p.close();
          outbox.close();
        },
      };
      sessions.add(session);
      return session;
    },
    sessions,
    closeAll() {
      for (const s of [...sessions]) s.close();
    },
  };
}
