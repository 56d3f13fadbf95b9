// Turns a failed tRPC call into what the dashboard tells the user: the cause, by the API's `signalboxCode`.
import { apiErrorCodes } from '@signalbox/shared';
import { API_UNREACHABLE_CODE } from './api-proxy';

export type ApiErrorKind =
  | 'prometheus-unavailable'
  | 'prometheus-error'
  | 'api-unreachable'
  | 'bad-request'
  | 'not-found'
  | 'unknown';

export interface ApiErrorView {
  kind: ApiErrorKind;
  /** One line naming the cause, shown in the banner. */
  message: string;
  /** The raw error message, for the banner's details. */
  detail: string | null;
}

interface ErrorData {
  code?: unknown;
  httpStatus?: unknown;
  signalboxCode?: unknown;
}

function errorData(error: unknown): ErrorData | null {
  if (typeof error !== 'object' || error === null) return null;
  const data = (error as { data?: unknown }).data;
  return typeof data === 'object' && data !== null ? (data as ErrorData) : null;
}

function errorMessage(error: unknown): string | null {
  if (error instanceof Error) return error.message || null;
  return typeof error === 'string' ? error : null;
}

/**
 * Maps a TRPCClientError (or anything thrown by a query) to a user message. Works on the error's shape, not its
 * class, so it needs no tRPC import: `data.signalboxCode` comes from the API (or from our /api/trpc route for an
 * unreachable API); no `data` at all means the HTTP request itself failed (dashboard server gone, network down).
 */
export function describeApiError(error: unknown): ApiErrorView {
  const data = errorData(error);
  const detail = errorMessage(error);
  switch (data?.signalboxCode) {
    case apiErrorCodes.prometheusUnavailable:
      return { kind: 'prometheus-unavailable', message: 'Metrics unavailable: Prometheus is unreachable', detail };
    case apiErrorCodes.prometheusError:
      return { kind: 'prometheus-error', message: 'Metrics unavailable: Prometheus returned an error', detail };
    case API_UNREACHABLE_CODE:
      return { kind: 'api-unreachable', message: 'Cannot reach the Signalbox API', detail };
  }
  if (data === null) return { kind: 'api-unreachable', message: 'Cannot reach the Signalbox API', detail };
  if (data.code === 'BAD_REQUEST' || data.httpStatus === 400)
    return { kind: 'bad-request', message: 'The API rejected the request', detail };
  if (data.code === 'NOT_FOUND' || data.httpStatus === 404) return { kind: 'not-found', message: 'Not found', detail };
  return { kind: 'unknown', message: 'The Signalbox API answered with an error', detail };
}

/**
 * react-query's retry policy: a bad request or an unknown resource will not get better, so it is not retried; anything else is retried
 * once before the error shows (the 2 s polling keeps trying afterwards, so a recovered API clears the banner).
 */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  const kind = describeApiError(error).kind;
  if (kind === 'bad-request' || kind === 'not-found') return false;
  return failureCount < 1;
}
