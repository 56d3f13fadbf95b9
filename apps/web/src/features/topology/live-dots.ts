// Live traffic on the topology, the pure parts: which edge a tapped request travelled and whether it succeeded
// (from its outbound events, pairing the response head's status with the end by id), and a token bucket that caps
// how many dots start per second so a busy mesh does not flood the graph.
import { labelledWorkload, tapResponseSucceeded, type TapEvent, type TapRequestInput, type WorkloadRef } from '@signalbox/shared';
import { nodeId } from './to-graph';

export interface Dot {
  /** `src>dst` node ids: the topology link the request travelled. */
  readonly linkId: string;
  readonly ok: boolean;
}

/** Pairs the response head's status with the end of each outbound request; bounded like top's pending map. */
export class DotTracker {
  readonly #status = new Map<string, number>();

  constructor(private readonly maxPending = 1_000) {}

  /** A dot when `event` ends an outbound request between two known workloads, else null. */
  add(event: TapEvent): Dot | null {
    if (event.direction !== 'outbound') return null;
    const id = `${event.id.base}:${event.id.stream}`;
    if ('requestInit' in event) return null;
    if ('responseInit' in event) {
      if (this.#status.size >= this.maxPending) {
        const oldest = this.#status.keys().next();
        if (!oldest.done) this.#status.delete(oldest.value);
      }
      this.#status.set(id, event.responseInit.status);
      return null;
    }
    const status = this.#status.get(id);
    this.#status.delete(id);
    const end = (meta: Readonly<Record<string, string>>) => {
      const workload = labelledWorkload(meta);
      return workload && meta.namespace ? nodeId(meta.namespace, workload.kind, workload.name) : null;
    };
    const src = end(event.source.meta);
    const dst = end(event.destination.meta);
    if (!src || !dst) return null;
    return {
      linkId: `${src}>${dst}`,
      ok: tapResponseSucceeded(status, event.responseEnd),
    };
  }

  /** Stream ids start over on a new connection. */
  reset(): void {
    this.#status.clear();
  }
}

/** At most `perSecond` takes per second, refilled continuously, bursting up to `perSecond`. */
export function createRateCap(perSecond: number, now: () => number = () => performance.now()): () => boolean {
  let tokens = perSecond;
  let last = now();
  return () => {
    const t = now();
    tokens = Math.min(perSecond, tokens + ((t - last) / 1000) * perSecond);
    last = t;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  };
}

/** Dots start at most this often over the whole graph. */
export const MAX_DOTS_PER_SECOND = 50;
/** Workloads tapped at once for the animation (one tap stream each). */
export const MAX_TAPPED_WORKLOADS = 8;

/**
 * One outbound-only tap per source workload of the graph's links in `namespace` (busiest first, at most
 * MAX_TAPPED_WORKLOADS), sharing MAX_DOTS_PER_SECOND between them.
 */
export function liveTrafficRequests(
  namespace: string,
  links: readonly { readonly source: string; readonly edge: { readonly src: WorkloadRef; readonly rps: number } }[],
): TapRequestInput[] {
  const rps = new Map<string, { kind: WorkloadRef['kind']; name: string; rps: number }>();
  for (const { edge } of links) {
    if (edge.src.namespace !== namespace) continue;
    const key = `${edge.src.kind}/${edge.src.name}`;
    rps.set(key, { kind: edge.src.kind, name: edge.src.name, rps: (rps.get(key)?.rps ?? 0) + edge.rps });
  }
  const sources = [...rps.values()].sort((a, b) => b.rps - a.rps || a.name.localeCompare(b.name)).slice(0, MAX_TAPPED_WORKLOADS);
  const share = Math.max(1, Math.ceil(MAX_DOTS_PER_SECOND / Math.max(1, sources.length)));
  return sources.map(({ kind, name }) => ({
    v: 1,
    target: { namespace, kind, name },
    match: { direction: 'outbound' },
    maxRps: share,
  }));
}
