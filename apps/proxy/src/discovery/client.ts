// One destination stream: GET {controlPlane}/v1/destination?v=3&authority=… answered with NDJSON updates: endpoint
// updates and (v≥2) the service's profile, or for an `ip:port` authority what that address is; v=3 adds protocol
// hints. Each line is parsed with the shared schema (bad lines are skipped and
// logged); the stream reconnects with backoff whenever it ends or fails, and the Resolution keeps its stale set
// until the next first message.
import { destinationPath, destinationUpdateSchema } from '@signalbox/shared';
import { controlPlaneRequest, readText, type ControlPlaneResponse } from '../control-plane-http.js';
import { backoffDelay } from './backoff.js';
import type { Resolution } from './resolution.js';

export interface StreamOptions {
  readonly controlPlaneUrl: string;
  readonly log: (msg: string) => void;
}

/** The stream version this proxy speaks, and the one before it, for a control plane that predates it. */
const newest = 3;
const previous = 2;

export class DestinationStream {
  readonly #abort = new AbortController();
  #attempt = 0;
  #version = newest;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(
    private readonly resolution: Resolution,
    private readonly options: StreamOptions,
  ) {
    void this.#run();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#abort.abort();
  }

  async #run(): Promise<void> {
    const url = new URL(destinationPath, this.options.controlPlaneUrl);
    url.searchParams.set('v', String(this.#version));
    url.searchParams.set('authority', this.resolution.authority);
    try {
      const res = await controlPlaneRequest(url, { signal: this.#abort.signal });
      const status = res.statusCode;
      if (status < 200 || status > 299) {
        const text = await readText(res).catch(() => '');
        // Control planes are upgraded first, but a proxy may meet an older one (a rollback, a pinned cluster): one
        // that refuses v=3 is asked for v=2 at once, which loses only the protocol hints (connections are then
        // detected). A 400 that v=2 gets too was not about the version, and takes the usual backoff.
        if (status === 400 && this.#version === newest) {
          this.#version = previous;
          this.options.log(`destination for ${this.resolution.authority}: v=${newest} refused, asking for v=${previous}`);
          return void this.#run();
        }
        throw new Error(`destination answered ${status}: ${text.slice(0, 200)}`);
      }
      await this.#read(res);
      if (!this.#stopped) this.options.log(`destination stream for ${this.resolution.authority} ended`);
    } catch (err) {
      if (this.#stopped) return;
      this.options.log(`destination stream for ${this.resolution.authority}: ${(err as Error).message}`);
    }
    if (this.#stopped) return;
    // Every reconnection asks for the newest version first: the control plane may have been upgraded meanwhile.
    this.#version = newest;
    this.resolution.failed();
    this.#timer = setTimeout(() => void this.#run(), backoffDelay(this.#attempt++));
  }

  async #read(body: ControlPlaneResponse): Promise<void> {
    const decoder = new TextDecoder();
    let pending = '';
    let first = true;
    for await (const chunk of body) {
      pending += decoder.decode(chunk, { stream: true });
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl).trim();
        pending = pending.slice(nl + 1);
        if (!line) continue;
        const parsed = parseLine(line);
        if (!parsed.success) {
          this.options.log(`destination: skipping bad update for ${this.resolution.authority}: ${parsed.error}`);
          continue;
        }
        const update = parsed.data;
        // The profile comes first on each connection; the first *endpoint* message is what replaces the set.
        if (update.type === 'profile') this.resolution.applyProfile(update.profile);
        else if (update.type === 'address') this.resolution.applyAddress(update);
        else {
          this.resolution.apply(update, first);
          first = false;
        }
        this.#attempt = 0;
      }
      // A line longer than this is not an update we would accept anyway; don't let it grow without bound.
      if (pending.length > 1 << 20) throw new Error('destination update line too long');
    }
  }
}

function parseLine(line: string) {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return { success: false as const, error: 'invalid JSON' };
  }
  const r = destinationUpdateSchema.safeParse(json);
  return r.success ? { success: true as const, data: r.data } : { success: false as const, error: r.error.message };
}
