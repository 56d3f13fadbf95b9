// Pure parts of the dashboard's /api/trpc route handler, which forwards the browser's tRPC calls to the control
// plane so the browser never needs to know SIGNALBOX_API_URL.

export const DEFAULT_API_URL = 'http://127.0.0.1:8085';

/** Web-only error code: the dashboard server could not reach the Signalbox API (not one of the API's own codes). */
export const API_UNREACHABLE_CODE = 'SIGNALBOX_API_UNREACHABLE';

/** The mount point of the route handler; everything after it is the tRPC procedure path. */
export const TRPC_ROUTE_PREFIX = '/api/trpc/';

// tRPC procedure paths: dotted names, comma-joined when batched ("stat,namespaces"). Nothing with "/" or "..",
// so a request cannot be steered to another path of the API.
const PROCEDURE_PATH = /^[A-Za-z0-9_.,%-]+$/;

/**
 * `${apiBase}/trpc/<procedures>?<query>` for an incoming dashboard pathname, or null when the pathname is not a
 * tRPC procedure path. The raw (still-encoded) pathname and query are kept byte for byte.
 */
export function upstreamUrl(apiBase: string, pathname: string, search: string): string | null {
  if (!pathname.startsWith(TRPC_ROUTE_PREFIX)) return null;
  const procedures = pathname.slice(TRPC_ROUTE_PREFIX.length);
  if (!PROCEDURE_PATH.test(procedures) || procedures.includes('..')) return null;
  return `${apiBase.replace(/\/+$/, '')}/trpc/${procedures}${search}`;
}

/** The headers worth forwarding upstream: the body's type and tRPC's own negotiation headers. */
export const FORWARDED_REQUEST_HEADERS = ['content-type', 'accept', 'trpc-accept', 'x-trpc-source'] as const;

/** A tRPC error envelope (`{ error: { message, code, data } }`); tRPC's client applies it to every call in a batch. */
export interface TrpcErrorEnvelope {
  error: { message: string; code: number; data: { code: string; httpStatus: number; signalboxCode: string } };
}

/** The body answered with HTTP 502 when the API is unreachable, shaped so the tRPC client raises a normal error. */
export function unreachableEnvelope(reason: string): TrpcErrorEnvelope {
  return {
    error: {
      message: `Cannot reach the Signalbox API: ${reason}`,
      // JSON-RPC "internal error", which tRPC uses for 5xx codes.
      code: -32603,
      data: { code: 'BAD_GATEWAY', httpStatus: 502, signalboxCode: API_UNREACHABLE_CODE },
    },
  };
}

/** A short reason for a failed fetch: Node's fetch hides the socket error (ECONNREFUSED…) in `cause`. */
export function fetchFailureReason(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError' || error.name === 'AbortError') return 'request timed out';
    const cause = (error as { cause?: unknown }).cause;
    if (cause instanceof Error) {
      const code = (cause as { code?: unknown }).code;
      return typeof code === 'string' ? code : cause.message;
    }
    return error.message;
  }
  return String(error);
}
