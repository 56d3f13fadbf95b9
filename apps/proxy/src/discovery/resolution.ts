// The endpoint set of one authority, as the destination stream describes it (Linkerd's Destination.Get
// semantics): the first message after each (re)connect replaces the set; until it arrives the stale set keeps
// serving. It also holds the service's profile (v=2 `profile` messages: routes, retries, split), replaced whole by
// each one. An `ip:port` authority (an intercepted connection's original destination) holds instead what that
// address is: a service, one endpoint, or nothing in the mesh. Either says whether the destination is opaque
// (protocol hints). Pure state plus change listeners; the stream lives in client.ts.
import type { AddressUpdate, EndpointUpdate, Endpoint, Profile } from '@signalbox/shared';

export type ResolutionStatus =
  /** Nothing heard yet and no error yet. */
  | 'pending'
  /** The control plane could not be reached (or refused) before any answer. */
  | 'unavailable'
  | 'resolved';

export class Resolution {
  readonly #endpoints = new Map<string, Endpoint>();
  readonly #listeners = new Set<() => void>();
  #status: ResolutionStatus = 'pending';
  #exists = false;
  #snapshot: readonly Endpoint[] = [];
  #profile: Profile | undefined;
  #address: AddressUpdate | undefined;
  #opaque = false;

  constructor(readonly authority: string) {}

  get status(): ResolutionStatus {
    return this.#status;
  }

  /** From the last `noEndpoints` (or implied true by an `add`). */
  get exists(): boolean {
    return this.#exists;
  }

  get endpoints(): readonly Endpoint[] {
    return this.#snapshot;
  }

  /** The last profile the control plane sent; undefined until one came (a v=1 control plane sends none). */
  get profile(): Profile | undefined {
    return this.#profile;
  }

  /** `ip:port` authorities only: the control plane's last answer about the address; undefined until one came. */
  get address(): AddressUpdate | undefined {
    return this.#address;
  }

  /**
   * Discovery marks the destination opaque (Linkerd's `ProtocolHint::Opaque`): an address answer says so, or its
   * endpoint does; a service's, when any endpoint does (a rollout adding the declaration counts from its first
   * pod: forwarding a detectable protocol opaque loses HTTP features, detecting a server-speaks-first one stalls).
   */
  get opaque(): boolean {
    return this.#opaque;
  }

  /** Each answer replaces the previous one whole; connections read it when they are accepted. */
  applyAddress(address: AddressUpdate): void {
    this.#address = address;
    this.#opaque = address.protocolHint === 'opaque' || address.endpoint?.protocolHint === 'opaque';
    this.#status = 'resolved';
    this.#notify();
  }

  /** Resolves once the stream has answered or failed (at once if it has), or after `timeoutMs` in any case. */
  answered(timeoutMs: number): Promise<void> {
    if (this.#status !== 'pending') return Promise.resolve();
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        unsubscribe();
        resolve();
      };
      const unsubscribe = this.subscribe(() => {
        if (this.#status !== 'pending') finish();
      });
      const timer = setTimeout(finish, timeoutMs);
    });
  }

  /** A new profile replaces the old one; the logical stage reads it on its next request. */
  applyProfile(profile: Profile): void {
    this.#profile = profile;
    this.#notify();
  }

  /** `first`: the first endpoint message on this stream connection, which replaces whatever we had. */
  apply(update: EndpointUpdate, first: boolean): void {
    if (first) this.#endpoints.clear();
    switch (update.type) {
      case 'add':
        this.#exists = true;
        for (const e of update.endpoints) this.#endpoints.set(e.addr, e);
        break;
      case 'remove':
        for (const a of update.addrs) this.#endpoints.delete(a);
        break;
      case 'noEndpoints':
        this.#exists = update.exists;
        this.#endpoints.clear();
        break;
    }
    this.#status = 'resolved';
    this.#snapshot = [...this.#endpoints.values()];
    this.#opaque = this.#snapshot.some((e) => e.protocolHint === 'opaque');
    this.#notify();
  }

  /** The stream failed. Before any answer that makes the authority unavailable; after one, the stale set stays. */
  failed(): void {
    if (this.#status === 'pending') {
      this.#status = 'unavailable';
      this.#notify();
    }
  }

  /** Calls `listener` on every change; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #notify(): void {
    for (const l of [...this.#listeners]) l();
  }
}
