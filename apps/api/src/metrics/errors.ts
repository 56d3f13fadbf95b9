// Coded errors of the Prometheus edge. The tRPC layer maps them to HTTP-ish codes and exposes `code` to clients.
import { apiErrorCodes, type ApiErrorCode } from '@signalbox/shared';

export class SignalboxApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Prometheus could not be reached at all (refused, DNS, timeout): the dashboard shows "metrics unavailable". */
export class PrometheusUnavailableError extends SignalboxApiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(apiErrorCodes.prometheusUnavailable, message, options);
  }
}

/** Prometheus answered, but with an error or with something that is not its API's JSON. */
export class PrometheusQueryError extends SignalboxApiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(apiErrorCodes.prometheusError, message, options);
  }
}
