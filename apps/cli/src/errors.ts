// What the CLI tells the user when a call fails, and with which exit code (1: the call failed).
import { apiErrorCodes } from '@signalbox/shared';
import { TRPCClientError } from '@trpc/client';

export interface CliFailure {
  readonly message: string;
  readonly exitCode: number;
}

/** Maps a failed API call to one line: unreachable API, Prometheus down, or the API's own message. */
export function describeApiError(err: unknown, apiUrl: string): CliFailure {
  if (err instanceof TRPCClientError) {
    const data = err.data as { signalboxCode?: string | null; code?: string } | undefined | null;
    if (data?.signalboxCode === apiErrorCodes.prometheusUnavailable)
      return { message: `metrics are unavailable: the Signalbox API cannot reach Prometheus (${err.message})`, exitCode: 1 };
    if (data?.signalboxCode === apiErrorCodes.prometheusError)
      return { message: `Prometheus failed the query: ${err.message}`, exitCode: 1 };
    // No data: the request never got an answer from the API (refused, timed out, not a tRPC server).
    if (!data) return { message: `cannot reach the Signalbox API at ${apiUrl}: ${networkReason(err)}`, exitCode: 1 };
    return { message: `the Signalbox API answered ${data.code ?? 'an error'}: ${err.message}`, exitCode: 1 };
  }
  return { message: `cannot reach the Signalbox API at ${apiUrl}: ${networkReason(err)}`, exitCode: 1 };
}

/** fetch reports "fetch failed" and keeps the socket error (ECONNREFUSED …) in its cause. */
function networkReason(err: unknown): string {
  let reason = err instanceof Error ? err.message : String(err);
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    if (e.name === 'TimeoutError') return 'timed out';
    const code = (e as { code?: unknown }).code;
    if (e.message && e !== err && e.message !== 'fetch failed') reason = e.message;
    else if (typeof code === 'string' && e.message === '') reason = code;
  }
  return reason;
}
