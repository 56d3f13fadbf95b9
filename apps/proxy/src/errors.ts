// Coded errors for everything the proxy answers itself. The `code` is stable: it is the value of the
// `signalbox-proxy-error` header and of the `error` metric label, so dashboards and clients can match on it.

export type ProxyErrorCode =
  | 'bad-request'
  | 'header-too-large'
  | 'header-timeout'
  | 'method-not-allowed'
  | 'unknown-authority'
  | 'no-endpoints'
  | 'discovery-unavailable'
  | 'connect-refused'
  | 'connect-timeout'
  | 'upstream-reset'
  | 'bad-response'
  | 'upstream-busy'
  /** mTLS to a meshed endpoint failed: untrusted or wrong identity, handshake error, or no certificate of ours yet. */
  | 'upstream-tls'
  /** The route's timeout passed before a response (retries included): 504. */
  | 'timeout'
  /** Every endpoint is unavailable (failure accrual): the balancer fails fast. */
  | 'failfast';

const statusOf: Record<ProxyErrorCode, number> = {
  'bad-request': 400,
  'header-too-large': 431,
  'header-timeout': 408,
  'method-not-allowed': 405,
  'unknown-authority': 503,
  'no-endpoints': 503,
  'discovery-unavailable': 503,
  'connect-refused': 502,
  'connect-timeout': 502,
  'upstream-reset': 502,
  'bad-response': 502,
  'upstream-busy': 503,
  'upstream-tls': 502,
  timeout: 504,
  failfast: 503,
};

export class ProxyError extends Error {
  readonly status: number;
  constructor(
    readonly code: ProxyErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ProxyError';
    this.status = statusOf[code];
  }
}

/** Whether the proxy must close the client connection after answering: framing can no longer be trusted. */
export function closesConnection(code: ProxyErrorCode): boolean {
  return code === 'bad-request' || code === 'header-too-large' || code === 'header-timeout' || code === 'method-not-allowed';
}

/** Maps a socket error from connecting to, or talking with, an upstream to the error the client sees. */
export function upstreamError(err: unknown, target: string): ProxyError {
  if (err instanceof ProxyError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ECONNREFUSED') return new ProxyError('connect-refused', `connection to ${target} refused`);
  if (typeof code === 'string' && code.startsWith('SB_TLS_'))
    return new ProxyError('upstream-tls', `mTLS with ${target} failed: ${(err as Error).message}`);
  if (code === 'ETIMEDOUT' || code === 'SB_CONNECT_TIMEOUT')
    return new ProxyError('connect-timeout', `connecting to ${target} timed out`);
  return new ProxyError('upstream-reset', `connection to ${target} failed before a response: ${code ?? String(err)}`);
}
