// One destination stream per authority, shared by every request for it, and dropped after it has gone unused
// for `idleMs` (Linkerd evicts idle discovery entries the same way).
import { DestinationStream, type StreamOptions } from './client.js';
import { Resolution } from './resolution.js';

interface Entry {
  readonly resolution: Resolution;
  readonly stream: DestinationStream;
  lastUsed: number;
}

export interface DiscoveryOptions extends StreamOptions {
  readonly idleMs: number;
  readonly now?: () => number;
}

export class Discovery {
  readonly #entries = new Map<string, Entry>();
  readonly #sweep: NodeJS.Timeout;
  readonly #now: () => number;

  constructor(private readonly options: DiscoveryOptions) {
    this.#now = options.now ?? Date.now;
    this.#sweep = setInterval(() => this.evictIdle(), Math.max(1000, options.idleMs / 4));
    this.#sweep.unref();
  }

  /** The (shared, live) resolution for `authority`, subscribing on first use. */
  resolve(authority: string): Resolution {
    let e = this.#entries.get(authority);
    if (!e) {
      const resolution = new Resolution(authority);
      e = { resolution, stream: new DestinationStream(resolution, this.options), lastUsed: 0 };
      this.#entries.set(authority, e);
    }
    e.lastUsed = this.#now();
    return e.resolution;
  }

  evictIdle(): void {
    const cutoff = this.#now() - this.options.idleMs;
    for (const [authority, e] of this.#entries)
      if (e.lastUsed < cutoff) {
        e.stream.stop();
        this.#entries.delete(authority);
      }
  }

  close(): void {
    clearInterval(this.#sweep);
    for (const e of this.#entries.values()) e.stream.stop();
    this.#entries.clear();
  }
}
