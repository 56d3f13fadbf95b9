// The HTTP/2 endpoint stage shared by both directions (the h2 counterpart of endpoint.ts): count the stream,
// forward it (h2 → h2, h2 → restored HTTP/1.1, or HTTP/1 → multiplexed h2), record the response under one
// endpoint's metric labels, and report the outcome to the balancer's pick.
import type { OutgoingHttpHeaders } from 'node:http2';
import { upstreamError, type ProxyError } from '../errors.js';
import type { ConnectionPool } from '../http/pool.js';
import type { Exchange, ExchangeResult } from '../http/server.js';
import type { H2Sessions } from '../http2/client.js';
import { forwardH2, type StreamHooks } from '../http2/forward.js';
import { forwardH1OverH2, forwardH2AsH1 } from '../http2/orig-proto.js';
import { respondH2Error } from '../http2/response.js';
import type { H2Request } from '../http2/server.js';
import type { TargetHttpMetrics } from '../telemetry/http-metrics.js';
import { respondError, type EndpointTarget } from './endpoint.js';

/** The balancer pick's completion: time to the response head (ms), 'error' when none came, or nothing. */
export type PickDone = (outcome?: number | 'error') => void;

function hooks(m: TargetHttpMetrics, startedAt: number, done: PickDone | undefined): StreamHooks {
  let headAt = -1;
  return {
    onResponseHead(status) {
      headAt = performance.now() - startedAt;
      m.latency(status, headAt);
      done?.(headAt);
    },
    onEnd(status, error, grpc) {
      m.response(status, error, grpc);
      if (headAt < 0) done?.(error ? 'error' : undefined);
    },
  };
}

/** h2 stream → h2 endpoint (an h2 app, or a peer proxy's inbound). */
export function forwardStreamToEndpoint(
  sessions: H2Sessions<EndpointTarget>,
  target: EndpointTarget,
  req: H2Request,
  headers: OutgoingHttpHeaders,
  done?: PickDone,
): Promise<void> {
  target.http.request();
  return forwardH2(sessions, target, req, headers, hooks(target.http, req.startedAt, done));
}

/** h2 stream a peer multiplexed (`signalbox-orig-proto`) → HTTP/1.1 to the app. */
export function restoreHttp1ToEndpoint(
  pool: ConnectionPool<EndpointTarget>,
  target: EndpointTarget,
  req: H2Request,
  drop: ReadonlySet<string>,
): Promise<void> {
  target.http.request();
  return forwardH2AsH1(pool, target, req, drop, hooks(target.http, req.startedAt, undefined));
}

/** HTTP/1 exchange → one stream of the shared h2 session to a meshed peer. */
export async function multiplexToEndpoint(
  sessions: H2Sessions<EndpointTarget>,
  target: EndpointTarget,
  ex: Exchange,
  logical: { readonly authority: string; readonly path: string },
  drop: ReadonlySet<string>,
  done?: PickDone,
): Promise<ExchangeResult> {
  const m = target.http;
  m.request();
  let headSeen = false;
  try {
    const outcome = await forwardH1OverH2(sessions, target, ex, logical, drop, (status) => {
      headSeen = true;
      const ms = performance.now() - ex.startedAt;
      m.latency(status, ms);
      done?.(ms);
    });
    if (outcome.kind === 'aborted') {
      m.response(outcome.status, outcome.error);
      if (!headSeen) done?.('error');
      return { close: true };
    }
    m.response(outcome.status, '');
    return outcome.result;
  } catch (err) {
    const e = upstreamError(err, target.addr);
    m.response(e.status, e.code);
    done?.('error');
    return respondError(ex, e);
  }
}

/** A proxy error for a stream that never reached an endpoint (failfast, bad authority), counted on `m` if given. */
export function respondStreamError(m: TargetHttpMetrics | undefined, req: H2Request, err: ProxyError): void {
  m?.request();
  const sent = respondH2Error(req.stream, req.headers, err);
  m?.response(sent.status, err.code, sent.grpc);
}
