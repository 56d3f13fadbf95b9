// Discovery state: the registry in force and the streams watching an authority in it. A new registry is
// translated into per-subscriber diffs here; the HTTP layer (discovery/server.ts) only manages streams. Where the
// registry comes from is a DiscoverySource: the registry file on one machine, the Kubernetes API in a cluster.
import type { AddressUpdate, DestinationGet, DestinationUpdate, HostPort, Profile, Registry, ServiceAuthority } from '@signalbox/shared';
import { addressIndex, sameAddress, type AddressIndex } from './address-index.js';
import { resolveProfile, sameProfile } from './profile-translator.js';
import { resolveAuthority, translate, type Resolution } from './translator.js';

export type DestinationListener = (updates: readonly DestinationUpdate[]) => void;

export interface DiscoveryWatcher {
  /** The last good registry. */
  registry(): Registry;
  /** Applies a new registry and sends every subscriber what changed for its authority. */
  update(registry: Registry): void;
  /**
   * Calls `listener` at once with the current state (never empty), then with each diff; returns unsubscribe.
   * `version` 2 (and later) streams also get the service's profile: first, and again whenever it changes.
   */
  subscribe(authority: ServiceAuthority, listener: DestinationListener, version?: DestinationGet['v']): () => void;
  /** An intercepted connection's original destination: what it is at once, then each change of answer. */
  subscribeAddress(address: HostPort, listener: DestinationListener): () => void;
  readonly subscriberCount: number;
}

interface Subscription {
  readonly authority: ServiceAuthority;
  readonly listener: DestinationListener;
  last: Resolution;
  /** v≥2 streams only. */
  profile: Profile | undefined;
}

interface AddressSubscription {
  readonly address: HostPort;
  readonly listener: DestinationListener;
  last: AddressUpdate;
}

/** `trustDomain` names the identities endpoints must prove (default `cluster.local`). */
export function createDiscoveryWatcher(initial: Registry, trustDomain?: string): DiscoveryWatcher {
  let current = initial;
  const subscriptions = new Set<Subscription>();
  const addressSubscriptions = new Set<AddressSubscription>();
  // Built on first use after each change: a control plane nobody asks about addresses never builds one.
  let index: AddressIndex | undefined;
  const lookup = ({ host, port }: HostPort) => (index ??= addressIndex(current, trustDomain)).lookup(host, port);
  return {
    registry: () => current,
    update(registry) {
      current = registry;
      index = undefined;
      for (const sub of addressSubscriptions) {
        const next = lookup(sub.address);
        if (!sameAddress(sub.last, next)) sub.listener([next]);
        sub.last = next;
      }
      for (const sub of subscriptions) {
        const next = resolveAuthority(registry, sub.authority, trustDomain);
        const updates: DestinationUpdate[] = [];
        if (sub.profile) {
          const profile = resolveProfile(registry, sub.authority);
          if (!sameProfile(sub.profile, profile)) updates.push({ type: 'profile', profile });
          sub.profile = profile;
        }
        updates.push(...translate(sub.last, next));
        sub.last = next;
        if (updates.length > 0) sub.listener(updates);
      }
    },
    subscribe(authority, listener, version = 1) {
      const profile = version >= 2 ? resolveProfile(current, authority) : undefined;
      const sub: Subscription = { authority, listener, last: resolveAuthority(current, authority, trustDomain), profile };
      subscriptions.add(sub);
      // The profile first: a proxy then routes the very first request by it.
      listener([...(profile ? [{ type: 'profile' as const, profile }] : []), ...translate(undefined, sub.last)]);
      return () => void subscriptions.delete(sub);
    },
    subscribeAddress(address, listener) {
      const sub: AddressSubscription = { address, listener, last: lookup(address) };
      addressSubscriptions.add(sub);
      listener([sub.last]);
      return () => void addressSubscriptions.delete(sub);
    },
    get subscriberCount() {
      return subscriptions.size + addressSubscriptions.size;
    },
  };
}

// === Sources ===

/**
 * Where the mesh's model comes from (sources/static-file.ts, sources/kubernetes.ts). Both produce the same
 * Registry, so the translator, destination streams, file_sd, tap, identity and the dashboard never know which.
 */
export interface DiscoverySource {
  /** For logs: `registry <file>`, `kubernetes <server>`. */
  readonly description: string;
  /**
   * Resolves with the first complete model (rejects when the source cannot start, e.g. a broken registry file),
   * then calls `onUpdate` with every new model until closed.
   */
  start(events: DiscoverySourceEvents): Promise<Registry>;
  close(): void;
}

export interface DiscoverySourceEvents {
  readonly onUpdate: (registry: Registry) => void;
  /** A problem the source recovers from by itself (a broken edit kept out, a dropped watch): log it, count it. */
  readonly onError: (error: Error) => void;
}

export interface Discovery {
  readonly watcher: DiscoveryWatcher;
  close(): void;
}

/** Starts `source` and keeps a watcher on its latest model; `onUpdate` runs after each update is applied. */
export async function startDiscovery(
  source: DiscoverySource,
  { trustDomain, onUpdate = () => {}, onError }: { trustDomain?: string | undefined; onUpdate?: (registry: Registry) => void; onError: (error: Error) => void },
): Promise<Discovery> {
  const state: { watcher?: DiscoveryWatcher; early?: Registry } = {};
  const initial = await source.start({
    onUpdate(registry) {
      // An update before start() resolved supersedes the initial model.
      if (!state.watcher) state.early = registry;
      else {
        state.watcher.update(registry);
        onUpdate(registry);
      }
    },
    onError,
  });
  const watcher = createDiscoveryWatcher(state.early ?? initial, trustDomain);
  state.watcher = watcher;
  return { watcher, close: () => source.close() };
}
