// Discovery state: the registry in force and the streams watching an authority in it. A new registry is
// translated into per-subscriber diffs here; the HTTP layer (discovery/server.ts) only manages streams.
import type { DestinationUpdate, Registry, ServiceAuthority } from '@signalbox/shared';
import { resolveAuthority, translate, type Resolution } from './translator.js';

export type DestinationListener = (updates: readonly DestinationUpdate[]) => void;

export interface DiscoveryWatcher {
  /** The last good registry. */
  registry(): Registry;
  /** Applies a new registry and sends every subscriber what changed for its authority. */
  update(registry: Registry): void;
  /** Calls `listener` at once with the current state (never empty), then with each diff; returns unsubscribe. */
  subscribe(authority: ServiceAuthority, listener: DestinationListener): () => void;
  readonly subscriberCount: number;
}

interface Subscription {
  readonly authority: ServiceAuthority;
  readonly listener: DestinationListener;
  last: Resolution;
}

/** `trustDomain` names the identities endpoints must prove (default `cluster.local`). */
export function createDiscoveryWatcher(initial: Registry, trustDomain?: string): DiscoveryWatcher {
  let current = initial;
  const subscriptions = new Set<Subscription>();
  return {
    registry: () => current,
    update(registry) {
      current = registry;
      for (const sub of subscriptions) {
        const next = resolveAuthority(registry, sub.authority, trustDomain);
        const updates = translate(sub.last, next);
        sub.last = next;
        if (updates.length > 0) sub.listener(updates);
      }
    },
    subscribe(authority, listener) {
      const sub: Subscription = { authority, listener, last: resolveAuthority(current, authority, trustDomain) };
      subscriptions.add(sub);
      listener(translate(undefined, sub.last));
      return () => void subscriptions.delete(sub);
    },
    get subscriberCount() {
      return subscriptions.size;
    },
  };
}
