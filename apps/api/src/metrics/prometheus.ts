// The Prometheus HTTP API edge: an instant query → a parsed vector, a range query → a parsed matrix, both with
// coded errors and a bounded wait.
import { prometheusResponseSchema, type Matrix, type PrometheusResponse, type Vector } from '@signalbox/shared';
import { PrometheusQueryError, PrometheusUnavailableError } from './errors.js';

/** A range query's evaluation points: Unix seconds, every `step` seconds from `start` to `end` inclusive. */
export interface QueryRange {
  readonly start: number;
  readonly end: number;
  readonly step: number;
}

export interface PrometheusClient {
  /** Runs an instant query; resolves with its vector, rejects with a PrometheusUnavailable/QueryError. */
  query(promql: string): Promise<Vector>;
  /** Runs a range query (`/api/v1/query_range`); resolves with its matrix, rejects as `query` does. */
  queryRange(promql: string, range: QueryRange): Promise<Matrix>;
}

export interface PrometheusClientOptions {
  readonly url: string;
  /** A stat page waiting longer than this is worse than an error the user can act on. */
  readonly timeoutMs?: number;
}

type Data = Extract<PrometheusResponse, { status: 'success' }>['data'];

export function createPrometheusClient({ url, timeoutMs = 5000 }: PrometheusClientOptions): PrometheusClient {
  async function call(path: string, params: Record<string, string>): Promise<Data> {
    let res: Response;
    let body: string;
    try {
      res = await fetch(new URL(path, url), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(params),
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
    return answer.data;
  }

  return {
    async query(promql) {
      const data = await call('/api/v1/query', { query: promql });
      if (data.resultType !== 'vector')
        throw new PrometheusQueryError(`Prometheus answered a ${data.resultType}, expected a vector`);
      return data.result;
    },
    async queryRange(promql, { start, end, step }) {
      const data = await call('/api/v1/query_range', {
        query: promql,
        start: String(start),
        end: String(end),
        step: String(step),
      });
      if (data.resultType !== 'matrix')
        throw new PrometheusQueryError(`Prometheus answered a ${data.resultType}, expected a matrix`);
      return data.result;
    },
  };
}

/** fetch hides the socket error one level down ("fetch failed" → cause ECONNREFUSED). */
function describeFetchError(err: unknown): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return 'timed out';
  const cause = err instanceof Error ? (err.cause as { code?: string; message?: string } | undefined) : undefined;
  return cause?.message || cause?.code || (err instanceof Error ? err.message : String(err));
}
