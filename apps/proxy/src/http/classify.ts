// Response classification for response_total (Linkerd's legacy metrics, REFERENCE §1.7): a stream error is a
// failure; a gRPC response is judged by its grpc-status alone; any other response by its HTTP status (≥ 500).
// Pure, shared by HTTP/1 and HTTP/2.

export type Classification = 'success' | 'failure';

/** The gRPC status codes (grpc/doc/statuscodes.md). */
export const grpcStatus = {
  ok: 0,
  cancelled: 1,
  unknown: 2,
  invalidArgument: 3,
  deadlineExceeded: 4,
  notFound: 5,
  alreadyExists: 6,
  permissionDenied: 7,
  resourceExhausted: 8,
  failedPrecondition: 9,
  aborted: 10,
  outOfRange: 11,
  unimplemented: 12,
  internal: 13,
  unavailable: 14,
  dataLoss: 15,
  unauthenticated: 16,
} as const;

/** Linkerd's default gRPC failure codes; every other code (NOT_FOUND, CANCELLED, …) counts as success. */
const grpcFailures: ReadonlySet<number> = new Set([
  grpcStatus.unknown,
  grpcStatus.deadlineExceeded,
  grpcStatus.permissionDenied,
  grpcStatus.internal,
  grpcStatus.unavailable,
  grpcStatus.dataLoss,
]);

/**
 * `grpc`: the response's gRPC status, undefined for a non-gRPC response. `error`: a stream or proxy error code,
 * "" when the response completed.
 */
export function classify(status: number, grpc: number | undefined, error: string): Classification {
  if (error) return 'failure';
  if (grpc !== undefined) return grpcFailures.has(grpc) ? 'failure' : 'success';
  return status >= 500 ? 'failure' : 'success';
}

/** `application/grpc`, `application/grpc+proto`, `application/grpc-web`…: gRPC's content types. */
export function isGrpcContentType(contentType: string | undefined): boolean {
  return contentType !== undefined && /^application\/grpc(?:[+;-]|$)/i.test(contentType);
}

/**
 * The gRPC status of a finished response: grpc-status from the trailers, else from the headers (a trailers-only
 * response), else UNKNOWN when the response is gRPC (Linkerd: a missing status is UNKNOWN), else undefined.
 * A malformed value is UNKNOWN too.
 */
export function responseGrpcStatus(
  contentType: string | undefined,
  headerValue: string | undefined,
  trailerValue: string | undefined,
): number | undefined {
  const v = trailerValue ?? headerValue;
  if (v === undefined) return isGrpcContentType(contentType) ? grpcStatus.unknown : undefined;
  return /^\d{1,2}$/.test(v) ? Number(v) : grpcStatus.unknown;
}
