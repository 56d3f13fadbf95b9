// The endpoint stage shared by both directions: count the request, forward it over the pool, record the
// response (or answer with the coded error), all under one endpoint's metric labels.
import { closesConnection, upstreamError, type ProxyError } from '../errors.js';
import { forward } from '../http/client.js';
import type { ConnectionPool } from '../http/pool.js';
import { formatPlainResponse } from '../http/response.js';
import type { Exchange, ExchangeResult } from '../http/server.js';
import type { TargetHttpMetrics } from '../telemetry/http-metrics.js';
import type { MetricTarget } from '../telemetry/labels.js';

export interface EndpointTarget {
  readonly addr: string;
  readonly host: string;
  readonly port: number;
  /** TCP metric labels for connections to this endpoint (no authority: connections are shared). */
  readonly tcp: MetricTarget;
  readonly http: TargetHttpMetrics;
}

export async function forwardToEndpoint(
  pool: ConnectionPool<EndpointTarget>,
  target: EndpointTarget,
  ex: Exchange,
  requestHead: string,
): Promise<ExchangeResult> {
  const m = target.http;
  m.request();
  try {
    const outcome = await forward(pool, target, ex, requestHead, {
      onResponseHead: (status) => m.latency(status, performance.now() - ex.startedAt),
    });
    if (outcome.kind === 'aborted') {
      m.response(outcome.status, outcome.error);
      return { close: true };
    }
    m.response(outcome.status, '');
    return outcome.result;
  } catch (err) {
    const e = upstreamError(err, target.addr);
    m.response(e.status, e.code);
    return respondError(ex, e);
  }
}

/** Answers the client with a proxy-generated error (`signalbox-proxy-error: <code>`). */
export function respondError(ex: Exchange, err: ProxyError): ExchangeResult {
  const close = ex.shouldClose() || closesConnection(err.code);
  if (!ex.client.destroyed)
    ex.client.write(
      formatPlainResponse({
        status: err.status,
        body: `${err.message}\n`,
        error: err.code,
        close,
        keepAlive10: ex.head.minor === 0,
        head: ex.head.method === 'HEAD',
      }),
    );
  return { close };
}
