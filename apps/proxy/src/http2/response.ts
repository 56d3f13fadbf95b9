// Responses the proxy generates itself on HTTP/2: plain text with `signalbox-proxy-error`, or, for a gRPC client,
// a trailers-only response whose grpc-status says UNAVAILABLE, or DEADLINE_EXCEEDED for the route's timeout
// (Linkerd answers gRPC clients the same way).
import type { IncomingHttpHeaders } from 'node:http2';
import type { ServerStream } from './engine.js';
import { meshHeaders } from '@signalbox/shared';
import type { ProxyError } from '../errors.js';
import { grpcStatus, isGrpcContentType } from '../http/classify.js';
import { NGHTTP2_INTERNAL_ERROR, NGHTTP2_NO_ERROR } from './codes.js';
import { headerString } from './headers.js';
import { resetStream } from './server.js';

/** What was sent, for response_total. */
export interface SentResponse {
  readonly status: number;
  readonly grpc: number | undefined;
}

/** What `respondH2Error` sends (or would): an attempt the logical stage may still retry is counted as such. */
export function errorResponse(stream: ServerStream, request: IncomingHttpHeaders, err: ProxyError): SentResponse {
  if (stream.destroyed || stream.closed || stream.headersSent) return { status: 0, grpc: undefined };
  if (!isGrpcContentType(headerString(request['content-type']))) return { status: err.status, grpc: undefined };
  const grpc = err.code === 'timeout' ? grpcStatus.deadlineExceeded : err.status >= 500 ? grpcStatus.unavailable : grpcStatus.internal;
  return { status: 200, grpc };
}

export function respondH2Error(stream: ServerStream, request: IncomingHttpHeaders, err: ProxyError): SentResponse {
  if (stream.destroyed || stream.closed) return { status: 0, grpc: undefined };
  if (stream.headersSent) {
    resetStream(stream, NGHTTP2_INTERNAL_ERROR);
    return { status: 0, grpc: undefined };
  }
  // The request body is of no use now: once the answer is out, tell the client to stop sending (RFC 9113 §8.1).
  stream.once('finish', () => resetStream(stream, NGHTTP2_NO_ERROR));
  const sent = errorResponse(stream, request, err);
  if (sent.grpc !== undefined) {
    stream.respond(
      {
        ':status': 200,
        'content-type': 'application/grpc',
        'grpc-status': String(sent.grpc),
        'grpc-message': encodeGrpcMessage(err.message),
        [meshHeaders.proxyError]: err.code,
      },
      { endStream: true },
    );
    return sent;
  }
  stream.respond({ ':status': err.status, 'content-type': 'text/plain; charset=utf-8', [meshHeaders.proxyError]: err.code });
  stream.end(request[':method'] === 'HEAD' ? undefined : `${err.message}\n`);
  return sent;
}

/** grpc-message is percent-encoded outside printable ASCII, and '%' itself (gRPC over HTTP/2 spec). */
export function encodeGrpcMessage(message: string): string {
  let out = '';
  for (const byte of Buffer.from(message, 'utf8')) {
    out += byte >= 0x20 && byte <= 0x7e && byte !== 0x25 ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
