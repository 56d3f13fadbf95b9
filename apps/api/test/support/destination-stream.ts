// A test client for `GET /v1/destination`: reads NDJSON lines, validates each with the shared schema, queues them.
import { destinationPath, destinationUpdateSchema, type DestinationGet, type DestinationUpdate } from '@signalbox/shared';
import { eventually } from '@signalbox/launch';

export interface DestinationStream {
  /** The next update, waiting up to `timeoutMs`. */
  next(timeoutMs?: number): Promise<DestinationUpdate>;
  /** Resolves when the server ends the stream. */
  readonly ended: Promise<void>;
  close(): void;
}

/** `version` 2 streams also carry `profile` messages; 3, protocol hints. */
export async function openDestinationStream(apiAddr: string, authority: string, version: DestinationGet['v'] = 1): Promise<DestinationStream> {
  const abort = new AbortController();
  const url = `http://${apiAddr}${destinationPath}?v=${version}&authority=${encodeURIComponent(authority)}`;
  const res = await fetch(url, { signal: abort.signal });
  if (res.status !== 200 || !res.body) throw new Error(`${url} answered ${res.status}: ${await res.text()}`);
  if (res.headers.get('content-type') !== 'application/x-ndjson') throw new Error('not NDJSON');
  const queue: DestinationUpdate[] = [];
  const decoder = new TextDecoder();
  const body = res.body;
  const ended = (async () => {
    let buffered = '';
    try {
      for await (const chunk of body) {
        buffered += decoder.decode(chunk as Uint8Array, { stream: true });
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          queue.push(destinationUpdateSchema.parse(JSON.parse(buffered.slice(0, nl))));
          buffered = buffered.slice(nl + 1);
        }
      }
    } catch (err) {
      if (!abort.signal.aborted) throw err;
    }
  })();
  return {
    next: (timeoutMs = 10_000) =>
      eventually(
        () => {
          const update = queue.shift();
          if (!update) throw new Error(`no destination update for ${authority} within ${timeoutMs} ms`);
          return update;
        },
        { timeoutMs, intervalMs: 20 },
      ),
    ended,
    close: () => abort.abort(),
  };
}
