// The Prometheus HTTP API edge: one instant query → a parsed vector, with coded errors and a bounded wait.
import { prometheusResponseSchema, type Vector } from '@signalbox/shared';
import { PrometheusQueryError, PrometheusUnavailableError } from './errors.js';

export interface PrometheusClient {
  /** Runs an instant query; resolves with its vector, rejects with a PrometheusUnavailable/QueryError. */
  query(promql: string): Promise<Vector>;
}

export interface PrometheusClientOptions {
  readonly url: string;
  /** A stat page waiting longer than this is worse than an error the user can act on. */
  readonly timeoutMs?: number;
}

export function createPrometheusClient({ url, timeoutMs = 5000 }: PrometheusClientOptions): PrometheusClient {
  const endpoint = new URL('/api/v1/query', url);
  return {
    async query(promql) {
      let res: Response;
      let body: string;
      try {
        res = await fetch(endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ query: promql }),
          signal: AbortSignal.timeout(timeoutMs),
        });
        body = await res.text();
      } catch (err) {
        throw new PrometheusUnavailableError(`Prometheus at ${url} is unavailable: ${describeFetchError(err)}`, {
          cause: err,
        });
      }
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        throw new PrometheusQueryError(`Prometheus at ${url} answered ${res.status} without JSON`);
      }
      const parsed = prometheusResponseSchema.safeParse(json);
      if (!parsed.success) throw new PrometheusQueryError(`Prometheus at ${url} answered an unexpected shape`);
      const answer = parsed.data;
      if (answer.status === 'error')
        throw new PrometheusQueryError(`Prometheus rejected the query (${answer.errorType}): ${answer.error}`);
      if (answer.data.resultType !== 'vector')
        throw new PrometheusQueryError(`Prometheus answered a ${answer.data.resultType}, expected a vector`);
      return answer.data.result;
    },
  };
}

/** fetch hides the socket error one level down ("fetch failed" → cause ECONNREFUSED). */
function describeFetchError(err: unknown): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return 'timed out';
  const cause = err instanceof Error ? (err.cause as { code?: string; message?: string } | undefined) : undefined;
  return cause?.message || cause?.code || (err instanceof Error ? err.message : String(err));
}
