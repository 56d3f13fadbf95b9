// List-then-watch of one Kubernetes collection (client-go's Reflector): a cache of its objects, kept current by a
// watch from the list's resourceVersion. A watch that ends is resumed from the last version seen; 410 Gone (the
// version was compacted away) means re-list; failures back off exponentially with jitter. Mechanism only: what
// the objects mean is the caller's business (discovery/sources/kubernetes.ts).
import { Watch, type KubeConfig, type KubernetesObject, type V1Status } from '@kubernetes/client-node';

export interface ListResult<T> {
  readonly items: readonly T[];
  readonly metadata?: { readonly resourceVersion?: string | undefined } | undefined;
}

export interface BackoffOptions {
  /** First delay after a failure, ms. */
  readonly initialMs: number;
  /** Longest delay, ms. */
  readonly maxMs: number;
  /** ± this fraction of each delay is random, so many clients do not retry in step. */
  readonly jitter: number;
}

/** client-go's reflector starts at 800 ms and caps at 30 s; we start lower because the first retry is often enough. */
export const defaultBackoff: BackoffOptions = { initialMs: 200, maxMs: 30_000, jitter: 0.2 };

export interface ListWatchOptions<T extends KubernetesObject> {
  readonly kc: KubeConfig;
  /** The collection's path, e.g. `/api/v1/pods`; watched as `?watch=true&resourceVersion=N`. */
  readonly path: string;
  readonly list: () => Promise<ListResult<T>>;
  /** After each change to the cache: one per watch event, one per (re-)list. */
  readonly onChange: () => void;
  /** A failure the loop recovers from by itself (logged by the caller), with the attempt number. */
  readonly onError?: (error: Error, attempt: number) => void;
  readonly backoff?: BackoffOptions;
  /** Asks the server to end each watch after this many seconds (client-go: random 5–10 min), so a silently dead watch cannot last. */
  readonly watchTimeoutSeconds?: () => number;
  readonly random?: () => number;
  /**
   * A watch that ends sooner than this having delivered nothing counts as a failure and backs off, so a server
   * that closes watches at once is not hammered (client-go's "very short watch" rule, 1 s).
   */
  readonly shortWatchMs?: number;
}

export interface ListWatchStats {
  lists: number;
  watches: number;
  /** 410 Gone answers (as an ERROR event or an HTTP status) that made it re-list. */
  expired: number;
  failures: number;
}

export interface ListWatch<T> {
  /** Resolves after the first list is in the cache. */
  readonly synced: Promise<void>;
  /** The cached objects. */
  items(): T[];
  readonly resourceVersion: string | undefined;
  readonly stats: Readonly<ListWatchStats>;
  close(): void;
}

/** An ERROR event or error answer from the API server, with its Status. */
export class KubeStatusError extends Error {
  readonly code = 'SB_KUBE_STATUS';
  constructor(
    readonly path: string,
    readonly status: number,
    readonly reason: string | undefined,
    message: string,
  ) {
    super(`${path}: ${status}${reason ? ` ${reason}` : ''}: ${message}`);
    this.name = 'KubeStatusError';
  }
}

type WatchOutcome = { readonly kind: 'ended'; readonly events: number; readonly durationMs: number } | { readonly kind: 'expired' };

export function objectKey(obj: KubernetesObject): string {
  return `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;
}

export function createListWatch<T extends KubernetesObject>({
  kc,
  path,
  list,
  onChange,
  onError = () => {},
  backoff = defaultBackoff,
  watchTimeoutSeconds = () => 300 + Math.floor(Math.random() * 300),
  random = Math.random,
  shortWatchMs = 1000,
}: ListWatchOptions<T>): ListWatch<T> {
  let cache = new Map<string, T>();
  let resourceVersion: string | undefined;
  let closed = false;
  let current: AbortController | undefined;
  let wake: (() => void) | undefined;
  const stats: ListWatchStats = { lists: 0, watches: 0, expired: 0, failures: 0 };
  let markSynced!: () => void;
  const synced = new Promise<void>((resolve) => (markSynced = resolve));
  const watcher = new Watch(kc);

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const delay = (attempt: number) => {
    const base = Math.min(backoff.maxMs, backoff.initialMs * 2 ** (attempt - 1));
    return Math.round(base * (1 - backoff.jitter + 2 * backoff.jitter * random()));
  };

  function watchOnce(): Promise<WatchOutcome> {
    return new Promise<WatchOutcome>((resolve, reject) => {
      const started = Date.now();
      let events = 0;
      let expired = false;
      let failure: Error | undefined;
      let controller: AbortController | undefined;
      const stop = () => controller?.abort();
      stats.watches++;
      const query = { resourceVersion, allowWatchBookmarks: true, timeoutSeconds: watchTimeoutSeconds() };
      watcher
        .watch(
          path,
          query,
          (type: string, obj: T | V1Status) => {
            if (closed || expired || failure) return;
            const meta = (obj as KubernetesObject).metadata;
            switch (type) {
              case 'ADDED':
              case 'MODIFIED':
                cache.set(objectKey(obj as T), obj as T);
                break;
              case 'DELETED':
                cache.delete(objectKey(obj as T));
                break;
              case 'BOOKMARK':
                break;
              case 'ERROR': {
                const status = obj as V1Status;
                // The apiserver's watch cache answers a compacted version this way: 200, then one ERROR event.
                if (status.code === 410) expired = true;
                else failure = new KubeStatusError(path, status.code ?? 0, status.reason, status.message ?? 'watch error');
                stop();
                return;
              }
              default:
                return;
            }
            events++;
            if (meta?.resourceVersion) resourceVersion = meta.resourceVersion;
            if (type !== 'BOOKMARK') onChange();
          },
          (err: unknown) => {
            current = undefined;
            if (expired) return resolve({ kind: 'expired' });
            if (failure) return reject(failure);
            if (closed) return resolve({ kind: 'ended', events, durationMs: Date.now() - started });
            const status = (err as { statusCode?: number } | null)?.statusCode;
            if (status === 410) return resolve({ kind: 'expired' });
            if (status !== undefined) return reject(new KubeStatusError(path, status, undefined, (err as Error).message));
            if (err) return reject(err instanceof Error ? err : new Error(String(err)));
            resolve({ kind: 'ended', events, durationMs: Date.now() - started });
          },
        )
        .then((c) => {
          controller = c;
          current = c;
          if (closed) c.abort();
        }, reject);
    });
  }

  async function run(): Promise<void> {
    let needList = true;
    let attempt = 0;
    while (!closed) {
      try {
        if (needList) {
          const result = await list();
          if (closed) return;
          cache = new Map(result.items.map((item) => [objectKey(item), item]));
          resourceVersion = result.metadata?.resourceVersion;
          needList = false;
          stats.lists++;
          markSynced();
          onChange();
        }
        const outcome = await watchOnce();
        if (closed) return;
        if (outcome.kind === 'expired') {
          // Our version is gone from the server's history: only a fresh list tells what changed meanwhile.
          stats.expired++;
          needList = true;
          continue;
        }
        if (outcome.events === 0 && outcome.durationMs < shortWatchMs)
          throw new Error(`${path}: very short watch: it ended within ${shortWatchMs} ms having delivered nothing`);
        attempt = 0;
      } catch (err) {
        if (closed) return;
        const status = (err as { code?: unknown }).code;
        if (status === 410) {
          stats.expired++;
          needList = true;
          continue;
        }
        attempt++;
        stats.failures++;
        onError(describe(err, path), attempt);
        await sleep(delay(attempt));
      }
    }
  }

  void run();
  return {
    synced,
    items: () => [...cache.values()],
    get resourceVersion() {
      return resourceVersion;
    },
    stats,
    close() {
      closed = true;
      current?.abort();
      wake?.();
    },
  };
}

/** An Error whose message names the path and the server's answer (ApiException bodies are Status JSON). */
function describe(err: unknown, path: string): Error {
  if (err instanceof KubeStatusError) return err;
  const apiCode = (err as { code?: unknown }).code;
  if (typeof apiCode === 'number') {
    let message = (err as Error).message.split('\n')[0] ?? '';
    try {
      const body = JSON.parse(String((err as { body?: unknown }).body)) as V1Status;
      if (body.message) message = body.message;
      return new KubeStatusError(path, apiCode, body.reason, message);
    } catch {
      return new KubeStatusError(path, apiCode, undefined, message);
    }
  }
  const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as { code?: string }).code;
  return new Error(`${path}: ${cause ? `${cause}: ` : ''}${(err as Error).message ?? String(err)}`);
}
